import { appendFile, readFile } from 'node:fs/promises';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../model';
import type { AlertPublisher } from '../alert-delivery';
import type { RenderedNotification, Subscription } from '../notifications';
import { notificationAttributes } from '../notifications';

export type { AlertPublisher } from '../alert-delivery';

/** One local notification as `vigia notifications --json` lists it. */
export interface OutboxEntry {
  alertId: string;
  /** The subscription (manager × channel) it was delivered to: one entry per alert and subscription. */
  subscriptionId: string;
  channel: 'email' | 'sms';
  recipient: string;
  manager: string;
  subject: string;
  body: string;
  at: string;
}

/**
 * SNS: one publish per alert and subscription. The message attribute `subscription` names the one
 * subscription meant (its filter policy also checks team and severity), and `MessageStructure:
 * json` gives e-mail and SMS their own text. A publish SNS accepted is delivered by SNS (with its
 * own retries and the subscription's dead-letter queue).
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async deliver(alert: Alert, message: RenderedNotification, subscription: Subscription): Promise<void> {
    const attributes = notificationAttributes(alert);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: message.sms, email: message.email, sms: message.sms }),
        MessageAttributes: {
          subscription: { DataType: 'String', StringValue: subscription.id },
          team: { DataType: 'String', StringValue: attributes.team },
          severity: { DataType: 'String', StringValue: attributes.severity },
          severityRank: { DataType: 'Number', StringValue: String(attributes.severityRank) },
        },
      }),
    );
  }
}

/**
 * The local stand-in for the SNS topic: a JSON-lines outbox file (and a line on the console). The
 * outbox is an idempotent receiver: an (alert, subscription) already in it is not written again,
 * so a re-run after a crash between a delivery and its record leaves exactly one entry.
 */
export class OutboxAlertPublisher implements AlertPublisher {
  private delivered?: Promise<Set<string>>;

  constructor(private readonly file: string) {}

  async deliver(alert: Alert, message: RenderedNotification, subscription: Subscription): Promise<void> {
    const delivered = await (this.delivered ??= this.readDelivered());
    const key = `${alert.id}\u0000${subscription.id}`;
    if (delivered.has(key)) return;
    // Claimed before the write, so two concurrent runs in this process write it once.
    delivered.add(key);
    const entry: OutboxEntry = {
      alertId: alert.id,
      subscriptionId: subscription.id,
      channel: subscription.protocol,
      recipient: subscription.endpoint,
      manager: subscription.manager,
      subject: message.subject,
      body: subscription.protocol === 'email' ? message.email : message.sms,
      at: new Date().toISOString(),
    };
    try {
      await appendFile(this.file, `${JSON.stringify(entry)}\n`);
    } catch (error) {
      delivered.delete(key);
      throw error;
    }
    console.log(`vigia: alert ${alert.id} (${alert.severity}, ${alert.policyId}) → ${entry.channel} ${entry.recipient}`);
  }

  private async readDelivered(): Promise<Set<string>> {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const keys = new Set<string>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as Partial<OutboxEntry>;
        if (entry.alertId && entry.subscriptionId) keys.add(`${entry.alertId}\u0000${entry.subscriptionId}`);
      } catch {
        // A line cut short by a crash: its delivery is not recorded, so it is made again.
      }
    }
    return keys;
  }
}

let sns: SNSClient | undefined;
/** One publisher per outbox file in the process: the notify task and the re-drive share what it has written. */
const outboxes = new Map<string, OutboxAlertPublisher>();

/** `arn:aws:sns:…` → SNS; `local://outbox` → the outbox file named by VIGIA_OUTBOX_FILE. */
export function alertPublisherFor(target: string, env: Record<string, string | undefined> = process.env, client?: SNSClient): AlertPublisher {
  if (target === 'local://outbox') {
    const file = env.VIGIA_OUTBOX_FILE;
    if (!file) throw new Error('VIGIA_OUTBOX_FILE must be set for the local outbox');
    if (!outboxes.has(file)) outboxes.set(file, new OutboxAlertPublisher(file));
    return outboxes.get(file)!;
  }
  if (client) return new SnsAlertPublisher(client, target);
  sns ??= new SNSClient({});
  return new SnsAlertPublisher(sns, target);
}
