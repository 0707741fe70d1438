import * as z from 'zod';
import { canonicalJson, sha256Hex } from './digest';
import { EVIDENCE_KEYS } from './layout';
import type { EvidenceBucket } from './ports/evidence-bucket';

export const ERASURE_RECORD_FORMAT = 'vigia-erasure/1';

/**
 * What a subject erasure deleted from the archive bucket, written before it deletes anything and
 * sealed with the next digest: `verify` reports those objects as erased, not missing. It names
 * object keys only (content hashes), never the contact.
 */
const ErasureRecordSchema = z.strictObject({
  format: z.literal(ERASURE_RECORD_FORMAT),
  at: z.string(),
  keys: z.array(z.string()),
});

export type ErasureRecord = z.output<typeof ErasureRecordSchema>;

export function parseErasureRecord(bytes: Uint8Array): ErasureRecord {
  return ErasureRecordSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

/** Writes the record of objects about to be erased (at least once: the erasure writes it again when rerun). */
export async function recordErasure(bucket: EvidenceBucket, at: string, keys: readonly string[]): Promise<string> {
  const record: ErasureRecord = { format: ERASURE_RECORD_FORMAT, at, keys: [...keys].sort() };
  const body = Buffer.from(`${canonicalJson(record)}\n`);
  const key = `${EVIDENCE_KEYS.erasures}${at.replace(/[:.]/g, '-')}-${sha256Hex(body).slice(0, 16)}.json`;
  await bucket.write(key, body, 'application/json');
  return key;
}
