import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Verifies `X-Hub-Signature-256` against HMAC-SHA256(appSecret, raw body bytes).
 *
 * Meta signs the bytes it sends, which carry non-ASCII as `\uXXXX` escapes. Some senders
 * (and test vectors) sign the escaped form while transmitting raw UTF-8; when the raw bytes
 * don't match and contain non-ASCII, the escaped form is tried too. That form is derived
 * from the received bytes, so it is no weaker than the raw check.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): SignatureCheck {
  if (!header) return { valid: false, reason: 'missing X-Hub-Signature-256 header' };
  const match = HEADER_PATTERN.exec(header.trim());
  if (!match) return { valid: false, reason: 'malformed X-Hub-Signature-256 header (expected sha256=<64 hex>)' };
  const expected = Buffer.from(match[1].toLowerCase(), 'hex');
  if (timingSafeEqual(hmac(appSecret, rawBody), expected)) return { valid: true };
  if (hasNonAscii(rawBody)) {
    const escaped = Buffer.from(escapeNonAscii(rawBody.toString('utf8')), 'utf8');
    if (timingSafeEqual(hmac(appSecret, escaped), expected)) return { valid: true };
  }
  return { valid: false, reason: 'signature does not match the body' };
}

/** `sha256=<hex>` for a body, as Meta would send it (used by the simulator and tests). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${hmac(appSecret, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).toString('hex')}`;
}

function hmac(secret: string, data: Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function hasNonAscii(data: Buffer): boolean {
  for (const byte of data) if (byte > 0x7f) return true;
  return false;
}

/** Non-ASCII UTF-16 code units as lowercase `\uXXXX`, the form of Meta's escaped payloads. */
export function escapeNonAscii(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
