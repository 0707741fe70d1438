import { describe, expect, it } from 'vitest';
import { generateSigningKeyPem, LocalDigestSigner } from '../../shared/evidence/adapters/local-signer';
import {
  canonicalJson,
  type Digest,
  digestSigningBytes,
  InvalidDigestError,
  parseDigest,
  serializeDigest,
  sha256Hex,
  signDigest,
  verifyDigestSignature,
} from '../../shared/evidence/digest';
import { sampleUnsignedDigest } from './fixtures';

const signer = new LocalDigestSigner(generateSigningKeyPem(), 'local-test');

/** Every path to a leaf value of a JSON-like object. */
function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]));
  return [path];
}

/** A copy of the digest with the value at `path` changed (a string, number or null each in its own way). */
function altered(digest: Digest, path: string[]): Digest {
  const copy = structuredClone(digest) as unknown as Record<string, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  const value = parent[last];
  if (typeof value === 'number') parent[last] = value + 1;
  else if (value === null) parent[last] = { key: 'evidence/forged.json', sha256: '00'.repeat(32) };
  else if (typeof value === 'string' && /^[0-9a-f]+$/.test(value)) parent[last] = `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`;
  else parent[last] = `${value}x`;
  return copy as unknown as Digest;
}

describe('canonicalJson', () => {
  it('sorts object keys at every level, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 'é' }], c: null }, B: true })).toBe('{"B":true,"a":{"c":null,"d":[3,{"y":"é","z":1}]},"b":1}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson('a"b\n')).toBe('"a\\"b\\n"');
    expect(canonicalJson(-0.5)).toBe('-0.5');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson({ y: { q: 3, p: 2 }, x: 1 }));
  });

  it('fails for what JSON cannot represent, naming where', () => {
    expect(() => canonicalJson(undefined)).toThrow(/\$ is undefined/);
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow(/\$\.a\.b is undefined/);
    expect(() => canonicalJson([1, undefined])).toThrow(/\$\[1\] is undefined/);
    // biome-ignore lint/suspicious/noSparseArray: a hole must fail like undefined
    expect(() => canonicalJson([1, , 3])).toThrow(/\$\[1\] is undefined/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f is function/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/\$\.n is NaN/);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ s: Symbol('s') })).toThrow(/symbol/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/\$\.d is a Date/);
  });
});

describe('digest signing', () => {
  it('signs the canonical JSON without the signature, and verifies with the public key', async () => {
    const unsigned = sampleUnsignedDigest();
    const digest = await signDigest(unsigned, signer);
    expect(digest.signature).toMatchObject({ algorithm: 'ECDSA_P256_SHA256', keyId: 'local-test' });
    expect(digestSigningBytes(digest).equals(digestSigningBytes(unsigned))).toBe(true);
    expect(digestSigningBytes(digest).toString('utf8')).not.toContain('signature');
    expect(verifyDigestSignature(digest, await signer.publicKeyPem())).toBe(true);
  });

  it('fails verification when any signed field changes', async () => {
    const digest = await signDigest(sampleUnsignedDigest(), signer);
    const pem = await signer.publicKeyPem();
    const paths = leafPaths(digest).filter((path) => path[0] !== 'signature');
    expect(paths.length).toBeGreaterThanOrEqual(17);
    for (const path of paths) expect(verifyDigestSignature(altered(digest, path), pem), path.join('.')).toBe(false);
    // The first digest of a chain names no previous one: giving it one breaks the signature too.
    const first = await signDigest(sampleUnsignedDigest({ sequence: 0, previous: null }), signer);
    expect(verifyDigestSignature(first, pem)).toBe(true);
    expect(verifyDigestSignature(altered(first, ['previous']), pem)).toBe(false);
  });

  it('fails verification for an altered signature, algorithm or malformed key', async () => {
    const digest = await signDigest(sampleUnsignedDigest(), signer);
    const pem = await signer.publicKeyPem();
    const signature = Buffer.from(digest.signature.value, 'base64');
    signature[signature.length - 1] ^= 1;
    expect(verifyDigestSignature({ ...digest, signature: { ...digest.signature, value: signature.toString('base64') } }, pem)).toBe(false);
    expect(verifyDigestSignature({ ...digest, signature: { ...digest.signature, value: 'not base64!' } }, pem)).toBe(false);
    expect(verifyDigestSignature({ ...digest, signature: { ...digest.signature, algorithm: 'RSA' as never } }, pem)).toBe(false);
    expect(verifyDigestSignature(digest, 'not a key')).toBe(false);
    expect(verifyDigestSignature(digest, await new LocalDigestSigner(generateSigningKeyPem()).publicKeyPem())).toBe(false);
  });

  it('a digest re-signed with another key fails against the first key', async () => {
    const other = new LocalDigestSigner(generateSigningKeyPem(), 'other');
    const digest = await signDigest(sampleUnsignedDigest(), signer);
    const resigned = await signDigest(digest, other);
    expect(resigned.signature.keyId).toBe('other');
    expect(verifyDigestSignature(resigned, await other.publicKeyPem())).toBe(true);
    expect(verifyDigestSignature(resigned, await signer.publicKeyPem())).toBe(false);
  });

  it('LocalDigestSigner refuses a key that is not P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => new LocalDigestSigner(p384)).toThrow(/P-256/);
    expect(generateSigningKeyPem()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('serializeDigest and parseDigest', () => {
  it('round-trips a signed digest through its stored bytes, which still verify', async () => {
    const digest = await signDigest(sampleUnsignedDigest(), signer);
    const bytes = serializeDigest(digest);
    expect(bytes.toString('utf8')).toBe(`${canonicalJson(digest)}\n`);
    const parsed = parseDigest(bytes);
    expect(parsed).toEqual(digest);
    expect(verifyDigestSignature(parsed, await signer.publicKeyPem())).toBe(true);
    expect(sha256Hex(bytes)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails with the fields that are wrong', async () => {
    const digest = await signDigest(sampleUnsignedDigest(), signer);
    const parse = (value: unknown) => () => parseDigest(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
    expect(parse('{"format":')).toThrow(InvalidDigestError);
    expect(parse('{"format":')).toThrow(/not JSON/);
    expect(parse({ ...digest, format: 'vigia-digest/2' })).toThrow(/format/);
    expect(parse({ ...digest, root: 'AB'.repeat(32) })).toThrow(/root: must be 64 lowercase hex/);
    expect(parse({ ...digest, counts: { ...digest.counts, media: -1 } })).toThrow(/counts\.media/);
    expect(parse({ ...digest, period: { from: 'yesterday', to: digest.period.to } })).toThrow(/period\.from/);
    expect(parse({ ...digest, extra: 1 })).toThrow(/extra/);
    const { leavesObject: _leavesObject, ...missing } = digest;
    expect(parse(missing)).toThrow(/leavesObject/);
  });
});

it('sha256Hex is the lowercase hex SHA-256', () => {
  expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
