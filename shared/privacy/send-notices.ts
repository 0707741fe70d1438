import { randomBytes } from 'node:crypto';
import { lineOf, type EmployeeNoticeSettings, type Line, type VigiaConfig } from '../config/vigia-config';
import type { NoticeMailer, NoticeRepository } from './ports/notices-and-disclosures';
import { NOTICE_CLAIM_STALE_MS, noticeAckUrl, renderNoticeEmail } from './employee-notice';
import { signNoticeToken } from './notice-token';

export interface NoticeDependencies {
  config: VigiaConfig;
  notices: NoticeRepository;
  mailer: NoticeMailer;
  /** The HMAC key of the acknowledgement links. */
  signingKey: () => Promise<string>;
  /** Base URL of the API the acknowledgement link points at. */
  publicUrl: string;
  now?: () => Date;
  newNonce?: () => string;
}

export type NoticeSendOutcome =
  | 'sent'
  /** A notice for the current version was sent already (not acknowledged yet). */
  | 'already_sent'
  | 'acknowledged'
  /** Another run is sending it right now. */
  | 'in_progress'
  | 'no_email'
  /** The e-mail could not be sent: nothing is recorded, the next run tries again. */
  | 'failed';

export interface NoticeSendResult {
  lineId: string;
  employee: string;
  policyVersion: string;
  outcome: NoticeSendOutcome;
  email?: string;
  sentAt?: string;
  linkExpiresAt?: string;
  error?: string;
}

