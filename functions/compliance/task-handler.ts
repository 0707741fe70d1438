import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { FlowState } from '../../shared/compliance/model';
import { functionLogger } from '../../shared/observability/powertools';
import { FlowInput } from '../../shared/compliance/contracts';
import { parseContract } from '../../shared/platform/contracts';

/**
 * A Step Functions task as a Lambda handler: the flow state in, the result out. Errors are
 * thrown as they are, so the state machine's Retry/Catch see their names. Each task logs as its
 * own service (`vigia-compliance-record` for `Record`).
 */
export function flowTask<R>(name: string, task: (state: FlowState) => Promise<R> | R) {
  const logger = functionLogger(`vigia-compliance-${name.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}`);
  return middy(async (state: FlowState): Promise<R> => {
    // Every task's input carries at least the flow's input (a message id): checked before any work.
    parseContract(FlowInput, `${name} input`, state);
    logger.appendKeys({ messageId: state.messageId, task: name });
    return task(state);
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}
