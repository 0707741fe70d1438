import { parseDigest } from './digest';
import { EVIDENCE_KEYS } from './layout';
import { parseLeafList } from './leaf-list';
import { inclusionProof, leafHash } from './merkle';
import type { EvidenceBucket } from './ports/evidence-bucket';
import { PROOF_FORMAT, type MessageProof } from './proof';

export interface ProveDependencies {
  bucket: EvidenceBucket;
  /** The raw webhook that carried the message (its record's `rawKey`), or undefined when the archive has no such message. */
  rawKeyOf(messageId: string): Promise<string | undefined>;
  publicKeyPem(): Promise<string>;
}

/** Why no proof can be made: a sentence for the CLI. */
export class ProofUnavailableError extends Error {
  override name = 'ProofUnavailableError';
}

/**
 * `vigia evidence prove`: the raw webhook that carried the message, the Merkle path from its leaf
 * to the root of the first digest that sealed it, that digest (signed) and the public key — all
 * `vigia evidence check` needs, with nothing else of the archive.
 */
export async function proveMessage(deps: ProveDependencies, messageId: string): Promise<MessageProof> {
  const key = await deps.rawKeyOf(messageId);
  if (!key) throw new ProofUnavailableError(`message ${messageId} is not in the archive`);
  const body = await deps.bucket.read(key);
  if (!body) throw new ProofUnavailableError(`the raw webhook of message ${messageId} (${key}) is no longer in the archive (erased or expired)`);
  for await (const object of deps.bucket.list(EVIDENCE_KEYS.digests)) {
    const bytes = await deps.bucket.read(object.key);
    if (!bytes) continue;
    const digest = parseDigest(bytes);
    const list = await deps.bucket.read(digest.leavesObject.key);
    if (!list) continue;
    const leaves = parseLeafList(list);
    const index = leaves.findIndex((leaf) => leaf.key === key);
    if (index === -1) continue;
    const path = inclusionProof(leaves.map(leafHash), index);
    return {
      format: PROOF_FORMAT,
      messageId,
      object: { key, body: body.toString('base64') },
      leafIndex: index,
      treeSize: leaves.length,
      path: path.map((hash) => hash.toString('hex')),
      digest,
      publicKeyPem: await deps.publicKeyPem(),
    };
  }
  throw new ProofUnavailableError(`the raw webhook of message ${messageId} is not sealed yet: the next digest covers it (\`vigia evidence seal\` seals now)`);
}
