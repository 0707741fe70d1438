import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { OpsSettings } from '../../shared/config/vigia-config';

export interface OpsNotificationsProps {
  /** Deployment stage (already validated): part of the topic's display name. */
  readonly stage: string;
  /** Encrypts the topic (the StatefulStack's customer-managed key). */
  readonly key: kms.IKey;
  /** `ops` of the config: the e-mail addresses and phones to subscribe. */
  readonly ops: Pick<OpsSettings, 'email' | 'sms'>;
  /** Where SNS puts a notification it could not deliver to a subscription (its redrive policy). */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The ops topic: every CloudWatch alarm of the deployment notifies it (`notifyOnAlarm`), and the
 * config's `ops.email` and `ops.sms` are subscribed to it. KMS-encrypted with the customer-managed
 * key (the key policy lets CloudWatch use the key to publish, see the StatefulStack), TLS only.
 *
 * It lives in the StatefulStack, with the key, so that the PipelineStack and the AnalyticsStack can
 * both use it while depending on the StatefulStack only.
 */
export class OpsNotifications extends Construct {
  public readonly topic: sns.Topic;
  /** Keyed by `email:<address>` and `sms:<phone>`. */
  public readonly subscriptions: Readonly<Record<string, sns.Subscription>>;

  public constructor(scope: Construct, id: string, props: OpsNotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Vigia (${props.stage}) operations`,
      masterKey: props.key,
      enforceSSL: true,
    });
    const subscriptions: Record<string, sns.Subscription> = {};
    const endpoints = [
      ...props.ops.email.map((endpoint) => ({ protocol: sns.SubscriptionProtocol.EMAIL, endpoint, id: `email:${endpoint}` })),
      ...props.ops.sms.map((endpoint) => ({ protocol: sns.SubscriptionProtocol.SMS, endpoint, id: `sms:${endpoint}` })),
    ];
    for (const { protocol, endpoint, id: subscriptionId } of endpoints) {
      // CDK adds the queue policy statement that lets this topic (only) send to the dead-letter queue.
      subscriptions[subscriptionId] = new sns.Subscription(this, subscriptionId, {
        topic: this.topic,
        protocol,
        endpoint,
        deadLetterQueue: props.deadLetterQueue,
      });
    }
    this.subscriptions = subscriptions;
  }
}

/**
 * Adds `topic` as the ALARM action of every CloudWatch alarm under `scope` (a whole stack, at the
 * end of its constructor). Constructs inside the stack create their alarms without actions; the
 * stack wires them all here, once, so that no alarm is left without one.
 */
export function notifyOnAlarm(scope: IConstruct, topic: sns.ITopic): cloudwatch.Alarm[] {
  const action = new cloudwatchActions.SnsAction(topic);
  const alarms = scope.node.findAll().filter((construct): construct is cloudwatch.Alarm => construct instanceof cloudwatch.Alarm);
  for (const alarm of alarms) alarm.addAlarmAction(action);
  return alarms;
}
