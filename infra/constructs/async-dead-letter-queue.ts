import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { AT_LEAST_ONCE } from './alarms';

/** Construct ID of the stack's AsyncDeadLetterQueue (a direct child of the stack). */
export const ASYNC_DEAD_LETTER_QUEUE_ID = 'AsyncDeadLetterQueue';

/** How long a dead letter is kept: SQS's maximum, time to notice the alarm and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface AsyncDeadLetterQueueProps {
  /** Encrypts the queue (the StatefulStack's customer-managed key). */
  readonly key: kms.IKey;
  /**
   * @default RemovalPolicy.DESTROY (the failed events of a stateless stack go with it)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One queue per stack for the asynchronous deliveries that failed after their retries:
 *
 * - Lambda asynchronous invocations of every PipelineFunction of the stack (its `DeadLetterConfig`);
 * - EventBridge schedule targets (the rule target's `DeadLetterConfig`);
 * - SNS subscriptions of the stack's topics (their `RedrivePolicy`).
 *
 * Encrypted with the customer-managed key, TLS only, 14 days. `alarm` goes off as soon as one
 * message is visible. The queue is a dead-letter queue itself: nothing consumes it, it has no
 * redrive policy of its own; an operator inspects each message (its attributes name the failed
 * function, rule or topic) and replays what matters.
 */
export class AsyncDeadLetterQueue extends Construct {
  /**
   * The stack's queue, created on first use (with `key`, and removal policy DESTROY). A stack that
   * wants another removal policy creates it first with `new AsyncDeadLetterQueue(stack, ASYNC_DEAD_LETTER_QUEUE_ID, …)`.
   */
  public static of(scope: IConstruct, key: kms.IKey): AsyncDeadLetterQueue {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ASYNC_DEAD_LETTER_QUEUE_ID);
    if (existing instanceof AsyncDeadLetterQueue) return existing;
    if (existing) throw new Error(`${stack.node.path}/${ASYNC_DEAD_LETTER_QUEUE_ID} exists and is not an AsyncDeadLetterQueue`);
    return new AsyncDeadLetterQueue(stack, ASYNC_DEAD_LETTER_QUEUE_ID, { key });
  }

  public readonly queue: sqs.Queue;
  /** At least one message in the queue. */
  public readonly alarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AsyncDeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.alarm = deadLetterAlarm(
      this,
      'Alarm',
      this.queue,
      `Asynchronous deliveries of ${Stack.of(this).stackName} failed after every retry (a function invocation, a schedule or a notification): ` +
        'inspect the messages of its AsyncDeadLetterQueue and replay what matters',
    );
  }
}

/**
 * An alarm on a dead-letter queue: at least one visible message (maximum over 5 minutes). Missing
 * data (an empty, idle queue) is not a breach.
 */
export function deadLetterAlarm(scope: Construct, id: string, queue: sqs.IQueue, description: string): cloudwatch.Alarm {
  return queue
    .metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) })
    .createAlarm(scope, id, { ...AT_LEAST_ONCE, alarmDescription: description });
}
