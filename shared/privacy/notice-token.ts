import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/**
 * The personal acknowledgement link of an employee notice carries a token:
 * `base64url(JSON payload) "." base64url(HMAC-SHA256(signing key, first part))`.
 *
 * The payload names the line, the policy version, a nonce (the notice item keeps the nonce of the
 * last e-mail sent: a re-send makes older links useless) and an expiry. The signature makes it
 * unforgeable; single use is enforced by the table (a conditional write), not by the token.
 */
export interface NoticeTokenPayload {
  /** Line (phone number ID). */
  lineId: string;
  policyVersion: string;
  /** Random, per e-mail sent. */
  nonce: string;
  /** Expiry, ISO 8601. */
  expiresAt: string;
}

const Wire = z.strictObject({
  l: z.string().min(1).max(40),
  v: z.string().min(1).max(40),
  n: z.string().min(8).max(64),
  e: z.number().int().positive(),
});

/** Why a token was refused before the table was even read. */
export type NoticeTokenProblem = 'missing' | 'malformed' | 'bad_signature' | 'expired';

export class NoticeTokenError extends Error {
  override readonly name = 'NoticeTokenError';
  constructor(
    readonly problem: NoticeTokenProblem,
    message: string,
    /** The payload, when the signature was good (an expired token still says what it was for). */
    readonly payload?: NoticeTokenPayload,
  ) {
    super(message);
  }
}

const MAX_TOKEN_LENGTH = 512;

export function signNoticeToken(payload: NoticeTokenPayload, signingKey: string): string {
  const wire: z.infer<typeof Wire> = { l: payload.lineId, v: payload.policyVersion, n: payload.nonce, e: Math.floor(Date.parse(payload.expiresAt) / 1000) };
  const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${body}.${mac(body, signingKey)}`;
}

/**
 * The payload of a well-signed, unexpired token; NoticeTokenError otherwise. The signature is
 * checked (in constant time) before anything in the payload is believed.
 */
export function verifyNoticeToken(token: string | undefined, signingKey: string, now: Date): NoticeTokenPayload {
  if (token === undefined || token.trim() === '') throw new NoticeTokenError('missing', 'the link has no token');
  const parts = token.trim().split('.');
  if (token.length > MAX_TOKEN_LENGTH || parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1])) {
    throw new NoticeTokenError('malformed', 'the link is incomplete or was changed');
  }
  const [body, signature] = parts;
  const expected = Buffer.from(mac(body, signingKey), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new NoticeTokenError('bad_signature', 'the link is not valid (it was changed or truncated)');
  }
  let wire: z.infer<typeof Wire>;
  try {
    wire = Wire.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    // Well signed but unreadable: only a token signed with this key by another version of Vigia.
    throw new NoticeTokenError('malformed', 'the link is not valid (unknown format)');
  }
  const payload: NoticeTokenPayload = { lineId: wire.l, policyVersion: wire.v, nonce: wire.n, expiresAt: new Date(wire.e * 1000).toISOString() };
  if (now.getTime() >= wire.e * 1000) throw new NoticeTokenError('expired', `the link expired on ${payload.expiresAt}`, payload);
  return payload;
}

function mac(body: string, signingKey: string): string {
  return createHmac('sha256', signingKey).update(body).digest('base64url');
}
