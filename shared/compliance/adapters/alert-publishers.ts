import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AdaptersByScheme } from '../../platform/adapters-by-scheme';
import type { Alert } from '../model';
import type { AlertPublisher } from '../alert-delivery';
import type { RenderedNotification, Subscription } from '../notifications';
import { notificationAttributes } from '../notifications';

export type { AlertPublisher } from '../alert-delivery';

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

let sns: SNSClient | undefined;

/** SNS topic ARNs → SNS; other schemes are registered by the edge that runs the handlers. */
export const alertPublishers = new AdaptersByScheme<AlertPublisher>((topicArn) => new SnsAlertPublisher((sns ??= new SNSClient({})), topicArn));

/** With `client`, always SNS through it. */
export function alertPublisherFor(target: string, client?: SNSClient): AlertPublisher {
  return client ? new SnsAlertPublisher(client, target) : alertPublishers.resolve(target);
}
