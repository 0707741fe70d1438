import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { inProcessQueues } from '../../media/adapters/message-queues';
import { DisclosureEvent, encodeContract } from '../../platform/contracts';

/** Hands new inbound messages to the first-contact disclosure function. */
export interface DisclosureStarter {
  start(messageIds: string[]): Promise<void>;
}

export type { DisclosureEvent } from '../../platform/contracts';

/** Message ids per asynchronous invocation (far below the 256 KB event limit). */
const IDS_PER_INVOCATION = 100;

let lambda: LambdaClient | undefined;

/**
 * A function name or ARN → asynchronous Lambda invocations (`InvocationType: Event`: Lambda queues
 * the event and retries it; the ingest function does not wait for Meta); `local://<name>` → the
 * local stack's in-process queue of that name, which runs the same handler.
 */
export function disclosureStarterFor(target: string): DisclosureStarter {
  if (target.startsWith('local://')) {
    const name = target.slice('local://'.length);
    return {
      start: async (messageIds) => {
        const queue = inProcessQueues.get(name);
        if (!queue) throw new Error(`no local queue named "${name}" is running`);
        await queue.send(messageIds);
      },
    };
  }
  lambda ??= new LambdaClient({});
  return {
    start: async (messageIds) => {
      for (let start = 0; start < messageIds.length; start += IDS_PER_INVOCATION) {
        const event = encodeContract(DisclosureEvent, { messageIds: messageIds.slice(start, start + IDS_PER_INVOCATION) });
        const response = await lambda!.send(new InvokeCommand({ FunctionName: target, InvocationType: 'Event', Payload: new TextEncoder().encode(event) }));
        if (response.StatusCode !== 202) throw new Error(`the disclosure function ${target} did not accept the event (status ${response.StatusCode})`);
      }
    },
  };
}
