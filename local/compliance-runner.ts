import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { FLOW_STATES, type FlowState } from '../shared/compliance/model';
import { lambdaContext } from './api-gateway';
import { WorkQueue } from './work-queue';

type TaskHandler = (state: FlowState, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface ComplianceTaskHandlers {
  prepare: TaskHandler;
  fetchMedia: TaskHandler;
  ruleChecks: TaskHandler;
  sentimentCheck: TaskHandler;
  fileContentCheck: TaskHandler;
  record: TaskHandler;
  notify: TaskHandler;
}

/**
 * Runs the compliance flow locally: the ASL synthesized from the CDK definition, executed by
 * aws-local-stepfunctions, with each Lambda task mapped by state name to the same handler the
 * Lambda runs. Executions are queued (bounded concurrency), like Express executions on AWS.
 */
export function complianceRunner(
  asl: Record<string, unknown>,
  handlers: ComplianceTaskHandlers,
  options: { concurrency?: number; retryIntervalMs?: number; onExecution?: (ms: number) => void } = {},
) {
  const machine = new StateMachine(asl as never, { validationOptions: { checkArn: false } });
  // A CDK LambdaInvoke task hands the function `{ FunctionName, Payload }` and expects Lambda's
  // integration answer `{ Payload, StatusCode }` back (its outputPath is $.Payload).
  const lambda = (name: string, handler: TaskHandler) => async (input: unknown) => ({
    Payload: await handler((input as { Payload: FlowState }).Payload, lambdaContext(`vigia-${name}`)),
    StatusCode: 200,
  });
  const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {
    [FLOW_STATES.prepare]: lambda('compliance-prepare', handlers.prepare),
    [FLOW_STATES.fetchMedia]: lambda('compliance-fetch-media', handlers.fetchMedia),
    [FLOW_STATES.ruleChecks]: lambda('compliance-rules', handlers.ruleChecks),
    [FLOW_STATES.sentimentCheck]: lambda('compliance-sentiment', handlers.sentimentCheck),
    [FLOW_STATES.fileContentCheck]: lambda('compliance-file-content', handlers.fileContentCheck),
    [FLOW_STATES.record]: lambda('compliance-record', handlers.record),
    [FLOW_STATES.recordFailure]: lambda('compliance-record', handlers.record),
    [FLOW_STATES.notify]: lambda('compliance-notify', handlers.notify),
  };
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(Object.values(FLOW_STATES).map((name) => [name, options.retryIntervalMs!]));

  const failures: { messageId: string; error: string }[] = [];
  const queue = new WorkQueue<string>({
    concurrency: options.concurrency ?? 2,
    batchSize: 1,
    maxAttempts: 1,
    process: async ([messageId]) => {
      const started = performance.now();
      try {
        await machine.run({ messageId }, { overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, retryIntervalOverrides } }).result;
      } catch (error) {
        // The flow's own Catch has already recorded the failure beside the message.
        const reason = error instanceof ExecutionError ? error.message : (error as Error).message;
        failures.push({ messageId, error: reason });
        console.error(`vigia: compliance flow failed for ${messageId}: ${reason}`);
      } finally {
        options.onExecution?.(performance.now() - started);
      }
      return [];
    },
  });
  return {
    queue,
    failures,
    send: async (bodies: string[]) => {
      for (const body of bodies) queue.push((JSON.parse(body) as { messageId: string }).messageId);
    },
  };
}
