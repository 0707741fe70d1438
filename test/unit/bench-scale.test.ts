import { describe, expect, it } from 'vitest';
import type { StackUsage } from '../../bench/ingest';
import { QUOTAS, type Quota, type QuotaKey } from '../../bench/quotas';
import { billionItems, keyPattern, modelScale, PARQUET_SHARE_OF_ITEM_BYTES, partitionPatterns, STORAGE_PRICES } from '../../bench/scale';
import { s3Prefix } from '../../local/metering';
import { emptyUsage } from '../helpers/bench-usage';

/** 1,000 messages: each writes its own `MSG#` item (2 units) and one unit to `index`, under the keys `dayKey(i)` gives. */
function usageWith(dayKey: (i: number) => string, unitsPerMessage = 1): StackUsage {
  const table: Record<string, number> = {};
  const byDay: Record<string, number> = {};
  const byLine: Record<string, number> = {};
  for (let i = 0; i < 1000; i += 1) {
    table[`MSG#wamid.HBgLNTUxMTk5${String(i).padStart(6, '0')}`] = 2;
    byDay[dayKey(i)] = (byDay[dayKey(i)] ?? 0) + unitsPerMessage;
    // three lines of the simulator: few values, but entity keys
    byLine[`LINE#10654035224292${i % 3}`] = (byLine[`LINE#10654035224292${i % 3}`] ?? 0) + 1;
  }
  return { ...emptyUsage(), partitionWrites: { table, byDay, byLine } };
}

describe('keyPattern (bench/scale.ts)', () => {
  it('tells keys built from a time bucket, a state or a shard (global) from keys of an entity', () => {
    expect(keyPattern('DAY#2026-12-03')).toEqual({ pattern: 'DAY#<time>', group: 'DAY#<time>', kind: 'global' });
    expect(keyPattern('DAY#2026-12-03#07')).toEqual({ pattern: 'DAY#<time>#<shard>', group: 'DAY#<time>#07', kind: 'global' });
    expect(keyPattern('MEDIA_STATE#pending')).toMatchObject({ pattern: 'MEDIA_STATE#pending', kind: 'global' });
    expect(keyPattern('MEDIA_STATE#pending#12')).toMatchObject({ pattern: 'MEDIA_STATE#pending#<shard>', kind: 'global' });
    expect(keyPattern('NOTIFY')).toMatchObject({ kind: 'global' });
    expect(keyPattern('CHECK#03')).toMatchObject({ pattern: 'CHECK#<shard>', kind: 'global' });
    expect(keyPattern('CHECK#0c')).toMatchObject({ pattern: 'CHECK#<shard>', group: 'CHECK#0c', kind: 'global' });
    expect(keyPattern('ALERT_STATUS#open')).toMatchObject({ kind: 'global' });
    for (const key of ['MSG#wamid.HBgLNTUxMTk5ODc2NTQzMjEVAgASGBQzQUZBMjI', 'LINE#106540352242922', 'CONTACT#5511999990000', 'CALL#wacid.ABGGFlA5Fpa', 'EVENT#raw/dt=2026-12-03/3f9a0c1b2d4e5f60718293a4b5c6d7e8.json'])
      expect(keyPattern(key).kind, key).toBe('entity');
  });

  it('cuts an S3 key at its first segment naming an object', () => {
    expect(s3Prefix('raw/dt=2026-12-03/3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0c1b2.json')).toBe('raw/dt=2026-12-03/');
    // the current raw layout: one of 16 prefixes a day, up to and including the date
    expect(s3Prefix('raw/h=3/dt=2026-12-03/3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0c1b2.json')).toBe('raw/h=3/dt=2026-12-03/');
    expect(s3Prefix('media/sha256/3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0c1b2d4e5f60718293a4b5c6d7e8')).toBe('media/sha256/');
    expect(s3Prefix('single')).toBe('');
  });
});

