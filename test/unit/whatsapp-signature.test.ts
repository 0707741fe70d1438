import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeNonAscii, signBody, verifySignature } from '../../shared/capture/whatsapp/signature';
import { fixturesDir } from '../helpers/paths';

interface SignedVector {
  body_file: string;
  escaped_body_file?: string;
  app_secret: string;
  x_hub_signature_256: string;
}

const signedDir = join(fixturesDir, 'signed');
const vectors = JSON.parse(readFileSync(join(signedDir, 'signed-examples.json'), 'utf8')) as SignedVector[];
const bodyOf = (file: string) => readFileSync(join(signedDir, file.split(' ')[0]));

describe('verifySignature', () => {
  it.each(vectors.map((vector) => [vector.body_file.split(' ')[0], vector] as const))('verifies the published vector %s', (_name, vector) => {
    expect(verifySignature(bodyOf(vector.body_file), vector.x_hub_signature_256, vector.app_secret)).toEqual({ valid: true });
  });

  it('verifies the escaped form of the unicode vector as received bytes too', () => {
    const vector = vectors.find((candidate) => candidate.escaped_body_file)!;
    const escaped = bodyOf(vector.escaped_body_file!);
    expect(verifySignature(escaped, vector.x_hub_signature_256, vector.app_secret)).toEqual({ valid: true });
    // the escaping we apply to raw UTF-8 yields exactly those bytes
    expect(escapeNonAscii(bodyOf(vector.body_file).toString('utf8'))).toBe(escaped.toString('utf8'));
  });

  it('rejects the vector with another secret', () => {
    const vector = vectors[0];
    expect(verifySignature(bodyOf(vector.body_file), vector.x_hub_signature_256, 'another-secret')).toEqual({
      valid: false,
      reason: 'signature does not match the body',
    });
  });

  it('rejects a body changed by one byte', () => {
    const vector = vectors[0];
    const body = Buffer.from(bodyOf(vector.body_file));
    body[body.length - 2] ^= 1;
    expect(verifySignature(body, vector.x_hub_signature_256, vector.app_secret).valid).toBe(false);
  });

  it('rejects a re-serialized body (parsing before verifying breaks signatures)', () => {
    const body = Buffer.from('{"text":"a\\/b \\u00e1"}');
    const header = signBody(body, 'secret');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(verifySignature(body, header, 'secret').valid).toBe(true);
    expect(verifySignature(reserialized, header, 'secret').valid).toBe(false);
  });

  it.each([
    [undefined, 'missing X-Hub-Signature-256 header'],
    ['', 'missing X-Hub-Signature-256 header'],
    ['sha1=abc', 'malformed X-Hub-Signature-256 header (expected sha256=<64 hex>)'],
    [`sha256=${'z'.repeat(64)}`, 'malformed X-Hub-Signature-256 header (expected sha256=<64 hex>)'],
    [`sha256=${'a'.repeat(63)}`, 'malformed X-Hub-Signature-256 header (expected sha256=<64 hex>)'],
  ])('rejects header %j with a reason', (header, reason) => {
    expect(verifySignature(Buffer.from('{}'), header, 'secret')).toEqual({ valid: false, reason });
  });

  it('accepts an upper-case hex digest', () => {
    const header = signBody('{}', 'secret').toUpperCase().replace('SHA256=', 'sha256=');
    expect(verifySignature(Buffer.from('{}'), header, 'secret').valid).toBe(true);
  });
});
