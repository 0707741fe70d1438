import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AdaptersByScheme } from '../../platform/adapters-by-scheme';
import { encodeContract } from '../../platform/contracts';
import { FlowInput } from '../contracts';
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

/** StartExecution (Express, asynchronous) of the state machine `stateMachineArn`. */
function stepFunctionsStarter(stepFunctions: SFNClient, stateMachineArn: string): ComplianceFlowStarter {
  return {
    start: async (messageIds) => {
      // Every start is attempted even when one fails, then the first failure is thrown.
      await forEachLimited(messageIds, STARTS_IN_PARALLEL, async (messageId) => {
        await stepFunctions.send(new StartExecutionCommand({ stateMachineArn, input: encodeContract(FlowInput, { messageId }) }));
      });
    },
  };
}

/** `arn:aws:states:…` → Step Functions; other schemes are registered by the edge that runs the handlers. */
export const complianceFlowStarters = new AdaptersByScheme<ComplianceFlowStarter>((target) => stepFunctionsStarter((sfn ??= new SFNClient({})), target));

/** With `client`, always Step Functions through it. */
export function complianceFlowStarterFor(target: string, client?: SFNClient): ComplianceFlowStarter {
  return client ? stepFunctionsStarter(client, target) : complianceFlowStarters.resolve(target);
}