describe('partitionPatterns (bench/scale.ts)', () => {
  it('flags a partition receiving every write: it binds at 1,000 WCU/s ÷ its units per message', () => {
    const { patterns } = partitionPatterns({ messages: 1000, usage: usageWith(() => 'DAY#2026-12-03', 2) });
    const day = patterns.find((pattern) => pattern.index === 'byDay')!;
    expect(day).toMatchObject({ kind: 'global', pattern: 'DAY#<time>', concurrentKeys: 1, hottestKey: 'DAY#<time>' });
    expect(day.hottestWriteUnitsPerMessage).toBeCloseTo(2, 9);
    expect(day.messagesPerSecAtLimit).toBeCloseTo(1000 / 2, 6);
    // global first, and the entity keys (few lines in the run, but keys of an entity) are not global
    expect(patterns[0]).toBe(day);
    expect(patterns.find((pattern) => pattern.index === 'byLine')!.kind).toBe('entity');
    expect(patterns.find((pattern) => pattern.index === 'table')!.kind).toBe('entity');
  });

  it('adds up the time buckets of one key (history writes to past days) and splits the shards', () => {
    const days = partitionPatterns({ messages: 1000, usage: usageWith((i) => (i % 10 === 0 ? 'DAY#2026-11-01' : 'DAY#2026-12-03')) });
    expect(days.patterns.find((pattern) => pattern.index === 'byDay')).toMatchObject({ keys: 2, concurrentKeys: 1, hottestWriteUnitsPerMessage: 1 });
    const sharded = partitionPatterns({ messages: 1000, usage: usageWith((i) => `DAY#2026-12-03#${String(i % 16).padStart(2, '0')}`) });
    const day = sharded.patterns.find((pattern) => pattern.index === 'byDay')!;
    expect(day).toMatchObject({ kind: 'global', pattern: 'DAY#<time>#<shard>', keys: 16, concurrentKeys: 16, hottestKey: 'DAY#<time>#<shard>' });
    // 1,000 messages over 16 shards: each takes 1/16 (the busiest the run saw, 63 of them, is reported apart)
    expect(day.hottestWriteUnitsPerMessage).toBeCloseTo(1 / 16, 9);
    expect(day.observedHottestWriteUnitsPerMessage).toBeCloseTo(63 / 1000, 9);
    expect(day.messagesPerSecAtLimit).toBeCloseTo(16_000, 3);
  });

  it('counts Scan reads apart', () => {
    const usage = { ...emptyUsage(), partitionReads: { table: { '*': 50, 'MSG#wamid.ABC123456': 10 } } };
    expect(partitionPatterns({ messages: 100, usage }).scanReadUnitsPerMessage).toBeCloseTo(0.5, 9);
  });
});

