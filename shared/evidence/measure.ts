import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { rawKeyFor } from '../capture/raw-key';
import { DirectoryEvidenceBucket } from './adapters/directory-evidence-bucket';
import { generateSigningKeyPem, LocalDigestSigner } from './adapters/local-signer';
import { SealedAuditLog } from './adapters/sealed-audit-log';
import type { AuditLog, EvidenceBucket, StoredObject } from './ports/evidence-bucket';
import { sealDigest } from './seal';
import { verifyEvidence } from './verify';

/*
 * The figures of issue 16's performance targets (`npm run bench -- --only evidence`): a digest over
 * a busy day's million objects, made as the seal function makes it, and verification speed.
 */

export interface SealFigure {
  objects: number;
  durationMs: number;
  leavesPerSecond: number;
  /** The gzipped leaf list the digest keeps for proofs. */
  leafListBytes: number;
  /** Peak resident memory of the process (run it in a process of its own). */
  maxRssBytes: number;
}

/**
 * Seals `objects` raw webhooks listed by a generated bucket (S3's listing, without S3: what is
 * measured is the digest's own work — hashing, the tree, the compressed leaf list, the signature).
 */
export async function measureSeal(objects = 1_000_000): Promise<SealFigure> {
  const day = '2026-12-01';
  const stored = new Date(`${day}T12:00:00.000Z`);
  const written = new Map<string, Buffer>();
  const bucket: EvidenceBucket = {
    async *list(prefix) {
      if (prefix !== 'raw/') return;
      for (let i = 0; i < objects; i += 1) {
        const sha256 = createHash('sha256').update(String(i)).digest('hex');
        yield { key: rawKeyFor('raw/', sha256, stored.toISOString()), size: 800 + (i % 3000), lastModified: stored } satisfies StoredObject;
      }
    },
    open: async (key) => (written.has(key) ? Readable.from(written.get(key)!) : undefined),
    read: async (key) => written.get(key),
    write: async (key, body) => void written.set(key, body),
  };
  const audit: AuditLog = { async *between() {} };
  const started = performance.now();
  const result = await sealDigest({ bucket, audit, signer: new LocalDigestSigner(generateSigningKeyPem()), stage: 'bench', now: () => new Date(`${day}T23:59:59.000Z`), settleMs: 0 });
  const durationMs = performance.now() - started;
  if (!result.sealed || result.digest.leaves !== objects) throw new Error(`the benchmark seal did not cover ${objects} objects`);
  return {
    objects,
    durationMs: Math.round(durationMs),
    leavesPerSecond: Math.round(objects / (durationMs / 1000)),
    leafListBytes: written.get(result.digest.leavesObject.key)?.length ?? 0,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

export interface VerifyFigure {
  objects: number;
  bytesPerObject: number;
  durationMs: number;
  objectsPerSecond: number;
  ok: boolean;
}

/** Verifies a downloaded copy (`verify --dir`) of `objects` sealed raw webhooks of `bytesPerObject` bytes each. */
export async function measureVerify(objects = 20_000, bytesPerObject = 1_200): Promise<VerifyFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-evidence-bench-'));
  try {
    const day = '2026-12-01';
    const filler = 'x'.repeat(bytesPerObject);
    for (let i = 0; i < objects; i += 1) {
      const body = Buffer.from(`{"n":${i},"pad":"${filler}"}`.slice(0, bytesPerObject));
      const key = rawKeyFor('raw/', createHash('sha256').update(body).digest('hex'), `${day}T12:00:00.000Z`);
      mkdirSync(join(dir, key, '..'), { recursive: true });
      writeFileSync(join(dir, key), body);
    }
    const bucket = new DirectoryEvidenceBucket(dir);
    const signer = new LocalDigestSigner(generateSigningKeyPem());
    const sealed = await sealDigest({ bucket, audit: new SealedAuditLog(bucket), signer, stage: 'bench', now: () => new Date(Date.now() + 1000), settleMs: 0 });
    if (!sealed.sealed) throw new Error(`nothing sealed: ${sealed.reason}`);
    const started = performance.now();
    const report = await verifyEvidence({ bucket, audit: new SealedAuditLog(bucket), publicKeyPem: await signer.publicKeyPem(), trustStoreDates: false });
    const durationMs = performance.now() - started;
    return { objects, bytesPerObject, durationMs: Math.round(durationMs), objectsPerSecond: Math.round(objects / (durationMs / 1000)), ok: report.ok };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what, count] = process.argv.slice(2);
  const figure = what === 'verify' ? await measureVerify(Number(count ?? 20_000)) : await measureSeal(Number(count ?? 1_000_000));
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}
