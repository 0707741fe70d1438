import { appendFile } from 'node:fs/promises';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../domain/compliance';
import type { VigiaConfig } from '../config/vigia-config';
import { matchesFilterPolicy, subscriptionsFromConfig, type notificationAttributes, type renderNotification } from '../compliance/notifications';

type Rendered = ReturnType<typeof renderNotification>;
type Attributes = ReturnType<typeof notificationAttributes>;

export interface AlertPublisher {
  publish(alert: Alert, message: Rendered, attributes: Attributes): Promise<void>;
}

/** One local notification as `vigia notifications --json` lists it. */
export interface OutboxEntry {
  alertId: string;
  channel: 'email' | 'sms';
  recipient: string;
  manager: string;
  subject: string;
  body: string;
  at: string;
}

/**
 * SNS: one publish per alert; the subscriptions' filter policies (team, severity rank) decide
 * which managers get it, and `MessageStructure: json` gives e-mail and SMS their own text.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: Alert, message: Rendered, attributes: Attributes): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: message.sms, email: message.email, sms: message.sms }),
        MessageAttributes: {
          team: { DataType: 'String', StringValue: attributes.team },
          severity: { DataType: 'String', StringValue: attributes.severity },
          severityRank: { DataType: 'Number', StringValue: String(attributes.severityRank) },
        },
      }),
    );
  }
}

/**
 * The local stand-in for the SNS topic: the same subscriptions and filter policies as the CDK
 * stack (subscriptionsFromConfig), delivered to a JSON-lines outbox file and the console.
 */
export class OutboxAlertPublisher implements AlertPublisher {
  constructor(
    private readonly file: string,
    private readonly config: VigiaConfig,
  ) {}

  async publish(alert: Alert, message: Rendered, attributes: Attributes): Promise<void> {
    const at = new Date().toISOString();
    const entries: OutboxEntry[] = subscriptionsFromConfig(this.config)
      .filter((subscription) => matchesFilterPolicy(subscription.filterPolicy, attributes))
      .map((subscription) => ({
        alertId: alert.id,
        channel: subscription.protocol,
        recipient: subscription.endpoint,
        manager: subscription.manager,
        subject: message.subject,
        body: subscription.protocol === 'email' ? message.email : message.sms,
        at,
      }));
    if (entries.length === 0) return;
    await appendFile(this.file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    console.log(`vigia: alert ${alert.id} (${alert.severity}, ${alert.policyId}) → ${entries.map((entry) => `${entry.channel} ${entry.recipient}`).join(', ')}`);
  }
}

let sns: SNSClient | undefined;

/** `arn:aws:sns:…` → SNS; `local://outbox` → the outbox file named by VIGIA_OUTBOX_FILE. */
export function alertPublisherFor(target: string, config: VigiaConfig, env: Record<string, string | undefined> = process.env): AlertPublisher {
  if (target === 'local://outbox') {
    if (!env.VIGIA_OUTBOX_FILE) throw new Error('VIGIA_OUTBOX_FILE must be set for the local outbox');
    return new OutboxAlertPublisher(env.VIGIA_OUTBOX_FILE, config);
  }
  sns ??= new SNSClient({});
  return new SnsAlertPublisher(sns, target);
}
