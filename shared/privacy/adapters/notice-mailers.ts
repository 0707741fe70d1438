import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { NoticeEmail, NoticeMailer } from '../ports/notices-and-disclosures';
import { AdaptersByScheme } from '../../platform/adapters-by-scheme';

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

let ses: SESv2Client | undefined;

/** `ses` → Amazon SES; other schemes are registered by the edge that runs the handlers. */
export const noticeMailers = new AdaptersByScheme<NoticeMailer>((target) => {
  if (target !== 'ses') throw new Error(`unknown notice mailer "${target}" (expected ses)`);
  return new SesNoticeMailer((ses ??= new SESv2Client({})));
});

export function noticeMailerFor(target: string): NoticeMailer {
  return noticeMailers.resolve(target);
}
