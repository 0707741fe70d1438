import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unprojectedRawKeys } from '../../local/recovery';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { dayPrefixesInKeyOrder, layoutPrefixes, RAW_KEY_SHARDS, rawKeyFor, receiveDayOfKey } from '../../shared/capture/raw-key';
import { DirectoryEvidenceBucket } from '../../shared/evidence/adapters/directory-evidence-bucket';
import { generateSigningKeyPem, LocalDigestSigner } from '../../shared/evidence/adapters/local-signer';
import { SealedAuditLog } from '../../shared/evidence/adapters/sealed-audit-log';
import { parseLeafList } from '../../shared/evidence/leaf-list';
import { compareLeafKeys } from '../../shared/evidence/merkle';
import { sealDigest } from '../../shared/evidence/seal';
import { verifyEvidence } from '../../shared/evidence/verify';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import { ensureBucket, ensureTable } from '../../shared/resources/local-provisioning';

/*
 * Issue 19: raw webhooks are keyed `raw/h=<h>/dt=YYYY-MM-DD/<sha256>.json` (h = the sha256's first
 * hex digit), and those archived before, at `raw/dt=YYYY-MM-DD/<sha256>.json`, stay where they
 * are: every reader sees both.
 */

const sha = (body: string) => createHash('sha256').update(body).digest('hex');
const oldKey = (body: string, day: string) => `raw/dt=${day}/${sha(body)}.json`;

describe('the raw key layout (shared/capture/raw-key.ts)', () => {
  it('keys a delivery raw/h=<first hex digit of its sha256>/dt=<day>/<sha256>.json, the same for a retry the same day', () => {
    for (let n = 0; n < 64; n += 1) {
      const body = Buffer.from(`{"n":${n}}`);
      const digest = sha(body.toString());
      const key = S3RawArchive.keyFor('raw/', body, '2026-12-03T23:59:59.999Z');
      expect(key).toBe(`raw/h=${digest[0]}/dt=2026-12-03/${digest}.json`);
      expect(key).toMatch(/^raw\/h=[0-9a-f]\/dt=\d{4}-\d{2}-\d{2}\/[0-9a-f]{64}\.json$/);
      expect(S3RawArchive.keyFor('raw/', Buffer.from(body), '2026-12-03T00:00:00.000Z')).toBe(key);
    }
    expect(S3RawArchive.keyFor('rejected/', Buffer.from('x'), '2026-12-03T10:00:00Z')).toBe(`rejected/h=${sha('x')[0]}/dt=2026-12-03/${sha('x')}.json`);
    expect(() => rawKeyFor('raw/', 'ABC', '2026-12-03T10:00:00Z')).toThrow(/sha256/);
  });

  it('reads the receive day from a key of either layout', () => {
    expect(receiveDayOfKey(`raw/h=a/dt=2026-12-03/${sha('a')}.json`)).toBe('2026-12-03');
    expect(receiveDayOfKey(`raw/dt=2026-11-30/${sha('a')}.json`)).toBe('2026-11-30');
    expect(receiveDayOfKey('raw/test/x.json')).toBeUndefined();
  });

  it('lists the layouts in key byte order: the first layout, then the shards 0…f (`dt=` sorts before `h=`)', () => {
    const prefixes = layoutPrefixes('raw/');
    expect(prefixes).toHaveLength(17);
    expect(prefixes[0]).toBe('raw/dt=');
    expect([...prefixes].sort(compareLeafKeys)).toEqual(prefixes);
    const days = ['2026-11-30', '2026-12-01', '2026-12-02'];
    const byDay = dayPrefixesInKeyOrder('raw/', days);
    expect(byDay).toHaveLength(17 * days.length);
    expect(byDay.slice(0, 4)).toEqual(['raw/dt=2026-11-30/', 'raw/dt=2026-12-01/', 'raw/dt=2026-12-02/', 'raw/h=0/dt=2026-11-30/']);
    expect([...byDay].sort(compareLeafKeys)).toEqual(byDay);
    expect(RAW_KEY_SHARDS).toHaveLength(16);
  });
});

