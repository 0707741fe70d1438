import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { sha256OfStream } from '../platform/objects';
import { dayPrefixesInKeyOrder } from '../capture/raw-key';
import { ARCHIVE_PREFIXES } from '../resources/definitions';
import type { AuditEntry } from '../privacy/ports/subject-rights';
import { canonicalJson, DIGEST_FORMAT, type Digest, parseDigest, serializeDigest, sha256Hex, signDigest, type UnsignedDigest } from './digest';
import { areaOf, auditLeafKey, DAY_MS, daysBetween, EVIDENCE_KEYS, type LeafArea, SEALED_OBJECT_PREFIXES, sha256InKey } from './layout';
import { type Leaf, leafHash, MerkleRootBuilder } from './merkle';
import type { DigestSigner } from './ports/digest-signer';
import type { AuditLog, EvidenceBucket, StoredObject } from './ports/evidence-bucket';

export interface SealDependencies {
  bucket: EvidenceBucket;
  audit: AuditLog;
  signer: DigestSigner;
  /** The deployment's stage, recorded in each digest (`local` for the local stack). */
  stage: string;
  now?: () => Date;
  /**
   * A period ends this long before the seal: an object whose upload began just before would
   * otherwise be listed after its period was sealed. It goes into the next digest instead.
   */
  settleMs?: number;
}

export const DEFAULT_SETTLE_MS = 5 * 60 * 1000;
/** The first digest covers everything stored before it. */
export const FIRST_PERIOD_START = '1970-01-01T00:00:00.000Z';

export type SealResult = { sealed: true; key: string; digest: Digest } | { sealed: false; reason: string; latest?: { key: string; digest: Digest } };

/**
 * Seals one digest: every object stored, and every audit entry written, since the previous
 * digest's period ended, up to a few minutes ago — a Merkle tree over their leaves, signed and
 * chained to the previous digest. What the schedule runs every hour and `vigia evidence seal` runs
 * now. Decided from stored state: the period starts where the last stored digest ends, so a seal
 * that died before writing its digest is redone whole by the next one.
 */
export async function sealDigest(deps: SealDependencies): Promise<SealResult> {
  const now = (deps.now ?? (() => new Date()))();
  const latest = await latestDigest(deps.bucket);
  const from = latest?.digest.period.to ?? FIRST_PERIOD_START;
  // Whole seconds: S3 lists LastModified to the second, so an object stored in the second a period
  // ends in is dated at or after its end, and falls in the next period, never in a sealed one.
  const to = new Date(Math.floor((now.getTime() - (deps.settleMs ?? DEFAULT_SETTLE_MS)) / 1000) * 1000).toISOString();
  if (to <= from) return { sealed: false, reason: `digest ${latest?.digest.sequence} already covers up to ${from}, and a period ends ${Math.round((deps.settleMs ?? DEFAULT_SETTLE_MS) / 1000)} s before its seal`, latest };
  const sequence = (latest?.digest.sequence ?? 0) + 1;

  const builder = new MerkleRootBuilder();
  const counts: Record<LeafArea, number> = { audit: 0, erased: 0, media: 0, raw: 0, rejected: 0 };
  // The leaf list is compressed as it is made (about 30 bytes a leaf): a busy day's million leaves
  // never sit in memory as text.
  const leafList = new GzipCollector();
  const auditLines: string[] = [];
  const add = async (leaf: Leaf) => {
    builder.add(leafHash(leaf));
    counts[areaOf(leaf.key)] += 1;
    await leafList.write(`${JSON.stringify(leaf)}\n`);
  };

  for await (const entry of deps.audit.between(from, to)) {
    const line = auditLine(entry);
    auditLines.push(line);
    const bytes = Buffer.from(line);
    await add({ key: auditLeafKey(entry), size: bytes.length, sha256: sha256Hex(bytes) });
  }
  for (const prefix of SEALED_OBJECT_PREFIXES) {
    for await (const object of objectsStoredBetween(deps.bucket, prefix, from, to)) {
      await add({ key: object.key, size: object.size, sha256: sha256InKey(object.key) ?? (await hashObject(deps.bucket, object.key)) });
    }
  }

  const leaves = await leafList.end();
  const leavesKey = EVIDENCE_KEYS.leaves(sequence);
  await deps.bucket.write(leavesKey, leaves, 'application/gzip');
  await deps.bucket.write(EVIDENCE_KEYS.audit(sequence), Buffer.from(auditLines.map((line) => `${line}\n`).join('')), 'application/x-ndjson');

  const unsigned: UnsignedDigest = {
    format: DIGEST_FORMAT,
    stage: deps.stage,
    sequence,
    period: { from, to },
    createdAt: now.toISOString(),
    counts: { raw: counts.raw, rejected: counts.rejected, media: counts.media, audit: counts.audit, erased: counts.erased },
    leaves: builder.size,
    root: builder.root().toString('hex'),
    leavesObject: { key: leavesKey, sha256: sha256Hex(leaves) },
    previous: latest ? { key: latest.key, sha256: sha256Hex(latest.bytes) } : null,
  };
  const digest = await signDigest(unsigned, deps.signer);
  const key = EVIDENCE_KEYS.digest(sequence);
  await deps.bucket.write(key, serializeDigest(digest), 'application/json');
  return { sealed: true, key, digest };
}

