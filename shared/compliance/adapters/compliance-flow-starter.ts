import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { inProcessQueues } from '../../media/adapters/message-queues';
import { encodeContract, FlowInput } from '../../platform/contracts';
import { forEachLimited } from '../../platform/concurrency';

/**
 * Starts the compliance flow for messages: Step Functions on AWS, the local runner locally. A
 * failure part-way throws (the caller retries; flows are idempotent, a second start is harmless).
 */
export interface ComplianceFlowStarter {
  start(messageIds: string[]): Promise<void>;
}

let sfn: SFNClient | undefined;

/** StartExecution calls in flight at once (a history chunk can carry thousands of messages). */
const STARTS_IN_PARALLEL = 8;

/**
 * `arn:aws:states:…` → StartExecution (Express, asynchronous); `local://<name>` → the local
 * stack's in-process runner of the same definition.
 */
export function complianceFlowStarterFor(target: string, client?: SFNClient): ComplianceFlowStarter {
  if (target.startsWith('local://')) {
    const name = target.slice('local://'.length);
    return {
      start: async (messageIds) => {
        const runner = inProcessQueues.get(name);
        if (!runner) throw new Error(`no local flow runner named "${name}" is running`);
        await runner.send(messageIds.map((messageId) => encodeContract(FlowInput, { messageId })));
      },
    };
  }
  const stepFunctions = client ?? (sfn ??= new SFNClient({}));
  return {
    start: async (messageIds) => {
      // Every start is attempted even when one fails, then the first failure is thrown.
      await forEachLimited(messageIds, STARTS_IN_PARALLEL, async (messageId) => {
        await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: target, input: encodeContract(FlowInput, { messageId }) }));
      });
    },
  };
}