describe('evidence seal and verify over both layouts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-raw-layout-seal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bucket = new DirectoryEvidenceBucket(dir);
  const signer = new LocalDigestSigner(generateSigningKeyPem());
  const audit = new SealedAuditLog(bucket);

  function store(key: string, body: string, at: string): string {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    utimesSync(path, new Date(at), new Date(at));
    return key;
  }

  it('seals objects of both layouts, day by day, with the leaves in key byte order and no sort, and verify passes', async () => {
    // The first digest covers everything before it (one listing of raw/).
    store(oldKey('{"first":1}', '2026-11-30'), '{"first":1}', '2026-11-30T12:00:00.000Z');
    const first = await sealDigest({ bucket, audit, signer, stage: 'test', now: () => new Date('2026-12-01T00:10:00.000Z') });
    expect(first.sealed).toBe(true);

    // The second is listed by receive day: written before the change (old layout) and after it, across midnight.
    const keys: string[] = [];
    for (let n = 0; n < 40; n += 1) {
      const body = `{"n":${n}}`;
      const at = n % 2 === 0 ? '2026-12-01T23:59:00.000Z' : '2026-12-02T00:30:00.000Z';
      keys.push(store(n < 10 ? oldKey(body, at.slice(0, 10)) : rawKeyFor('raw/', sha(body), at), body, at));
    }
    const rejected = store(rawKeyFor('rejected/', sha('bad'), '2026-12-02T00:31:00.000Z'), 'bad', '2026-12-02T00:31:00.000Z');
    const second = await sealDigest({ bucket, audit, signer, stage: 'test', now: () => new Date('2026-12-02T02:00:00.000Z') });
    if (!second.sealed) throw new Error(second.reason);
    expect(second.digest.counts).toMatchObject({ raw: 40, rejected: 1 });

    const leaves = parseLeafList((await bucket.read(second.digest.leavesObject.key))!).map((leaf) => leaf.key);
    expect(leaves).toEqual([...keys.sort(compareLeafKeys), rejected]);
    expect([...leaves].sort(compareLeafKeys)).toEqual(leaves);
    expect(leaves.some((key) => key.startsWith('raw/dt='))).toBe(true);
    expect(new Set(leaves.filter((key) => key.startsWith('raw/h=')).map((key) => key[6])).size).toBeGreaterThan(8);

    const report = await verifyEvidence({ bucket, audit, publicKeyPem: await signer.publicKeyPem(), trustStoreDates: true });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.leaves.checked).toBe(42);
  });

  it('names an object of either layout added into a closed day after the seal (its day read from the key)', async () => {
    const addedOld = store(oldKey('{"late":"old"}', '2026-11-30'), '{"late":"old"}', '2026-11-30T13:00:00.000Z');
    const addedNew = store(rawKeyFor('raw/', sha('{"late":"new"}'), '2026-11-30T13:00:00.000Z'), '{"late":"new"}', '2026-11-30T13:00:00.000Z');
    // A downloaded copy: file dates say nothing, the key's day does.
    const report = await verifyEvidence({ bucket, audit, publicKeyPem: await signer.publicKeyPem(), trustStoreDates: false });
    expect(report.problems.map((problem) => [problem.kind, problem.key]).sort()).toEqual([
      ['added-after-seal', addedOld],
      ['added-after-seal', addedNew],
    ]);
  });
});

describe('listing the raw archive (S3RawArchive.listRaw, local crash recovery) over both layouts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-raw-layout-s3-'));
  const dynamo = dynalite({ createTableMs: 0, updateTableMs: 0 });
  const s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const bucket = 'vigia-raw-layout';
  const table = 'vigia-raw-layout';
  let stores: Parameters<typeof unprojectedRawKeys>[0];
  const written: { key: string; day: string }[] = [];

  beforeAll(async () => {
    await new Promise<void>((done) => dynamo.listen(0, '127.0.0.1', () => done()));
    const s3Address = (await s3server.run()) as AddressInfo;
    const s3 = createS3Client(`http://127.0.0.1:${s3Address.port}`);
    const db = createDynamoDbClient(`http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`);
    await ensureTable(db, table);
    await ensureBucket(s3, bucket);
    stores = { db, s3, bucket, table };
    const archive = new S3RawArchive(s3, bucket);
    for (const [day, count] of [['2026-11-29', 3], ['2026-11-30', 4]] as const) {
      for (let n = 0; n < count; n += 1) {
        const key = oldKey(`{"old":${n},"day":"${day}"}`, day);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `{"old":${n},"day":"${day}"}` }));
        written.push({ key, day });
      }
    }
    for (const [day, count] of [['2026-11-30', 5], ['2026-12-01', 12], ['2026-12-02', 12]] as const) {
      for (let n = 0; n < count; n += 1) {
        const key = await archive.putRaw(Buffer.from(`{"new":${n},"day":"${day}"}`), { signature: 'sha256=00', receivedAt: `${day}T08:00:00.000Z` });
        written.push({ key, day });
      }
    }
    // rejected/ bodies are not raw webhooks to list
    await archive.putRejected(Buffer.from('{"bad":1}'), { signature: 'sha256=00', receivedAt: '2026-12-01T08:00:00.000Z', reason: 'test' });
  });

  afterAll(async () => {
    await s3server.close();
    await new Promise<void>((done) => dynamo.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  const listed = async (sinceDay?: string) => {
    const keys: string[] = [];
    for await (const object of new S3RawArchive(stores.s3, bucket).listRaw({ sinceDay })) keys.push(object.key);
    return keys;
  };

  it('lists every raw body of both layouts, oldest day first', async () => {
    const keys = await listed();
    expect([...keys].sort()).toEqual(written.map(({ key }) => key).sort());
    const days = keys.map((key) => receiveDayOfKey(key)!);
    expect(days).toEqual([...days].sort());
    expect(keys.filter((key) => key.startsWith('raw/h=')).every((key) => key.startsWith(`raw/h=${key.split('/').at(-1)![0]}/`))).toBe(true);
  });

  it('skips the days before sinceDay in both layouts', async () => {
    const keys = await listed('2026-11-30');
    expect([...keys].sort()).toEqual(written.filter(({ day }) => day >= '2026-11-30').map(({ key }) => key).sort());
    expect(keys.some((key) => key.startsWith('raw/dt=2026-11-30/'))).toBe(true);
    expect(keys.some((key) => key.startsWith('raw/h='))).toBe(true);
    expect((await listed('2026-12-02')).map((key) => receiveDayOfKey(key))).toEqual(Array(12).fill('2026-12-02'));
  });

  it('re-projects at start the bodies of both layouts that have no projection marker', async () => {
    const marked = [written[0]!.key, written.at(-1)!.key];
    for (const key of marked) await stores.db.send(new PutCommand({ TableName: table, Item: { pk: `RAW#${key}`, sk: 'RAW', rawKey: key } }));
    const unprojected = await unprojectedRawKeys(stores);
    expect([...unprojected].sort()).toEqual(written.map(({ key }) => key).filter((key) => !marked.includes(key)).sort());
    expect(unprojected.some((key) => key.startsWith('raw/dt='))).toBe(true);
    expect(unprojected.some((key) => key.startsWith('raw/h='))).toBe(true);
  });
});
