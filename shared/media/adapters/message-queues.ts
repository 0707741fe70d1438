import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue } from '../ports/message-queue';
import { AdaptersByScheme } from '../../platform/adapters-by-scheme';

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

let sqs: SQSClient | undefined;

/** Queue URLs → SQS; other schemes are registered by the edge that runs the handlers. */
export const messageQueues = new AdaptersByScheme<MessageQueue>((url) => new SqsMessageQueue((sqs ??= new SQSClient({})), url));

export function messageQueueFor(url: string): MessageQueue {
  return messageQueues.resolve(url);
}
