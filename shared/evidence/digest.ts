import { createHash, createPublicKey, verify } from 'node:crypto';
import * as z from 'zod';
import type { DigestSigner } from './ports/digest-signer';

export const DIGEST_FORMAT = 'vigia-digest/1';

/**
 * One period's commitment to every archived object: the Merkle root over the sorted leaves, the
 * previous digest's hash (a chain), and a signature over all of it.
 */
export interface Digest {
  format: typeof DIGEST_FORMAT;
  stage: string;
  sequence: number;
  /** ISO timestamps, [from, to). */
  period: { from: string; to: string };
  createdAt: string;
  counts: { raw: number; rejected: number; media: number; audit: number; erased: number };
  leaves: number;
  /** Hex. */
  root: string;
  /** Where the sorted leaf list (NDJSON) is kept, for proofs. */
  leavesObject: { key: string; sha256: string };
  previous: { key: string; sha256: string } | null;
  signature: { algorithm: 'ECDSA_P256_SHA256'; keyId: string; /** Base64 DER. */ value: string };
}

export type UnsignedDigest = Omit<Digest, 'signature'>;

/** Thrown by `parseDigest`: the bytes are not a digest of this format, and why. */
export class InvalidDigestError extends Error {
  override readonly name = 'InvalidDigestError';
}

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
const countSchema = z.number().int().nonnegative();
const objectRefSchema = z.strictObject({ key: z.string().min(1), sha256: sha256HexSchema });

/**
 * Strict objects: the signature covers every field, so a field this version does not know must
 * fail here rather than be dropped and fail the signature check for a reason nobody can see.
 */
export const DigestSchema = z.strictObject({
  format: z.literal(DIGEST_FORMAT),
  stage: z.string().min(1),
  sequence: countSchema,
  period: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }),
  createdAt: z.iso.datetime(),
  counts: z.strictObject({ raw: countSchema, rejected: countSchema, media: countSchema, audit: countSchema, erased: countSchema }),
  leaves: countSchema,
  root: sha256HexSchema,
  leavesObject: objectRefSchema,
  previous: objectRefSchema.nullable(),
  signature: z.strictObject({
    algorithm: z.literal('ECDSA_P256_SHA256'),
    keyId: z.string().min(1),
    value: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  }),
}) satisfies z.ZodType<Digest>;

/** "field.path: message" for each zod issue, joined. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) at every level and no
 * whitespace: one text per value, so a signature over it can be checked after any round trip.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, '$');
}

function canonical(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    // An index loop, not map: map skips holes, which must fail like undefined.
    for (let i = 0; i < value.length; i += 1) items.push(canonical(value[i], `${path}[${i}]`));
    return `[${items.join(',')}]`;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`canonicalJson: ${path} is a ${value.constructor?.name ?? 'non-plain object'}, not a plain object`);
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key], `${path}.${key}`)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: ${path} is ${typeof value}, which JSON cannot represent`);
}

/** The bytes a digest's signature covers: its canonical JSON without `signature`, UTF-8. */
export function digestSigningBytes(digest: UnsignedDigest | Digest): Buffer {
  const { signature: _signature, ...unsigned } = digest as Digest;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** The bytes written to storage: canonical JSON and a newline. */
export function serializeDigest(digest: Digest): Buffer {
  return Buffer.from(`${canonicalJson(digest)}\n`, 'utf8');
}

export function parseDigest(bytes: Uint8Array): Digest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new InvalidDigestError(`the digest is not JSON: ${(error as Error).message}`);
  }
  const parsed = DigestSchema.safeParse(value);
  if (!parsed.success) throw new InvalidDigestError(`the digest is not a ${DIGEST_FORMAT} digest: ${describeIssues(parsed.error).join('; ')}`);
  return parsed.data;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function signDigest(unsigned: UnsignedDigest, signer: DigestSigner): Promise<Digest> {
  const signature = await signer.sign(digestSigningBytes(unsigned));
  const { signature: _previousSignature, ...fields } = unsigned as Digest;
  return { ...fields, signature: { algorithm: signer.algorithm, keyId: signer.keyId, value: signature.toString('base64') } };
}

/** Whether the digest's signature verifies with the P-256 public key; false for a malformed key, signature or digest. */
export function verifyDigestSignature(digest: Digest, publicKeyPem: string): boolean {
  try {
    if (digest.signature?.algorithm !== 'ECDSA_P256_SHA256') return false;
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    return verify('sha256', digestSigningBytes(digest), { key, dsaEncoding: 'der' }, Buffer.from(digest.signature.value, 'base64'));
  } catch {
    return false;
  }
}
