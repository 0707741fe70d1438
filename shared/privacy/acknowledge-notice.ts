import type { EmployeeNoticeSettings } from '../config/vigia-config';
import type { NoticeRecord, NoticeRepository } from './ports/notices-and-disclosures';
import { NoticeTokenError, verifyNoticeToken, type NoticeTokenPayload } from './notice-token';

export interface AckDependencies {
  /** The current notice settings (their policyVersion is the only one that can be acknowledged). */
  settings: EmployeeNoticeSettings | undefined;
  notices: NoticeRepository;
  signingKey: () => Promise<string>;
  now?: () => Date;
}

/** What the acknowledgement page says: a status, a machine-readable code for refusals, a sentence. */
export interface AckAnswer {
  statusCode: number;
  /** Set on refusals (`missing_token`, `invalid_token`, `link_expired`, …). */
  error?: string;
  title: string;
  message: string;
  /** GET of a valid link: the confirmation form. */
  confirm?: { token: string; employee: string; lineId: string; policyVersion: string; policyUrl?: string; policyText?: string };
  /** POST that recorded the acknowledgement. */
  acknowledged?: { lineId: string; employee: string; policyVersion: string; at: string };
}

const refuse = (statusCode: number, error: string, title: string, message: string): AckAnswer => ({ statusCode, error, title, message });

type Checked = { answer: AckAnswer } | { payload: NoticeTokenPayload; record: NoticeRecord; settings: EmployeeNoticeSettings };

/** Everything that can be said without recording: signature, expiry, policy version, the item's state. */
async function check(token: string | undefined, deps: AckDependencies): Promise<Checked> {
  const settings = deps.settings;
  if (!settings) return { answer: refuse(404, 'notice_not_configured', 'No policy to acknowledge', 'This Vigia has no employee notice configured.') };
  let payload: NoticeTokenPayload;
  try {
    payload = verifyNoticeToken(token, await deps.signingKey(), (deps.now ?? (() => new Date()))());
  } catch (error) {
    if (!(error instanceof NoticeTokenError)) throw error;
    switch (error.problem) {
      case 'missing':
        return { answer: refuse(400, 'missing_token', 'Incomplete link', 'This link has no token. Open the link from your e-mail exactly as it is.') };
      case 'expired':
        return {
          answer: refuse(
            410,
            'link_expired',
            'Link expired',
            `This link expired on ${error.payload!.expiresAt.slice(0, 10)}. Ask your compliance team to send you a new one.`,
          ),
        };
      default:
        return { answer: refuse(403, 'invalid_token', 'Invalid link', 'This link is not valid: it was changed or cut short. Open the link from your e-mail exactly as it is.') };
    }
  }
  if (payload.policyVersion !== settings.policyVersion) {
    return {
      answer: refuse(
        410,
        'policy_version_replaced',
        'This policy version was replaced',
        `This link is for version ${payload.policyVersion} of the usage policy, which was replaced by version ${settings.policyVersion}. Use the link in the most recent e-mail.`,
      ),
    };
  }
  const record = await deps.notices.get(payload.lineId, payload.policyVersion);
  if (!record) return { answer: refuse(404, 'notice_not_found', 'Unknown notice', 'No notice was sent for this link. Ask your compliance team to send you a new one.') };
  const answer = stateAnswer(record, payload);
  return answer ? { answer } : { payload, record, settings };
}

function stateAnswer(record: NoticeRecord, payload: NoticeTokenPayload): AckAnswer | undefined {
  if (record.acknowledgedAt) {
    return refuse(409, 'already_used', 'Already acknowledged', `This link has already been used: your acknowledgement of version ${record.policyVersion} was recorded at ${record.acknowledgedAt}.`);
  }
  if (record.nonce !== payload.nonce) {
    return refuse(410, 'link_replaced', 'A newer link was sent', `A newer link was sent to you${record.sentAt ? ` at ${record.sentAt}` : ''}: use the link in that e-mail.`);
  }
  return undefined;
}

/** GET: checks the link without using it, and offers the confirmation (link scanners of mail systems follow GETs). */
export async function reviewNotice(token: string | undefined, deps: AckDependencies): Promise<AckAnswer> {
  const checked = await check(token, deps);
  if ('answer' in checked) return checked.answer;
  const { payload, record, settings } = checked;
  return {
    statusCode: 200,
    title: `Usage policy ${settings.policyVersion}`,
    message: `${record.employee}, please confirm that you have read the usage policy (version ${settings.policyVersion}) of the corporate WhatsApp line ${record.lineId}.`,
    confirm: { token: token!.trim(), employee: record.employee, lineId: record.lineId, policyVersion: payload.policyVersion, policyUrl: settings.policyUrl, policyText: settings.policyText },
  };
}

/** POST: records who acknowledged which version, when — once, with this link only. */
export async function acknowledgeNotice(token: string | undefined, request: { sourceIp?: string; userAgent?: string }, deps: AckDependencies): Promise<AckAnswer> {
  const checked = await check(token, deps);
  if ('answer' in checked) return checked.answer;
  const { payload, record } = checked;
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const result = await deps.notices.acknowledge(payload.lineId, payload.policyVersion, payload.nonce, {
    at,
    by: { employee: record.employee, email: record.email },
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
  });
  switch (result.outcome) {
    case 'acknowledged':
      return {
        statusCode: 200,
        title: 'Thank you',
        message: `Your acknowledgement of the usage policy version ${payload.policyVersion} was recorded at ${at}.`,
        acknowledged: { lineId: payload.lineId, employee: record.employee, policyVersion: payload.policyVersion, at },
      };
    case 'not_found':
      return refuse(404, 'notice_not_found', 'Unknown notice', 'No notice was sent for this link. Ask your compliance team to send you a new one.');
    default:
      // Used or replaced between the check and the write (a double click, a re-send).
      return stateAnswer(result.record, payload)!;
  }
}
