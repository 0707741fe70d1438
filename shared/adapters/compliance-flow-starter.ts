import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { inProcessQueues } from './message-queues';

/** Starts the compliance flow for new messages: Step Functions on AWS, the local runner locally. */
export interface ComplianceFlowStarter {
  start(messageIds: string[]): Promise<void>;
}

let sfn: SFNClient | undefined;

/**
 * `arn:aws:states:…` → StartExecution (Express, asynchronous); `local://<name>` → the local
 * stack's in-process runner of the same definition.
 */
export function complianceFlowStarterFor(target: string): ComplianceFlowStarter {
  if (target.startsWith('local://')) {
    const name = target.slice('local://'.length);
    return {
      start: async (messageIds) => {
        const runner = inProcessQueues.get(name);
        if (!runner) throw new Error(`no local flow runner named "${name}" is running`);
        await runner.send(messageIds.map((messageId) => JSON.stringify({ messageId })));
      },
    };
  }
  sfn ??= new SFNClient({});
  return {
    start: async (messageIds) => {
      for (const messageId of messageIds) {
        await sfn!.send(new StartExecutionCommand({ stateMachineArn: target, input: JSON.stringify({ messageId }) }));
      }
    },
  };
}
