import { CfnOutput } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Subscription as AlertSubscription } from '../../shared/compliance/notifications';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { atLeastOnceAlarm, vigiaMetric } from './alarms';

export interface AlertNotificationProps {
  /** Deployment stage (already validated): part of the topic's display name. */
  readonly stage: string;
  /** Encrypts the topic. */
  readonly key: kms.IKey;
  /** The managers' subscriptions (`subscriptionsFromConfig`), checked by `validateAlertSubscriptions`. */
  readonly subscriptions: readonly AlertSubscription[];
  /** Where SNS puts an alert it could not deliver to a subscription (after its retries). */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * How managers hear of compliance alerts: the alerts topic, one e-mail or SMS subscription per
 * manager of the config (filtered on subscription, team and severity), and the alarm on alerts
 * the compliance flow did not deliver. The notify task and the re-drive publish to the topic.
 *
 * Creates its resources in `scope`, not under itself (docs/decisions.md, decision 1).
 */
export class AlertNotification extends Construct {
  /**
   * New compliance alerts (KMS-encrypted with the stack key). Messages carry the attributes
   * `subscription`, `team` (String) and `severityRank` (Number) that the filter policies match.
   */
  public readonly alertsTopic: sns.Topic;
  /** One subscription per manager e-mail and phone of the config, keyed by subscription id. */
  public readonly alertSubscriptions: Readonly<Record<string, sns.Subscription>>;
  /** Alerts the flow did not deliver to every matching subscription within the grace period. */
  public readonly unnotifiedAlertsAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AlertNotificationProps) {
    super(scope, id);
    // E-mail and SMS subscriptions receive the message decrypted by SNS: only the publisher needs
    // rights on the key (bindTopicPublisher).
    this.alertsTopic = new sns.Topic(scope, 'AlertsTopic', {
      displayName: `Vigia (${props.stage}) alerts`,
      masterKey: props.key,
      enforceSSL: true,
    });
    const subscriptions: Record<string, sns.Subscription> = {};
    for (const subscription of props.subscriptions) {
      const [minimum] = subscription.filterPolicy.severityRank;
      subscriptions[subscription.id] = new sns.Subscription(this.alertsTopic, subscription.id, {
        topic: this.alertsTopic,
        protocol: subscription.protocol === 'email' ? sns.SubscriptionProtocol.EMAIL : sns.SubscriptionProtocol.SMS,
        endpoint: subscription.endpoint,
        filterPolicy: {
          // Each publish names the one subscription it is for (shared/compliance/alert-delivery.ts);
          // team and severity are checked as well, so no bug can reach another team's managers.
          subscription: sns.SubscriptionFilter.stringFilter({ allowlist: [subscription.id] }),
          team: sns.SubscriptionFilter.stringFilter({ allowlist: [...subscription.filterPolicy.team] }),
          severityRank: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: minimum.numeric[1] }),
        },
        deadLetterQueue: props.deadLetterQueue,
      });
    }
    this.alertSubscriptions = subscriptions;

    // The re-drive delivers what the flow did not, but managers were told late.
    this.unnotifiedAlertsAlarm = atLeastOnceAlarm(scope, 'UnnotifiedAlertsAlarm', vigiaMetric(VIGIA_METRICS.unnotifiedAlerts, cloudwatch.Stats.MAXIMUM),
      'Alerts not delivered to every matching manager by the compliance flow: the re-drive delivers them (AlertDeliveryFailed counts what still fails); check the notify and re-drive logs, SNS and KMS',
    );

    new CfnOutput(scope, 'AlertsTopicArn', {
      description: 'Topic of new compliance alerts (managers subscribe by e-mail and SMS)',
      value: this.alertsTopic.topicArn,
    });
  }
}

/**
 * Throws when two subscriptions would share a protocol and endpoint (before any construct exists).
 * SNS keeps one subscription per topic, protocol and endpoint: a second one with another filter
 * policy fails the deployment, and one with the same policy would be the same physical
 * subscription owned by two CloudFormation resources.
 */
export function validateAlertSubscriptions(subscriptions: ReadonlyArray<{ id: string; protocol: string; endpoint: string }>): void {
  const seen = new Map<string, string>();
  for (const subscription of subscriptions) {
    const key = `${subscription.protocol} ${subscription.endpoint}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(
        `Alert subscriptions ${JSON.stringify(first)} and ${JSON.stringify(subscription.id)} both notify ${key}: SNS allows one ` +
          'subscription per endpoint on the alerts topic. List that manager (e-mail or phone) in one team only.',
      );
    }
    seen.set(key, subscription.id);
  }
}
