import { forEachLimited } from '../platform/concurrency';
import { sha256OfStream } from '../platform/objects';
import { dayPrefixesInKeyOrder, receiveDayOfKey } from '../capture/raw-key';
import { ARCHIVE_PREFIXES } from '../resources/definitions';
import { type Digest, parseDigest, sha256Hex, verifyDigestSignature } from './digest';
import { type ErasureRecord, parseErasureRecord } from './erasure-record';
import { parseLeafList } from './leaf-list';
import { AUDIT_LEAF_PREFIX, auditLeafKey, DAY_MS, daysBetween, EVIDENCE_KEYS, SEALED_OBJECT_PREFIXES } from './layout';
import { type Leaf, leafHash, MerkleRootBuilder } from './merkle';
import type { AuditLog, EvidenceBucket } from './ports/evidence-bucket';
import { auditLine } from './seal';

export type ProblemKind = 'changed' | 'missing' | 'added-after-seal' | 'signature' | 'chain' | 'leaf-list' | 'root' | 'unreadable';

/** Something that is not as sealed: by object key (or audit leaf key) or by digest key. */
export interface VerifyProblem {
  kind: ProblemKind;
  key: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  digests: { total: number; checked: number; first?: string; last?: string; sealedUntil?: string };
  leaves: { checked: number };
  problems: VerifyProblem[];
  /** Sealed, then deleted by a subject erasure that recorded it: not tampering. */
  erased: string[];
  /** Sealed, then deleted by the retention lifecycle after `retentionDays`: not tampering. */
  expired: string[];
  /** Stored after the last digest's period: not yet sealed, not tampering. */
  unsealed: string[];
}