/** The canonical line of an audit entry: its leaf's content, and a line of evidence/audit/<sequence>.ndjson. */
export function auditLine(entry: AuditEntry): string {
  return canonicalJson(entry);
}

/** The last digest of the chain (the highest sequence), with its stored bytes. */
export async function latestDigest(bucket: EvidenceBucket): Promise<{ key: string; digest: Digest; bytes: Buffer } | undefined> {
  let last: StoredObject | undefined;
  for await (const object of bucket.list(EVIDENCE_KEYS.digests)) last = object;
  if (!last) return undefined;
  const bytes = await bucket.read(last.key);
  if (!bytes) return undefined;
  return { key: last.key, digest: parseDigest(bytes), bytes };
}

/**
 * Objects under the prefix stored in [from, to), in key byte order. Raw and rejected webhooks are
 * listed by receive day, from the day before the period's start (a webhook received just before
 * midnight may be stored after it), in both key layouts (shared/capture/raw-key.ts): the first
 * layout's `raw/dt=YYYY-MM-DD/` days, then `raw/h=0/dt=…/` … `raw/h=f/dt=…/` — the byte order of
 * the keys, so the leaves need no sort. Media files are content-addressed, not dated, so their
 * whole area is listed (docs/evidence.md, "Scale").
 */
async function* objectsStoredBetween(bucket: EvidenceBucket, prefix: string, from: string, to: string): AsyncIterable<StoredObject> {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const byDay = (prefix === ARCHIVE_PREFIXES.raw || prefix === ARCHIVE_PREFIXES.rejected) && from !== FIRST_PERIOD_START;
  const prefixes = byDay ? dayPrefixesInKeyOrder(prefix, daysBetween(start - DAY_MS, end)) : [prefix];
  for (const listed of prefixes) {
    for await (const object of bucket.list(listed)) {
      const at = object.lastModified.getTime();
      if (at >= start && at < end) yield object;
    }
  }
}

/** Text compressed as it comes, in 1 MB pieces, waiting for the compressor: memory stays bounded. */
class GzipCollector {
  private readonly gzip = createGzip();
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private pending = '';

  constructor() {
    this.gzip.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.done = new Promise((resolve, reject) => {
      this.gzip.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.gzip.on('error', reject);
    });
  }

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length < 1 << 20) return;
    const piece = this.pending;
    this.pending = '';
    if (!this.gzip.write(piece)) await once(this.gzip, 'drain');
  }

  end(): Promise<Buffer> {
    this.gzip.end(this.pending);
    return this.done;
  }
}

async function hashObject(bucket: EvidenceBucket, key: string): Promise<string> {
  const stream = await bucket.open(key);
  if (!stream) throw new Error(`${key} was listed but cannot be read`);
  return (await sha256OfStream(stream)).sha256;
}
