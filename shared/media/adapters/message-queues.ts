import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue } from '../ports/message-queue';

/** SQS queue by URL; batches of 10 (SQS's maximum), failing loudly on partial failures. */
export class SqsMessageQueue implements MessageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(bodies: string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += 10) {
      const batch = bodies.slice(start, start + 10);
      const response = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch.map((body, i) => ({ Id: String(i), MessageBody: body })) }),
      );
      if (response.Failed && response.Failed.length > 0) {
        throw new Error(`SQS refused ${response.Failed.length} message(s): ${response.Failed.map((failure) => failure.Message ?? failure.Code).join('; ')}`);
      }
    }
  }
}

/**
 * Queues of the local stack, registered by name before the handlers are imported. A queue URL
 * `local://<name>` selects one, so handlers run unchanged with `https://sqs…` URLs on AWS.
 */
export const inProcessQueues = new Map<string, MessageQueue>();

let sqs: SQSClient | undefined;

export function messageQueueFor(url: string): MessageQueue {
  if (url.startsWith('local://')) {
    const name = url.slice('local://'.length);
    return {
      send: async (bodies) => {
        const queue = inProcessQueues.get(name);
        if (!queue) throw new Error(`no local queue named "${name}" is running`);
        await queue.send(bodies);
      },
    };
  }
  sqs ??= new SQSClient({});
  return new SqsMessageQueue(sqs, url);
}
