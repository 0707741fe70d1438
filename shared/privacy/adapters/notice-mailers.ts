import { appendFile } from 'node:fs/promises';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { NoticeEmail, NoticeMailer } from '../ports/notices-and-disclosures';

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

/** Amazon SES (v2 `SendEmail`), as the configured sender identity; errors (throttling included) propagate. */
export class SesNoticeMailer implements NoticeMailer {
  constructor(private readonly ses: SESv2Client) {}

  async send(email: NoticeEmail): Promise<void> {
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
        EmailTags: [{ Name: 'vigia', Value: 'employee-notice' }],
      }),
    );
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

let ses: SESv2Client | undefined;

/** `ses` → Amazon SES; `local://outbox` → the outbox file named by VIGIA_OUTBOX_FILE. */
export function noticeMailerFor(target: string, env: Record<string, string | undefined> = process.env): NoticeMailer {
  if (target === 'local://outbox') {
    if (!env.VIGIA_OUTBOX_FILE) throw new Error('VIGIA_OUTBOX_FILE must be set for the local outbox');
    return new OutboxNoticeMailer(env.VIGIA_OUTBOX_FILE);
  }
  if (target !== 'ses') throw new Error(`unknown notice mailer "${target}" (expected ses or local://outbox)`);
  ses ??= new SESv2Client({});
  return new SesNoticeMailer(ses);
}
