import type { EmployeeNoticeSettings, Line } from '../config/vigia-config';
import type { NoticeEmail, NoticeRecord } from './ports/notices-and-disclosures';

/** The HTTP route of the acknowledgement link (GET shows the page, POST records). */
export const NOTICE_ACK_PATH = '/notice/ack';

/** A first send whose item is older than this and still has no `sentAt` was cut short: it may be taken over. */
export const NOTICE_CLAIM_STALE_MS = 15 * 60 * 1000;

/** The SES identity the notice is sent as: `sesIdentity`, else the domain of `from`. */
export function noticeSesIdentity(notice: Pick<EmployeeNoticeSettings, 'from' | 'sesIdentity'>): string {
  return notice.sesIdentity ?? notice.from.slice(notice.from.lastIndexOf('@') + 1);
}

export function noticeAckUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${NOTICE_ACK_PATH}?token=${encodeURIComponent(token)}`;
}

/** Where a line stands with the current policy version (`vigia lines`). */
export type NoticeState = 'not_configured' | 'no_email' | 'not_sent' | 'sending' | 'sent' | 'expired' | 'acknowledged';

export function noticeState(line: Pick<Line, 'email'>, settings: EmployeeNoticeSettings | undefined, record: NoticeRecord | undefined, now: Date): NoticeState {
  if (!settings) return 'not_configured';
  if (record?.acknowledgedAt) return 'acknowledged';
  if (!line.email) return 'no_email';
  if (!record) return 'not_sent';
  if (!record.sentAt) return 'sending';
  return Date.parse(record.linkExpiresAt) <= now.getTime() ? 'expired' : 'sent';
}

/** The notice e-mail: plain text and a minimal HTML version with the same content. */
export function renderNoticeEmail(input: {
  settings: EmployeeNoticeSettings;
  line: Pick<Line, 'phoneNumberId' | 'employee'> & { email: string };
  ackUrl: string;
  expiresAt: string;
}): NoticeEmail {
  const { settings, line, ackUrl, expiresAt } = input;
  const version = settings.policyVersion;
  const subject = settings.subject ?? `WhatsApp usage policy ${version}: please confirm you have read it`;
  const expires = expiresAt.slice(0, 10);
  const paragraphs = [
    `Hello ${line.employee},`,
    `The WhatsApp number you use for work (line ${line.phoneNumberId}) is a corporate line. The company keeps a copy of its conversations — messages, files and delivery statuses — and checks them against its compliance policies.`,
    settings.policyUrl ? `Please read the usage policy (version ${version}):\n${settings.policyUrl}` : `Please read the usage policy (version ${version}) below.`,
  ];
  const policyText = settings.policyText ? `\n\n--- Usage policy, version ${version} ---\n${settings.policyText}\n--- end of the policy ---` : '';
  const confirm = `Then confirm that you have read it with this personal link (it works once, until ${expires}):\n${ackUrl}`;
  const text = `${paragraphs.join('\n\n')}${policyText}\n\n${confirm}\n\nIf you did not expect this e-mail, tell your compliance team.\n`;

  const p = (value: string) => `<p>${escapeHtml(value).replace(/\n/g, '<br>')}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; max-width: 40em">',
    p(paragraphs[0]),
    p(paragraphs[1]),
    settings.policyUrl
      ? `<p>Please read the <a href="${escapeHtml(settings.policyUrl)}">usage policy (version ${escapeHtml(version)})</a>.</p>`
      : `<p>Please read the usage policy (version ${escapeHtml(version)}) below.</p>`,
    settings.policyText ? `<blockquote style="white-space: pre-wrap">${escapeHtml(settings.policyText)}</blockquote>` : '',
    `<p>Then confirm that you have read it: <a href="${escapeHtml(ackUrl)}">I have read the policy</a>.<br>This personal link works once, until ${escapeHtml(expires)}.</p>`,
    p('If you did not expect this e-mail, tell your compliance team.'),
    '</body></html>',
  ].join('\n');
  return { lineId: line.phoneNumberId, employee: line.employee, to: line.email, from: settings.from, subject, text, html };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