describe('modelScale (bench/scale.ts)', () => {
  it('makes the unsharded day partition the hottest and the sharded one not', () => {
    const unsharded = modelScale({ messages: 1000, usage: usageWith(() => 'DAY#2026-12-03'), snsPublishes: 0 });
    expect(unsharded.hottestPartition).toMatchObject({ index: 'byDay', key: 'DAY#<time>' });
    // 1 unit a message: 5,000 WCU/s at 5,000 msg/s, five times a partition's limit
    expect(unsharded.hottestPartitionUtilizationAt5000).toBeCloseTo(5, 9);
    expect(unsharded.quotas.find((use) => use.key === 'dynamodbPartitionWrite')!.messagesPerSec).toBeCloseTo(1000, 6);

    const sharded = modelScale({ messages: 1000, usage: usageWith((i) => `DAY#2026-12-03#${String(i % 16).padStart(2, '0')}`), snsPublishes: 0 });
    expect(sharded.hottestPartitionUtilizationAt5000).toBeCloseTo((1 / 16) * 5, 9);
    expect(sharded.hottestPartitionUtilizationAt5000).toBeLessThanOrEqual(0.5);
    expect(sharded.per1000.dynamodb.byDay).toMatchObject({ writeUnits: 1000, hottestWriteUnits: 62.5 });
  });

  it('finds an unsharded key with less traffic hotter than a sharded one with all of it', () => {
    const usage = usageWith((i) => `DAY#2026-12-03#${String(i % 16).padStart(2, '0')}`);
    // one alert in ten messages, 1 unit each, all under one state key
    usage.partitionWrites!.byAlertStatus = { 'ALERT_STATUS#open': 100 };
    const figure = modelScale({ messages: 1000, usage, snsPublishes: 0 });
    expect(figure.hottestPartition).toMatchObject({ index: 'byAlertStatus', key: 'ALERT_STATUS#open', writeUnitsPerSecAt5000: 500 });
    expect(figure.hottestPartitionUtilizationAt5000).toBeCloseTo(0.5, 9);
    expect(figure.partitions.map((pattern) => pattern.pattern).slice(0, 2)).toEqual(['ALERT_STATUS#open', 'DAY#<time>#<shard>']);
  });

  it('takes the minimum over the quotas, and the raised minimum with only the raisable ones raised', () => {
    const quota = (value: number, raisable: boolean, raisedValue = value): Quota => ({ title: `q${value}`, value, unit: 'x', scope: 'account-region', raisable, raisedValue, source: 'test', confirmed: true });
    const quotas = Object.fromEntries(Object.keys(QUOTAS).map((key) => [key, quota(1e9, false)])) as Record<QuotaKey, Quota>;
    quotas.apiGatewayRequests = { ...quota(10_000, true, 30_000), title: 'API' };
    quotas.stepFunctionsStarts = { ...quota(6_000, true, 30_000), title: 'SFN' };
    quotas.comprehendSentiment = { ...quota(20, true, 1_000), title: 'Comprehend' };
    quotas.dynamodbPartitionWrite = { ...quota(1_000, false), title: 'Partition' };
    const usage: StackUsage = {
      ...usageWith((i) => `DAY#2026-12-03#${String(i % 4).padStart(2, '0')}`),
      // per message: 0.5 webhook requests, 1 flow start, 0.1 Comprehend calls
      requests: { 'ApiGateway.Request': 500 },
      flowExecutions: 1000,
      comprehend: { requests: 100, units: 300, characters: 0 },
    };
    const figure = modelScale({ messages: 1000, usage, snsPublishes: 0 }, quotas);
    // defaults: API 20,000/s, SFN 6,000/s, Comprehend 200/s, partition 1,000 / 0.25 = 4,000/s
    expect(figure.firstQuota).toBe('Comprehend');
    expect(figure.defaultQuotaMessagesPerSec).toBeCloseTo(200, 6);
    // raised: API 60,000, SFN 30,000, Comprehend 10,000; the partition stays at 4,000
    expect(figure.firstRaisedQuota).toBe('Partition');
    expect(figure.raisedQuotaMessagesPerSec).toBeCloseTo(4000, 6);
    expect(figure.quotas.map((use) => use.title).slice(0, 3)).toEqual(['Comprehend', 'Partition', 'SFN']);
    expect(figure.hottestPartitionUtilizationAt5000).toBeCloseTo(1.25, 9);
  });

  it('derives concurrency from invocations and their duration on AWS, and rates per 1,000 messages a second', () => {
    const usage: StackUsage = {
      ...emptyUsage(),
      // ingest (512 MB): 100 invocations of 100 ms locally → × 1769/512 on AWS
      invocations: { ingest: { count: 100, ms: 10_000 }, webhook: { count: 500, ms: 5_000 } },
      requests: { 'ApiGateway.Request': 500, 'SQS.SendMessage': 500, 'S3.PutObject': 500, 'S3.GetObject': 200 },
      s3Prefixes: { 'PutObject raw/dt=2026-12-03/': 400, 'PutObject raw/dt=2026-12-02/': 100, 'GetObject raw/dt=2026-12-03/': 200 },
      flowExecutions: 1000,
    };
    const figure = modelScale({ messages: 1000, usage, snsPublishes: 10 });
    const ingestSeconds = 10 * (1769 / 512);
    const webhookSeconds = 5 * (1769 / 256);
    expect(figure.per1000.functions.ingest.invocations).toBeCloseTo(100, 9);
    expect(figure.per1000.functions.ingest.concurrency).toBeCloseTo(ingestSeconds, 6);
    expect(figure.per1000.lambdaConcurrency).toBeCloseTo(ingestSeconds + webhookSeconds, 6);
    expect(figure.per1000.sqsRequests).toBeCloseTo(500 + 2 * 100, 9);
    expect(figure.per1000.stepFunctionsStarts).toBe(1000);
    expect(figure.per1000.s3Prefixes['raw/dt=<time>/']).toEqual({ puts: 500, gets: 200 });
    // KMS: with Bucket Keys only the SNS publishes; without, one more per object PUT and GET
    expect(figure.per1000.kmsRequests).toBeCloseTo(10, 9);
    expect(figure.per1000.kmsRequestsWithoutBucketKeys).toBeCloseTo(10 + 700, 9);
    const s3 = figure.quotas.find((use) => use.key === 's3PrefixPut')!;
    expect(s3.messagesPerSec).toBeCloseTo(3500 / 0.5, 6);
    expect(s3.detail).toBe('raw/dt=<time>/');
    const lambda = figure.quotas.find((use) => use.key === 'lambdaConcurrency')!;
    expect(lambda.messagesPerSec).toBeCloseTo(1000 / ((ingestSeconds + webhookSeconds) / 1000), 3);
  });

  it('evaluates the S3 per-prefix quota on each raw shard prefix: 16 × 3,500 PUT/s for the raw area', () => {
    const s3Prefixes: Record<string, number> = {};
    // 1,000 PUTs a day spread by the sha256's first hex digit, unevenly (a small run's sampling noise)
    for (const [i, shard] of [...'0123456789abcdef'].entries()) {
      s3Prefixes[`PutObject raw/h=${shard}/dt=2026-12-03/`] = i === 0 ? 100 : 60;
    }
    const usage: StackUsage = { ...emptyUsage(), requests: { 'S3.PutObject': 1000 }, s3Prefixes };
    const figure = modelScale({ messages: 1000, usage, snsPublishes: 0 });
    expect(figure.per1000.s3Prefixes['raw/h=<shard>/dt=<time>/']).toEqual({ puts: 1000, gets: 0, shards: 16 });
    const s3 = figure.quotas.find((use) => use.key === 's3PrefixPut')!;
    expect(s3.perMessage).toBeCloseTo(1 / 16, 9);
    expect(s3.messagesPerSec).toBeCloseTo(16 * 3500, 6);
    expect(s3.detail).toBe('raw/h=<shard>/dt=<time>/ (each of 16 shards)');
  });
});