/** A request that cannot be served as asked (unknown line, no e-mail, already acknowledged…): one line for the user. */
export class NoticeRequestError extends Error {
  override readonly name = 'NoticeRequestError';
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Sends the usage-policy notice to every configured line's employee (with an e-mail) who has no
 * notice for the current `policyVersion` yet: at `npm start` locally, after each deploy and daily
 * on AWS. A line already notified (or acknowledged) gets nothing; a failed e-mail leaves nothing
 * behind, so the next run tries again.
 */
export async function sendPendingNotices(deps: NoticeDependencies): Promise<NoticeSendResult[]> {
  const settings = deps.config.privacy?.employeeNotice;
  if (!settings) return [];
  const clock = deps.now ?? (() => new Date());
  const results: NoticeSendResult[] = [];
  for (const line of deps.config.lines) {
    const base = { lineId: line.phoneNumberId, employee: line.employee, policyVersion: settings.policyVersion };
    if (!line.email) {
      results.push({ ...base, outcome: 'no_email' });
      continue;
    }
    const existing = await deps.notices.get(line.phoneNumberId, settings.policyVersion);
    if (existing?.acknowledgedAt) results.push({ ...base, outcome: 'acknowledged', email: existing.email });
    else if (existing?.sentAt) results.push({ ...base, outcome: 'already_sent', email: existing.email, sentAt: existing.sentAt });
    else if (existing && Date.parse(existing.claimedAt) > clock().getTime() - NOTICE_CLAIM_STALE_MS) results.push({ ...base, outcome: 'in_progress' });
    else results.push(await firstSend(line as Line & { email: string }, settings, deps));
  }
  return results;
}

/**
 * `vigia lines notify LINE`: sends the notice again with a new link (only the newest link can
 * acknowledge). Refuses, with a NoticeRequestError, an unknown line, a line without e-mail and a
 * notice already acknowledged; an e-mail that cannot be sent throws the mailer's error.
 */
export async function resendNotice(lineId: string, deps: NoticeDependencies): Promise<NoticeSendResult> {
  const settings = deps.config.privacy?.employeeNotice;
  if (!settings) throw new NoticeRequestError('no employee notice is configured (privacy.employeeNotice in the config)');
  const line = lineOf(deps.config, lineId);
  if (!line) {
    const known = deps.config.lines.map((configured) => configured.phoneNumberId).join(', ') || 'none';
    throw new NoticeRequestError(`unknown line "${lineId}" (configured lines: ${known})`);
  }
  if (!line.email) throw new NoticeRequestError(`line ${lineId} (${line.employee}) has no email in the config`);
  const existing = await deps.notices.get(lineId, settings.policyVersion);
  if (existing?.acknowledgedAt) {
    throw new NoticeRequestError(`line ${lineId} (${line.employee}) acknowledged policy version ${settings.policyVersion} at ${existing.acknowledgedAt}: nothing to re-send`);
  }
  const withEmail = line as Line & { email: string };
  if (!existing) {
    const result = await firstSend(withEmail, settings, deps);
    if (result.outcome === 'failed') throw new Error(`the notice e-mail to ${line.email} could not be sent: ${result.error}`);
    if (result.outcome === 'in_progress') throw new NoticeRequestError(`the notice for line ${lineId} is being sent right now; try again in a minute`);
    return result;
  }
  // Sent first, then recorded: if the e-mail fails, the previous link stays the valid one.
  const link = await newLink(withEmail, settings, deps);
  await deps.mailer.send(link.email);
  const recorded = await deps.notices.replaceLink({
    lineId,
    policyVersion: settings.policyVersion,
    email: line.email,
    employee: line.employee,
    nonce: link.nonce,
    sentAt: link.now.toISOString(),
    linkExpiresAt: link.linkExpiresAt,
  });
  if (!recorded) throw new NoticeRequestError(`line ${lineId} (${line.employee}) acknowledged policy version ${settings.policyVersion} meanwhile: the new link will say so`);
  return { lineId, employee: line.employee, policyVersion: settings.policyVersion, outcome: 'sent', email: line.email, sentAt: link.now.toISOString(), linkExpiresAt: link.linkExpiresAt };
}

async function firstSend(line: Line & { email: string }, settings: EmployeeNoticeSettings, deps: NoticeDependencies): Promise<NoticeSendResult> {
  const base = { lineId: line.phoneNumberId, employee: line.employee, policyVersion: settings.policyVersion, email: line.email };
  const link = await newLink(line, settings, deps);
  const claimed = await deps.notices.claim(
    { lineId: line.phoneNumberId, policyVersion: settings.policyVersion, employee: line.employee, email: line.email, nonce: link.nonce, claimedAt: link.now.toISOString(), linkExpiresAt: link.linkExpiresAt },
    new Date(link.now.getTime() - NOTICE_CLAIM_STALE_MS).toISOString(),
  );
  if (!claimed) return { ...base, outcome: 'in_progress' };
  try {
    await deps.mailer.send(link.email);
  } catch (error) {
    await deps.notices.release(line.phoneNumberId, settings.policyVersion, link.nonce);
    return { ...base, outcome: 'failed', error: (error as Error).message };
  }
  const sentAt = (deps.now ?? (() => new Date()))().toISOString();
  await deps.notices.markSent(line.phoneNumberId, settings.policyVersion, link.nonce, sentAt);
  return { ...base, outcome: 'sent', sentAt, linkExpiresAt: link.linkExpiresAt };
}

async function newLink(line: Line & { email: string }, settings: EmployeeNoticeSettings, deps: NoticeDependencies) {
  const now = (deps.now ?? (() => new Date()))();
  const nonce = (deps.newNonce ?? (() => randomBytes(16).toString('base64url')))();
  // Whole seconds: the token carries the expiry in seconds.
  const linkExpiresAt = new Date(Math.floor((now.getTime() + settings.linkValidDays * DAY_MS) / 1000) * 1000).toISOString();
  const token = signNoticeToken({ lineId: line.phoneNumberId, policyVersion: settings.policyVersion, nonce, expiresAt: linkExpiresAt }, await deps.signingKey());
  const email = renderNoticeEmail({ settings, line, ackUrl: noticeAckUrl(deps.publicUrl, token), expiresAt: linkExpiresAt });
  return { now, nonce, linkExpiresAt, email };
}