export interface VerifyOptions {
  bucket: EvidenceBucket;
  /** The audit entries as they are now (the table), or as sealed with the digests (a downloaded copy). */
  audit: AuditLog;
  publicKeyPem: string;
  /** Check the leaves of the digests whose period touches these days (YYYY-MM-DD, UTC); the chain is always checked whole. */
  since?: string;
  until?: string;
  /**
   * The listing's dates are the store's (S3, s3rver): an unsealed object dated inside a sealed
   * period was added after the seal. A downloaded copy's file dates say nothing: only the raw
   * webhooks' receive day in their key is used then.
   */
  trustStoreDates: boolean;
  /** `retention.days` of the config: a sealed object missing after that long expired. */
  retentionDays?: number;
  now?: () => Date;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * `vigia evidence verify`: the chain of digests (each signature, each link to the previous digest,
 * no sequence or period missing), then every leaf of the digests in range recomputed from the
 * objects and the audit log, each leaf list against its root, and finally what is stored but not
 * sealed — named one problem at a time, by object or digest key.
 */
export async function verifyEvidence(options: VerifyOptions): Promise<VerifyReport> {
  const { bucket } = options;
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { ok: false, digests: { total: 0, checked: 0 }, leaves: { checked: 0 }, problems, erased: [], expired: [], unsealed: [] };

  const chain = await readChain(bucket, options.publicKeyPem, problems);
  report.digests.total = chain.length;
  report.digests.first = chain[0]?.key;
  report.digests.last = chain.at(-1)?.key;
  const sealedUntil = chain.at(-1)?.digest.period.to;
  report.digests.sealedUntil = sealedUntil;

  const erasures = await readErasures(bucket, problems);
  const inRange = chain.filter(({ digest }) => touches(digest, options.since, options.until));
  const sealedKeys = new Set<string>();
  const work: { leaf: Leaf; digest: Digest }[] = [];
  for (const { key, digest } of inRange) {
    const leaves = await readLeaves(bucket, key, digest, problems);
    if (!leaves) continue;
    report.digests.checked += 1;
    for (const leaf of leaves) {
      sealedKeys.add(leaf.key);
      work.push({ leaf, digest });
    }
  }
  // A webhook received just before midnight on the last day asked for may be stored just after it,
  // in a digest whose period starts the next day: its leaves count as sealed (checked when that day is).
  for (const { key, digest } of chain.filter((entry) => !inRange.includes(entry) && holdsLateArrivalsOf(entry.digest, options.until))) {
    for (const leaf of (await readLeaves(bucket, key, digest, problems)) ?? []) sealedKeys.add(leaf.key);
  }

  const auditByKey = await auditLeaves(options.audit, inRange.map(({ digest }) => digest));
  const now = (options.now ?? (() => new Date()))().getTime();
  let done = 0;
  await forEachLimited(work, options.concurrency ?? 16, async ({ leaf, digest }) => {
    const found = leaf.key.startsWith(AUDIT_LEAF_PREFIX) ? measureLine(auditByKey.get(leaf.key)) : await measureObject(bucket, leaf.key);
    if (!found) {
      if (erasures.has(leaf.key)) report.erased.push(leaf.key);
      else if (options.retentionDays !== undefined && !leaf.key.startsWith(AUDIT_LEAF_PREFIX) && now - Date.parse(digest.period.to) > options.retentionDays * DAY_MS) report.expired.push(leaf.key);
      else problems.push({ kind: 'missing', key: leaf.key, detail: `sealed in ${digestName(digest)}, no longer there` });
    } else if (found.sha256 !== leaf.sha256 || found.size !== leaf.size) {
      problems.push({ kind: 'changed', key: leaf.key, detail: `sealed in ${digestName(digest)} as ${leaf.size} B sha256 ${leaf.sha256.slice(0, 16)}…, now ${found.size} B sha256 ${found.sha256.slice(0, 16)}…` });
    }
    done += 1;
    if (done % 1000 === 0 || done === work.length) options.onProgress?.(done, work.length);
  });
  report.leaves.checked = work.length;
  for (const key of auditByKey.keys()) {
    if (!sealedKeys.has(key)) problems.push({ kind: 'added-after-seal', key, detail: 'an audit entry dated inside a sealed period, in no digest' });
  }

  await findUnsealed(options, sealedKeys, sealedUntil, report);
  report.erased.sort();
  report.expired.sort();
  problems.sort((a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key));
  report.ok = problems.length === 0;
  return report;
}

const CLOSING_MARGIN_MS = 15 * 60 * 1000;
const digestName = (digest: Digest) => `digest ${digest.sequence} (${digest.period.from} → ${digest.period.to})`;

/** Every digest in sequence order, with what is wrong with each link named. */
async function readChain(bucket: EvidenceBucket, publicKeyPem: string, problems: VerifyProblem[]): Promise<{ key: string; digest: Digest; bytes: Buffer }[]> {
  const chain: { key: string; digest: Digest; bytes: Buffer }[] = [];
  for await (const object of bucket.list(EVIDENCE_KEYS.digests)) {
    const bytes = await bucket.read(object.key);
    if (!bytes) continue;
    let digest: Digest;
    try {
      digest = parseDigest(bytes);
    } catch (error) {
      problems.push({ kind: 'unreadable', key: object.key, detail: `not a digest: ${(error as Error).message}` });
      continue;
    }
    if (!verifyDigestSignature(digest, publicKeyPem)) {
      problems.push({ kind: 'signature', key: object.key, detail: `the signature of ${digestName(digest)} does not verify with the public key (changed, or signed with another key)` });
    }
    if (object.key !== EVIDENCE_KEYS.digest(digest.sequence)) {
      problems.push({ kind: 'chain', key: object.key, detail: `holds digest ${digest.sequence}, whose key is ${EVIDENCE_KEYS.digest(digest.sequence)}` });
    }
    const previous = chain.at(-1);
    if (!previous) {
      if (digest.sequence !== 1 || digest.previous !== null) problems.push({ kind: 'chain', key: object.key, detail: `the chain starts at ${digestName(digest)}, not at digest 1: the digests before it are missing` });
    } else {
      if (digest.sequence !== previous.digest.sequence + 1) {
        problems.push({ kind: 'chain', key: object.key, detail: `${digestName(digest)} follows digest ${previous.digest.sequence}: digest ${previous.digest.sequence + 1} is missing` });
      }
      if (digest.previous?.key !== previous.key || digest.previous.sha256 !== sha256Hex(previous.bytes)) {
        problems.push({ kind: 'chain', key: object.key, detail: `${digestName(digest)} does not name ${previous.key} as it is stored (its sha256 differs or another digest is named)` });
      }
      if (digest.period.from !== previous.digest.period.to) {
        problems.push({ kind: 'chain', key: object.key, detail: `${digestName(digest)} starts at ${digest.period.from}, the previous digest ended at ${previous.digest.period.to}` });
      }
    }
    chain.push({ key: object.key, digest, bytes });
  }
  return chain;
}

/** The digest's leaf list, checked against its recorded sha256 and rebuilt into its root. */
async function readLeaves(bucket: EvidenceBucket, key: string, digest: Digest, problems: VerifyProblem[]): Promise<Leaf[] | undefined> {
  const stored = await bucket.read(digest.leavesObject.key);
  if (!stored) {
    problems.push({ kind: 'leaf-list', key: digest.leavesObject.key, detail: `the leaf list of ${digestName(digest)} is missing` });
    return undefined;
  }
  if (sha256Hex(stored) !== digest.leavesObject.sha256) {
    problems.push({ kind: 'leaf-list', key: digest.leavesObject.key, detail: `the leaf list of ${digestName(digest)} is not the one it sealed (sha256 differs)` });
    return undefined;
  }
  const leaves = parseLeafList(stored);
  const builder = new MerkleRootBuilder();
  for (const leaf of leaves) builder.add(leafHash(leaf));
  if (builder.size !== digest.leaves || builder.root().toString('hex') !== digest.root) {
    problems.push({ kind: 'root', key, detail: `${digestName(digest)}: its ${leaves.length} leaves do not make its root` });
    return undefined;
  }
  return leaves;
}

/** Keys deleted by subject erasures, from the erasure records written before each deletion. */
async function readErasures(bucket: EvidenceBucket, problems: VerifyProblem[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const object of bucket.list(EVIDENCE_KEYS.erasures)) {
    const bytes = await bucket.read(object.key);
    let record: ErasureRecord;
    try {
      record = parseErasureRecord(bytes ?? Buffer.alloc(0));
    } catch (error) {
      problems.push({ kind: 'unreadable', key: object.key, detail: `not an erasure record: ${(error as Error).message}` });
      continue;
    }
    for (const key of record.keys) keys.add(key);
  }
  return keys;
}

/** The audit entries of the digests' periods as they are now, by leaf key, as sealed lines (those no digest lists were added after). */
async function auditLeaves(audit: AuditLog, digests: readonly Digest[]): Promise<Map<string, string>> {
  const lines = new Map<string, string>();
  if (digests.length === 0) return lines;
  // The chain's periods are contiguous: one read over their whole span.
  for await (const entry of audit.between(digests[0]!.period.from, digests.at(-1)!.period.to)) lines.set(auditLeafKey(entry), auditLine(entry));
  return lines;
}

function measureLine(line: string | undefined): { size: number; sha256: string } | undefined {
  if (line === undefined) return undefined;
  const bytes = Buffer.from(line);
  return { size: bytes.length, sha256: sha256Hex(bytes) };
}

async function measureObject(bucket: EvidenceBucket, key: string): Promise<{ size: number; sha256: string } | undefined> {
  const stream = await bucket.open(key);
  return stream ? sha256OfStream(stream) : undefined;
}

/** A digest after `until` that can hold objects received on `until` (stored within the closing margin after midnight). */
function holdsLateArrivalsOf(digest: Digest, until?: string): boolean {
  return until !== undefined && digest.period.from.slice(0, 10) > until && Date.parse(digest.period.from) <= Date.parse(`${until}T00:00:00.000Z`) + DAY_MS + CLOSING_MARGIN_MS;
}

function touches(digest: Digest, since?: string, until?: string): boolean {
  if (since && digest.period.to.slice(0, 10) < since) return false;
  if (until && digest.period.from.slice(0, 10) > until) return false;
  return true;
}

/**
 * Stored objects no digest in range covers: dated inside a sealed period (or, for a raw webhook,
 * received on a day the digests had closed), they were added after the seal; otherwise they are
 * simply not sealed yet.
 */
async function findUnsealed(options: VerifyOptions, sealed: Set<string>, sealedUntil: string | undefined, report: VerifyReport): Promise<void> {
  for (const prefix of SEALED_OBJECT_PREFIXES.flatMap((area) => listedPrefixes(area, options.since, options.until))) {
    for await (const object of options.bucket.list(prefix)) {
      if (sealed.has(object.key)) continue;
      const day = receiveDayOf(object.key);
      if (!inDays(day ?? object.lastModified.toISOString().slice(0, 10), options.since, options.until)) continue;
      const storedInSealedPeriod = options.trustStoreDates && sealedUntil !== undefined && object.lastModified.toISOString() < sealedUntil;
      // Received on a day the digests had closed (with room for a webhook stored just after midnight).
      const receivedOnClosedDay = day !== undefined && sealedUntil !== undefined && Date.parse(sealedUntil) > Date.parse(`${day}T00:00:00.000Z`) + DAY_MS + CLOSING_MARGIN_MS;
      if (storedInSealedPeriod || receivedOnClosedDay) {
        report.problems.push({ kind: 'added-after-seal', key: object.key, detail: `stored in a period already sealed (up to ${sealedUntil}) and in no digest` });
      } else {
        report.unsealed.push(object.key);
      }
    }
  }
}

/**
 * Where to look for unsealed objects of an area: raw and rejected webhooks only under the receive
 * days asked for (the daily verification lists one day, not the whole archive), everything else whole.
 */
function listedPrefixes(area: string, since?: string, until?: string): string[] {
  const byDay = (area === ARCHIVE_PREFIXES.raw || area === ARCHIVE_PREFIXES.rejected) && since !== undefined && until !== undefined;
  return byDay ? dayPrefixesInKeyOrder(area, daysBetween(Date.parse(since), Date.parse(until))) : [area];
}

/** A raw webhook's receive day, from its key in either layout (`raw/h=<h>/dt=YYYY-MM-DD/…`, `raw/dt=YYYY-MM-DD/…`). */
function receiveDayOf(key: string): string | undefined {
  if (!key.startsWith(ARCHIVE_PREFIXES.raw) && !key.startsWith(ARCHIVE_PREFIXES.rejected)) return undefined;
  return receiveDayOfKey(key);
}

function inDays(day: string, since?: string, until?: string): boolean {
  return (!since || day >= since) && (!until || day <= until);
}
