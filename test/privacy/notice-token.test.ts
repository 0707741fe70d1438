import { describe, expect, it } from 'vitest';
import { NoticeTokenError, signNoticeToken, verifyNoticeToken } from '../../shared/privacy/notice-token';

const key = 'k'.repeat(64);
const payload = { lineId: '106540352242922', policyVersion: '2026-11', nonce: 'n0nce-abcdefgh', expiresAt: '2026-12-28T10:00:00.000Z' };
const now = new Date('2026-11-28T10:00:00Z');

const problemOf = (token: string | undefined, at = now, signingKey = key) => {
  try {
    verifyNoticeToken(token, signingKey, at);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(NoticeTokenError);
    return (error as NoticeTokenError).problem;
  }
};

describe('notice tokens', () => {
  it('round-trip: a URL-safe token that says line, version, nonce and expiry', () => {
    const token = signNoticeToken(payload, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyNoticeToken(token, key, now)).toEqual(payload);
  });

  it('refuses another key, a changed payload or signature, and garbage', () => {
    const token = signNoticeToken(payload, key);
    const [body, signature] = token.split('.');
    expect(problemOf(token, now, 'x'.repeat(64))).toBe('bad_signature');
    expect(problemOf(`${signNoticeToken({ ...payload, lineId: '1' }, key).split('.')[0]}.${signature}`)).toBe('bad_signature');
    expect(problemOf(`${body}.${signature.slice(1)}`)).toBe('bad_signature');
    expect(problemOf(`${body}.${signature}.x`)).toBe('malformed');
    expect(problemOf('not a token')).toBe('malformed');
    expect(problemOf('a'.repeat(600))).toBe('malformed');
    expect(problemOf(undefined)).toBe('missing');
    expect(problemOf('  ')).toBe('missing');
  });

  it('expires at the signed time (whole seconds), and still says what it was for', () => {
    const token = signNoticeToken(payload, key);
    expect(problemOf(token, new Date('2026-12-28T09:59:59Z'))).toBeUndefined();
    expect(problemOf(token, new Date('2026-12-28T10:00:00Z'))).toBe('expired');
    const error = (() => {
      try {
        verifyNoticeToken(token, key, new Date('2027-01-01T00:00:00Z'));
      } catch (thrown) {
        return thrown as NoticeTokenError;
      }
    })();
    expect(error).toBeInstanceOf(NoticeTokenError);
    expect(error!.payload).toEqual(payload);
    expect(error!.message).toBe('the link expired on 2026-12-28T10:00:00.000Z');
  });
});