describe('billionItems (bench/scale.ts)', () => {
  it('prices a billion items at the sizes the run stored', () => {
    // 1,000 items of 900 bytes (100 of them overhead), 300 index bytes and 200 S3 bytes each
    const figure = billionItems({ items: 1000, tableBytes: 900_000, indexBytes: 300_000, objects: 10, objectBytes: 200_000 }, 500)!;
    expect(figure.itemsPerMessage).toBe(2);
    expect(figure.tableGb).toBeCloseTo(900, 9);
    expect(figure.usdPerMonth.dynamodbStorage).toBeCloseTo((900 + 300) * STORAGE_PRICES.dynamodbPerGbMonth, 6);
    expect(figure.usdPerMonth.pitr).toBeCloseTo(900 * STORAGE_PRICES.dynamodbPitrPerGbMonth, 6);
    expect(figure.usdPerMonth.s3Standard).toBeCloseTo(200 * STORAGE_PRICES.s3StandardPerGbMonth, 6);
    expect(figure.usdAthenaFullScan).toBeCloseTo(0.9 * PARQUET_SHARE_OF_ITEM_BYTES * STORAGE_PRICES.athenaPerTbScanned, 6);
    expect(figure.usdDynamoDbFullScan).toBeCloseTo((900e9 / 4096 / 2 / 1e6) * STORAGE_PRICES.dynamodbReadPerMillion, 6);
    expect(billionItems({ items: 0, tableBytes: 0, indexBytes: 0, objects: 0, objectBytes: 0 })).toBeUndefined();
  });
});
