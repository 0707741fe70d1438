import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AdaptersByScheme } from '../../platform/adapters-by-scheme';
import { encodeContract } from '../../platform/contracts';
import { DisclosureEvent } from '../contracts';

/** Hands new inbound messages to the first-contact disclosure function. */
export interface DisclosureStarter {
  start(messageIds: string[]): Promise<void>;
}

export type { DisclosureEvent } from '../contracts';

/** Message ids per asynchronous invocation (far below the 256 KB event limit). */
const IDS_PER_INVOCATION = 100;

let lambda: LambdaClient | undefined;

/**
 * Asynchronous invocations (`InvocationType: Event`: Lambda queues the event and retries it; the
 * ingest function does not wait for the disclosure) of the function `functionName` (name or ARN).
 */
function lambdaDisclosureStarter(functionName: string): DisclosureStarter {
  const client = (lambda ??= new LambdaClient({}));
  return {
    start: async (messageIds) => {
      for (let start = 0; start < messageIds.length; start += IDS_PER_INVOCATION) {
        const event = encodeContract(DisclosureEvent, { messageIds: messageIds.slice(start, start + IDS_PER_INVOCATION) });
        const response = await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(event) }));
        if (response.StatusCode !== 202) throw new Error(`the disclosure function ${functionName} did not accept the event (status ${response.StatusCode})`);
      }
    },
  };
}

/** A function name or ARN → Lambda; other schemes are registered by the edge that runs the handlers. */
export const disclosureStarters = new AdaptersByScheme<DisclosureStarter>(lambdaDisclosureStarter);

export function disclosureStarterFor(target: string): DisclosureStarter {
  return disclosureStarters.resolve(target);
}
