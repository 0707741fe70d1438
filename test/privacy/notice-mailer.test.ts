import { SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesNoticeMailer } from '../../shared/privacy/adapters/notice-mailers';
import { parseVigiaConfig, type EmployeeNoticeSettings } from '../../shared/config/vigia-config';
import { noticeAckUrl, noticeSesIdentity, renderNoticeEmail } from '../../shared/privacy/employee-notice';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const settings: EmployeeNoticeSettings = {
  policyVersion: '2026-11',
  policyUrl: 'https://intranet.example.com/whatsapp-policy',
  from: 'compliance@example.com',
  linkValidDays: 30,
};
const ackUrl = noticeAckUrl('https://abc123.execute-api.sa-east-1.amazonaws.com', 'eyJsIjoiMSJ9.c2ln');
const email = renderNoticeEmail({ settings, line: { phoneNumberId: '106540352242922', employee: 'Ana Souza', email: 'ana@example.com' }, ackUrl, expiresAt: '2026-12-28T10:00:00.000Z' });

describe('SesNoticeMailer', () => {
  it('sends one SES v2 SendEmail from the configured sender to the employee, with the link in both bodies', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await new SesNoticeMailer(new SESv2Client({ region: 'sa-east-1' })).send(email);

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'compliance@example.com',
      Destination: { ToAddresses: ['ana@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'WhatsApp usage policy 2026-11: please confirm you have read it', Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: 'vigia', Value: 'employee-notice' }],
    });
    expect(ackUrl).toBe('https://abc123.execute-api.sa-east-1.amazonaws.com/notice/ack?token=eyJsIjoiMSJ9.c2ln');
    expect(input.Content!.Simple!.Body!.Text!.Data).toContain(ackUrl);
    expect(input.Content!.Simple!.Body!.Text!.Data).toContain('https://intranet.example.com/whatsapp-policy');
    expect(input.Content!.Simple!.Body!.Text!.Data).toContain('until 2026-12-28');
    expect(input.Content!.Simple!.Body!.Html!.Data).toContain(`href="${ackUrl}"`);
  });

  it('lets a throttling error surface (the caller releases the claim; the next run retries)', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } }));
    await expect(new SesNoticeMailer(new SESv2Client({ region: 'sa-east-1' })).send(email)).rejects.toThrow(TooManyRequestsException);
    await expect(new SesNoticeMailer(new SESv2Client({ region: 'sa-east-1' })).send(email)).rejects.toThrow('Maximum sending rate exceeded.');
  });
});

describe('renderNoticeEmail', () => {
  it('inlines the policy text when there is no URL, and escapes it in the HTML', () => {
    const rendered = renderNoticeEmail({
      settings: { ...settings, policyUrl: undefined, policyText: 'Use the line for <work> only & keep customers’ data private.', subject: 'Política de uso do WhatsApp' },
      line: { phoneNumberId: '106540352242922', employee: 'Ana Souza', email: 'ana@example.com' },
      ackUrl,
      expiresAt: '2026-12-28T10:00:00.000Z',
    });
    expect(rendered.subject).toBe('Política de uso do WhatsApp');
    expect(rendered.text).toContain('--- Usage policy, version 2026-11 ---\nUse the line for <work> only & keep customers’ data private.');
    expect(rendered.html).toContain('Use the line for &lt;work&gt; only &amp; keep');
    expect(rendered.html).not.toContain('<work>');
  });

  it('sends as the domain of `from` unless sesIdentity says otherwise', () => {
    expect(noticeSesIdentity(settings)).toBe('example.com');
    expect(noticeSesIdentity({ ...settings, sesIdentity: 'compliance@example.com' })).toBe('compliance@example.com');
  });
});

describe('privacy config', () => {
  const base = 'lines: []\n';
  const problems = (yaml: string) => {
    try {
      parseVigiaConfig(base + yaml, 'x.yaml');
      return [];
    } catch (error) {
      return (error as Error).message.split('\n');
    }
  };

  it('reports every problem of the privacy section with its path', () => {
    expect(
      problems(`privacy:
  employeeNotice: { policyVersion: 2026, from: compliance, linkValidDays: 0, publicUrl: "ftp://x" }
  disclosure: { renewDays: -1, text: { fr: "Bonjour" }, defaultLanguage: es }
`),
    ).toEqual([
      'x.yaml: privacy.employeeNotice.policyVersion: must be a string — quote it ("2026"): YAML reads it as a number',
      'x.yaml: privacy.employeeNotice.from: must be an e-mail address, got "compliance"',
      'x.yaml: privacy.employeeNotice.linkValidDays: must be between 1 and 365',
      'x.yaml: privacy.employeeNotice.publicUrl: must be an http(s) URL, got "ftp://x"',
      'x.yaml: privacy.disclosure.renewDays: must be greater than 0',
      'x.yaml: privacy.disclosure.text.fr: unknown field',
      'x.yaml: privacy.disclosure.text: needs at least one of pt, es, en',
      'x.yaml: privacy.disclosure.defaultLanguage: has no text for it: add text.es',
    ]);
  });

  it('needs the policy as a URL or a text', () => {
    expect(problems('privacy:\n  employeeNotice: { policyVersion: "2026-11", from: a@b.com }\n')).toEqual(['x.yaml: privacy.employeeNotice: needs policyUrl or policyText (or both)']);
  });

  it('fills the defaults', () => {
    const config = parseVigiaConfig(`${base}privacy:\n  employeeNotice: { policyVersion: "v1", policyText: "Policy", from: a@b.com }\n  disclosure: { text: { es: "Hola" } }\n`, 'x.yaml');
    expect(config.privacy).toEqual({
      employeeNotice: { policyVersion: 'v1', policyText: 'Policy', from: 'a@b.com', linkValidDays: 30 },
      disclosure: { enabled: true, renewDays: 365, text: { es: 'Hola' } },
    });
  });
});
