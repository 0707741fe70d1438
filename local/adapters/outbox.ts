import { appendFile, readFile } from 'node:fs/promises';
import type { AlertPublisher } from '../../shared/compliance/alert-delivery';
import type { Alert } from '../../shared/compliance/model';
import type { RenderedNotification, Subscription } from '../../shared/compliance/notifications';
import type { NoticeEmail, NoticeMailer } from '../../shared/privacy/ports/notices-and-disclosures';

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

/** A notice e-mail as the local outbox keeps it (beside the alert notifications; `vigia notifications`). */
export interface NoticeOutboxEntry {
  kind: 'notice';
  lineId: string;
  channel: 'email';
  recipient: string;
  employee: string;
  from: string;
  subject: string;
  body: string;
  at: string;
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

/** The local stand-in for SES: the outbox file the alert notifications go to, and the console. */
export class OutboxNoticeMailer implements NoticeMailer {
  constructor(
    private readonly file: string,
    /** Also say so on the console (the local stack does; the CLI prints its own line). */
    private readonly announce = true,
  ) {}

  async send(email: NoticeEmail): Promise<void> {
    const entry: NoticeOutboxEntry = {
      kind: 'notice',
      lineId: email.lineId,
      channel: 'email',
      recipient: email.to,
      employee: email.employee,
      from: email.from,
      subject: email.subject,
      body: email.text,
      at: new Date().toISOString(),
    };
    await appendFile(this.file, `${JSON.stringify(entry)}\n`);
    if (this.announce) console.log(`vigia: employee notice for line ${email.lineId} → email ${email.to}`);
  }
}
