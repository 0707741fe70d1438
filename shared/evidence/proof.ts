import * as z from 'zod';
import { type Digest, DigestSchema, describeIssues, sha256Hex, verifyDigestSignature } from './digest';
import { leafHash, verifyInclusion } from './merkle';

export const PROOF_FORMAT = 'vigia-proof/1';

/** Everything an auditor needs to check offline that a message was archived and not altered since its digest. */
export interface MessageProof {
  format: typeof PROOF_FORMAT;
  messageId: string;
  /** The raw webhook that carried the message; `body` is its bytes, base64. */
  object: { key: string; body: string };
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes from the leaf up, hex (RFC 6962 PATH). */
  path: string[];
  digest: Digest;
  publicKeyPem: string;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

export const MessageProofSchema = z.strictObject({
  format: z.literal(PROOF_FORMAT),
  messageId: z.string().min(1),
  object: z.strictObject({
    key: z
      .string()
      .min(1)
      .refine((key) => !key.includes('\n'), 'must not contain a newline'),
    body: z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be base64'),
  }),
  leafIndex: z.number().int().nonnegative(),
  treeSize: z.number().int().positive(),
  path: z.array(z.string().regex(HEX_HASH, 'must be 64 lowercase hex characters')),
  digest: DigestSchema,
  publicKeyPem: z.string().min(1),
}) satisfies z.ZodType<MessageProof>;

export interface ProofCheck {
  ok: boolean;
  /** One sentence per thing wrong; empty when `ok`. */
  problems: string[];
}

/**
 * Checks a proof with nothing but its own contents: the body rebuilds the leaf, the path leads
 * from it to the digest's root, the digest's signature verifies, and the body carries the message.
 * Which public key to trust is the auditor's call: compare `publicKeyPem` with the one published.
 */
export function checkProof(proof: unknown): ProofCheck {
  const parsed = MessageProofSchema.safeParse(proof);
  if (!parsed.success) {
    return { ok: false, problems: describeIssues(parsed.error, 'proof').map((issue) => `The proof is malformed at ${issue}.`) };
  }
  const { messageId, object, leafIndex, treeSize, digest, publicKeyPem } = parsed.data;
  const problems: string[] = [];
  const body = Buffer.from(object.body, 'base64');
  const sha256 = sha256Hex(body);

  if (treeSize !== digest.leaves) {
    problems.push(`The proof's tree size ${treeSize} differs from the ${digest.leaves} leaves the digest commits to.`);
  }
  const path = parsed.data.path.map((hex) => Buffer.from(hex, 'hex'));
  if (!verifyInclusion(leafHash({ key: object.key, size: body.length, sha256 }), leafIndex, digest.leaves, path, Buffer.from(digest.root, 'hex'))) {
    problems.push(
      `The object ${object.key} (${body.length} bytes, sha256 ${sha256}) is not leaf ${leafIndex} of the digest's Merkle tree with root ${digest.root}: its body or the inclusion path was altered.`,
    );
  }
  if (!verifyDigestSignature(digest, publicKeyPem)) {
    problems.push(`The digest's signature (key ${digest.signature.keyId}) does not verify with the proof's public key: the digest was altered or signed with another key.`);
  }
  let webhook: unknown;
  try {
    webhook = JSON.parse(body.toString('utf8'));
  } catch {
    problems.push(`The raw webhook ${object.key} is not JSON.`);
  }
  if (webhook !== undefined && !carriesMessage(webhook, messageId)) {
    problems.push(`The raw webhook does not carry message ${messageId}.`);
  }
  return { ok: problems.length === 0, problems };
}

/**
 * Whether some object in the webhook has `id` equal to the message ID: a message sits in
 * `messages`, `message_echoes` or a history thread depending on the webhook field, so any depth counts.
 */
function carriesMessage(value: unknown, messageId: string): boolean {
  if (Array.isArray(value)) return value.some((item) => carriesMessage(item, messageId));
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return record.id === messageId || Object.values(record).some((child) => carriesMessage(child, messageId));
}
