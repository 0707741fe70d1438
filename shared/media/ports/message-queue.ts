/** A durable work queue (SQS on AWS, the local stack's in-process queue locally). */
export interface MessageQueue {
  send(bodies: string[]): Promise<void>;
}
