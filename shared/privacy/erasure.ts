import type { NormalizedRecord } from '../capture/records';
import { recordSubject, recordTime } from './retention';

/**
 * What an erasure leaves behind so that no projection brings the data back: one tombstone per
 * identifier of the erased contact (`ERASED#<id>`, with the erasure time) and one marker per erased
 * message id (`MSG#<wamid>` / `ERASED`). Raw webhooks that carry other people's records too are
 * kept (they are Meta's signed originals); the projection — live ingest, `vigia replay`, crash
 * recovery — skips the erased contact's records in them.
 *
 * A record about an erased contact is skipped when it happened at or before the erasure (a Meta
 * retry, a replay), has no time of its own, or refers to an erased message (a late read receipt,
 * a reaction to an erased message). A conversation the contact starts after the erasure is new
 * data and is archived as usual.
 */
export interface ErasureTombstone {
  /** One identifier of the contact (phone number or BSUID). */
  contactId: string;
  erasedAt: string;
}

/** The message ids a record writes or links to. */
export function recordMessageIds(record: NormalizedRecord): string[] {
  if (record.kind === 'status') return [record.messageId];
  if (record.kind !== 'message') return [];
  return [record.id, record.editOf, record.reactionTo, record.revokes].filter((id): id is string => typeof id === 'string');
}

/** Contact identifiers named by these records (for the tombstone look-up). */
export function recordContactIds(records: readonly NormalizedRecord[]): string[] {
  return [...new Set(records.flatMap((record) => recordSubject(record).contactIds))];
}

/** True when the record belongs to an erasure and must not be written again. */
export function isErased(record: NormalizedRecord, tombstones: ReadonlyMap<string, string>, erasedMessageIds: ReadonlySet<string>): boolean {
  const erasedAt = recordSubject(record)
    .contactIds.map((id) => tombstones.get(id))
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  if (erasedAt === undefined) return false;
  const time = recordTime(record);
  if (time === undefined || time <= erasedAt) return true;
  return recordMessageIds(record).some((id) => erasedMessageIds.has(id));
}
