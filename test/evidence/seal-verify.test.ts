import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawKeyFor } from '../../shared/capture/raw-key';
import { DirectoryEvidenceBucket } from '../../shared/evidence/adapters/directory-evidence-bucket';
import { generateSigningKeyPem, LocalDigestSigner } from '../../shared/evidence/adapters/local-signer';
import { SealedAuditLog } from '../../shared/evidence/adapters/sealed-audit-log';
import type { AuditEntry } from '../../shared/privacy/ports/subject-rights';
import type { AuditLog } from '../../shared/evidence/ports/evidence-bucket';
import { sealDigest } from '../../shared/evidence/seal';
import { verifyEvidence } from '../../shared/evidence/verify';

/*
 * Sealing and verifying over two days with the clock injected: objects are files whose dates the
 * test sets, the audit log is in memory, and each seal runs "at" a given time.
 */

const dir = mkdtempSync(join(tmpdir(), 'vigia-seal-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bucket = new DirectoryEvidenceBucket(dir);
const signer = new LocalDigestSigner(generateSigningKeyPem());
const entries: AuditEntry[] = [];
const audit: AuditLog = {
  async *between(from, to) {
    for (const entry of entries) if (entry.at >= from && entry.at < to) yield entry;
  },
};

/** A raw webhook received (and stored) at `at`, keyed as the raw archive keys it. */
function storeRaw(at: string, body: string): string {
  const key = rawKeyFor('raw/', createHash('sha256').update(body).digest('hex'), at);
  const path = join(dir, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  utimesSync(path, new Date(at), new Date(at));
  return key;
}

const sealAt = (at: string) => sealDigest({ bucket, audit, signer, stage: 'test', now: () => new Date(at) });
const verify = async (options: { since?: string; until?: string } = {}) => verifyEvidence({ bucket, audit, publicKeyPem: await signer.publicKeyPem(), trustStoreDates: true, ...options });

describe('two days of digests, the clock injected', () => {
  it('seals each hour what was stored in it, 5 minutes behind, and verify passes over both days', async () => {
    const first = storeRaw('2026-12-01T10:15:00.000Z', '{"n":1}');
    entries.push({ id: 'a1', at: '2026-12-01T10:20:00.000Z', by: 'dpo@example.com', action: 'hold-add', outcome: 'done' });
    const late = storeRaw('2026-12-01T10:58:00.000Z', '{"n":2}');
    const one = await sealAt('2026-12-01T11:00:00.000Z');
    expect(one.sealed && one.digest).toMatchObject({ sequence: 1, period: { to: '2026-12-01T10:55:00.000Z' }, counts: { raw: 1, audit: 1 }, leaves: 2 });

    storeRaw('2026-12-01T23:59:30.000Z', '{"n":3}');
    storeRaw('2026-12-02T00:00:10.000Z', '{"n":4}');
    const two = await sealAt('2026-12-02T09:00:00.000Z');
    // The object stored in the last 5 minutes of the first period went into the next one, not lost.
    expect(two.sealed && two.digest).toMatchObject({ sequence: 2, period: { from: '2026-12-01T10:55:00.000Z', to: '2026-12-02T08:55:00.000Z' }, counts: { raw: 3 } });
    expect((await sealAt('2026-12-02T09:00:00.000Z')).sealed).toBe(false);

    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, digests: { total: 2, checked: 2 }, leaves: { checked: 5 } });
    expect([first, late].every((key) => !report.unsealed.includes(key))).toBe(true);
    expect((await verify({ since: '2026-12-02' })).digests.checked).toBe(1);
  });

  it('names an audit entry changed after it was sealed, and one backdated into a sealed period', async () => {
    entries[0] = { ...entries[0], reason: 'added later' };
    entries.push({ id: 'a2', at: '2026-12-01T12:00:00.000Z', by: 'someone', action: 'hold-remove', outcome: 'done' });
    const report = await verify();
    expect(report.problems.map((problem) => [problem.kind, problem.key])).toEqual([
      ['added-after-seal', 'audit/2026-12-01T12:00:00.000Z/a2'],
      ['changed', 'audit/2026-12-01T10:20:00.000Z/a1'],
    ]);
    // The digests' own copy of the entries (evidence/audit/, what a downloaded copy is verified
    // against) still holds them as sealed.
    const sealed = await verifyEvidence({ bucket, audit: new SealedAuditLog(bucket), publicKeyPem: await signer.publicKeyPem(), trustStoreDates: true });
    expect(sealed.ok).toBe(true);
  });

  it('reports an object stored after the last digest as not yet sealed, and one stored inside a sealed period as added', async () => {
    const unsealed = storeRaw('2026-12-02T08:58:00.000Z', '{"n":5}');
    const added = storeRaw('2026-12-01T15:00:00.000Z', '{"n":6}');
    const report = await verifyEvidence({ bucket, audit: new SealedAuditLog(bucket), publicKeyPem: await signer.publicKeyPem(), trustStoreDates: true });
    expect(report.unsealed).toEqual([unsealed]);
    expect(report.problems.map((problem) => [problem.kind, problem.key])).toEqual([['added-after-seal', added]]);
  });
});

describe('a day checked on its own (the daily verification)', () => {
  const dayDir = mkdtempSync(join(tmpdir(), 'vigia-verify-day-'));
  afterAll(() => rmSync(dayDir, { recursive: true, force: true }));
  const dayBucket = new DirectoryEvidenceBucket(dayDir);
  const none: AuditLog = { async *between() {} };

  it('counts as sealed a webhook received before midnight and stored after it, in the next day\'s first digest', async () => {
    const body = '{"n":"midnight"}';
    // Received (and keyed) at 23:59:59 on the 1st, stored at 00:00:05 on the 2nd.
    const key = rawKeyFor('raw/', createHash('sha256').update(body).digest('hex'), '2026-12-01T23:59:59.000Z');
    const path = join(dayDir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    utimesSync(path, new Date('2026-12-02T00:00:05.000Z'), new Date('2026-12-02T00:00:05.000Z'));
    const seal = (at: string) => sealDigest({ bucket: dayBucket, audit: none, signer, stage: 'test', now: () => new Date(at) });
    expect((await seal('2026-12-01T23:05:00.000Z')).sealed).toBe(true);
    // This period ends exactly at midnight; the next one, which holds the object, starts on the 2nd.
    const atMidnight = await seal('2026-12-02T00:05:00.000Z');
    expect(atMidnight.sealed && atMidnight.digest.period.to).toBe('2026-12-02T00:00:00.000Z');
    const next = await seal('2026-12-02T01:05:00.000Z');
    expect(next.sealed && next.digest).toMatchObject({ period: { from: '2026-12-02T00:00:00.000Z' }, counts: { raw: 1 } });

    const listed: string[] = [];
    const list = dayBucket.list.bind(dayBucket);
    const watched = Object.assign(Object.create(dayBucket), { list: (prefix: string) => (listed.push(prefix), list(prefix)) }) as DirectoryEvidenceBucket;
    const report = await verifyEvidence({ bucket: watched, audit: none, publicKeyPem: await signer.publicKeyPem(), trustStoreDates: true, since: '2026-12-01', until: '2026-12-01' });
    expect(report.problems).toEqual([]);
    expect(report.digests.checked).toBe(2);
    expect(report.unsealed).toEqual([]);
    // The day's webhooks are looked for under that day's prefixes only, not the whole archive.
    const webhookPrefixes = listed.filter((prefix) => prefix.startsWith('raw/') || prefix.startsWith('rejected/'));
    expect(webhookPrefixes.length).toBeGreaterThan(0);
    expect(webhookPrefixes.every((prefix) => prefix.endsWith('dt=2026-12-01/'))).toBe(true);
  });
});
