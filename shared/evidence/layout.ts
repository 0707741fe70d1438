import { ARCHIVE_PREFIXES } from '../resources/definitions';

/*
 * Where the evidence lives in the archive bucket, and which objects a digest seals. The leaf order
 * is the keys' byte order; listing the sealed areas one after the other in this order gives it
 * without sorting (S3 lists each prefix in that order), so a digest is streamed.
 */

const pad = (sequence: number) => String(sequence).padStart(10, '0');

export const EVIDENCE_KEYS = {
  digests: `${ARCHIVE_PREFIXES.evidence}digests/`,
  digest: (sequence: number) => `${ARCHIVE_PREFIXES.evidence}digests/${pad(sequence)}.json`,
  leaves: (sequence: number) => `${ARCHIVE_PREFIXES.evidence}leaves/${pad(sequence)}.ndjson.gz`,
  auditArea: `${ARCHIVE_PREFIXES.evidence}audit/`,
  /** The audit entries a digest seals, one canonical JSON per line: what `verify --dir` reads them from. */
  audit: (sequence: number) => `${ARCHIVE_PREFIXES.evidence}audit/${pad(sequence)}.ndjson`,
  erasures: `${ARCHIVE_PREFIXES.evidence}erasures/`,
} as const;

/** The leaf key of an audit entry: not an object, but sealed like one. */
export const AUDIT_LEAF_PREFIX = 'audit/';
export const auditLeafKey = (entry: { at: string; id: string }) => `${AUDIT_LEAF_PREFIX}${entry.at}/${entry.id}`;

/** The sealed object areas, in leaf order (after the audit entries). */
export const SEALED_OBJECT_PREFIXES = [EVIDENCE_KEYS.erasures, ARCHIVE_PREFIXES.media, ARCHIVE_PREFIXES.raw, ARCHIVE_PREFIXES.rejected] as const;

/** What a leaf is, for the counts of a digest and the report of `verify`. */
export type LeafArea = 'audit' | 'erased' | 'media' | 'raw' | 'rejected';

export function areaOf(key: string): LeafArea {
  if (key.startsWith(AUDIT_LEAF_PREFIX)) return 'audit';
  if (key.startsWith(EVIDENCE_KEYS.erasures)) return 'erased';
  if (key.startsWith(ARCHIVE_PREFIXES.media)) return 'media';
  if (key.startsWith(ARCHIVE_PREFIXES.rejected)) return 'rejected';
  return 'raw';
}

/** The archive's keys name their content's sha256 (raw/…/<sha256>.json, media/sha256/<sha256>): sealing need not read them. */
export function sha256InKey(key: string): string | undefined {
  if (!key.startsWith(ARCHIVE_PREFIXES.raw) && !key.startsWith(ARCHIVE_PREFIXES.rejected) && !key.startsWith(ARCHIVE_PREFIXES.media)) return undefined;
  return /([0-9a-f]{64})(?:\.json)?$/.exec(key)?.[1];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC days (`YYYY-MM-DD`) from the one holding `start` to the one holding `end` (epoch ms), in order. */
export function daysBetween(start: number, end: number): string[] {
  const days: string[] = [];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day <= end; day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
