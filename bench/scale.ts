import { ASYNC_INVOCATIONS, awsSeconds, type MeteredRun, S3_PUT_CLASS, SQS_FED_FUNCTIONS, type StoredFootprint } from './cost';
import { QUOTAS, type Quota, type QuotaKey, TARGET_MESSAGES_PER_SEC } from './quotas';

/**
 * The capacity model (`npm run bench -- --only scale`, docs/scale.md): from one metered run of the
 * simulator's traffic (bench/cost.ts `meteredRun`), what the pipeline spends per message of each
 * AWS quota, the message rate at which each quota is reached, and the load of the hottest
 * DynamoDB partition of the table and of each index.
 *
 * Everything here is arithmetic on the run's counts (`modelScale`), unit-tested in
 * test/unit/bench-scale.test.ts. Rates scale linearly with the message rate: a message costs the
 * same requests, units and function time at 10 or 10,000 a second (batching aside: ingest's
 * batches of 10 fill better under load, so its invocations per message are an upper bound).
 *
 * Partitions. Each DynamoDB write (table and index) is metered with the partition key it wrote
 * (local/metering.ts). A key value is turned into a pattern: dates and times become `<time>`,
 * a short number (1–3 decimal or lower-case hex digits, at least one a digit) a `<shard>`, any other segment with a digit or a long token an
 * `<id>`, words stay. A key whose pattern names no `<id>` — built from a time bucket, a state, a
 * constant and at most a shard number (`DAY#<time>`, `MEDIA_STATE#pending`, `NOTIFY`) — is
 * *global*: every message of the whole deployment writes it in the same proportion, so its load
 * grows with total traffic. Key values that differ only in their time bucket are one partition
 * at a time (today's), so their units are added up; values that differ in a shard number are
 * different partitions written at once, each taking its share: a sharded key's busiest partition
 * is taken as the pattern's units ÷ the N shards the run wrote (a hash spreads evenly; the
 * busiest shard of a small run is mostly sampling noise, and is reported apart). A shard the
 * run did not reach makes N smaller and the estimate higher, never lower. A key naming an `<id>` (a message, a line, a
 * contact, a call) is an *entity* key: its load is bounded by that entity's own rate, not by
 * the total (docs/scale.md states the assumption per entity), and it is reported, not counted in
 * the quota minimum.
 */
export interface ScaleInput {
  /** WhatsApp messages the run carried. */
  messages: number;
  usage: MeteredRun['usage'];
  /** SNS publishes the run's alerts took. */
  snsPublishes: number;
  /** What the run left stored, for the billion-item costs. */
  storage?: StoredFootprint;
}

export type KeyKind = 'global' | 'entity';

/** One pattern of partition keys of the table or of an index. */
export interface PartitionPattern {
  /** `table` or the index name. */
  index: string;
  pattern: string;
  kind: KeyKind;
  /** Distinct key values the run wrote or read. */
  keys: number;
  /** Partitions written at the same time: key values once their time bucket is merged (the shards). */
  concurrentKeys: number;
  /** The busiest of those (time bucket shown as `<time>`). */
  hottestKey: string;
  /** Write and read units per message on the busiest concurrent key (for shards: the pattern's ÷ N). */
  hottestWriteUnitsPerMessage: number;
  hottestReadUnitsPerMessage: number;
  /** For shards: the busiest shard the run saw (sampling noise included), write units per message. */
  observedHottestWriteUnitsPerMessage: number;
  /** Write units per message on all keys of the pattern. */
  writeUnitsPerMessage: number;
  readUnitsPerMessage: number;
  /**
   * Global: the deployment's message rate at which the busiest key reaches a partition's limit.
   * Entity: the rate of that one entity (e.g. one line) at which its partition would.
   */
  messagesPerSecAtLimit: number;
}

export interface QuotaUse {
  key: QuotaKey;
  title: string;
  unit: string;
  value: number;
  raisable: boolean;
  raisedValue: number;
  /** Quota units spent per message (per message a second, for concurrency). */
  perMessage: number;
  /** Message rate at which the default is reached (Infinity: never). */
  messagesPerSec: number;
  /** … and the raised value. */
  raisedMessagesPerSec: number;
  /** What binds inside the quota: the partition, the prefix. */
  detail?: string;
  confirmed: boolean;
}

export interface ScaleFigure {
  /** Messages of the metered run. */
  messages: number;
  /** Rate at which the first AWS default quota binds, and its name. */
  defaultQuotaMessagesPerSec: number;
  firstQuota: string;
  /** The same with every raisable quota at its raised value (bench/quotas.ts, docs/scale.md). */
  raisedQuotaMessagesPerSec: number;
  firstRaisedQuota: string;
  /** The hottest global partition's share of its limit at 5,000 messages a second (write ÷ 1,000, read ÷ 3,000). */
  hottestPartitionUtilizationAt5000: number;
  hottestPartition: { index: string; key: string; writeUnitsPerSecAt5000: number; readUnitsPerSecAt5000: number };
  /** Each quota, sorted by the rate at which it binds. */
  quotas: QuotaUse[];
  /** Per 1,000 messages a second. */
  per1000: {
    apiGatewayRequests: number;
    functions: Record<string, { invocations: number; concurrency: number; msPerInvocation: number }>;
    lambdaConcurrency: number;
    stepFunctionsStarts: number;
    sqsRequests: number;
    snsPublishes: number;
    /** With S3 Bucket Keys (the deployed configuration), and what it would be without. */
    kmsRequests: number;
    kmsRequestsWithoutBucketKeys: number;
    s3Puts: number;
    s3Gets: number;
    /** Per prefix pattern (`<time>` for the day, `<shard>` for the shard): all its requests, and how many shard prefixes share them. */
    s3Prefixes: Record<string, { puts: number; gets: number; shards?: number }>;
    comprehendCalls: number;
    /** Per table/index: all its write and read units, and its hottest global partition's. */
    dynamodb: Record<string, { writeUnits: number; readUnits: number; hottestGlobalKey?: string; hottestWriteUnits: number; hottestReadUnits: number }>;
  };
  /** Partition key patterns, global ones first, busiest first. */
  partitions: PartitionPattern[];
  /** Read units per message of Scans (every partition): none belongs in the message path. */
  scanReadUnitsPerMessage: number;
  /** A billion archive items at the run's measured sizes: storage, backup and query per month. */
  billionItems?: BillionItems;
}

/**
 * Storage and query list prices (us-east-1, November 2026, as bench/prices.ts), for the
 * billion-item figures of docs/scale.md.
 */
export const STORAGE_PRICES = {
  /** DynamoDB Standard table class, per GB-month (table and indexes). Amazon DynamoDB pricing — https://aws.amazon.com/dynamodb/pricing/on-demand/ */
  dynamodbPerGbMonth: 0.25,
  /** DynamoDB Standard-Infrequent Access table class, per GB-month (reads and writes cost more). Same page. */
  dynamodbInfrequentAccessPerGbMonth: 0.1,
  /** Point-in-time recovery (continuous backups), per GB-month of table size (table data, not global indexes). Same page. */
  dynamodbPitrPerGbMonth: 0.2,
  /** DynamoDB on-demand reads, per million read request units (bench/prices.ts). */
  dynamodbReadPerMillion: 0.125,
  /** S3 Standard, per GB-month (first 50 TB; 0.022 for the next 450 TB). Amazon S3 pricing — https://aws.amazon.com/s3/pricing/ */
  s3StandardPerGbMonth: 0.023,
  /** Athena SQL queries, per TB scanned (10 MB minimum per query). Amazon Athena pricing — https://aws.amazon.com/athena/pricing/ */
  athenaPerTbScanned: 5.0,
} as const;

/**
 * Assumption (not measured): the analytics export (Parquet, compressed, columnar) takes this share
 * of the items' DynamoDB bytes, and a typical report reads a third of its columns.
 */
export const PARQUET_SHARE_OF_ITEM_BYTES = 0.3;
export const REPORT_COLUMN_SHARE = 1 / 3;
/** Reports a month the query cost assumes (one a day). */
export const REPORTS_PER_MONTH = 30;

export interface BillionItems {
  /** Items the run left in the table, per message it carried (statuses, profiles, media, alerts… included). */
  itemsPerMessage?: number;
  /** Measured in the run: average table item (with its 100-byte overhead), index bytes per item, S3 bytes per item. */
  bytesPerItem: number;
  indexBytesPerItem: number;
  s3BytesPerItem: number;
  tableGb: number;
  indexGb: number;
  s3Gb: number;
  usdPerMonth: { dynamodbStorage: number; pitr: number; s3Standard: number; athenaReports: number; total: number };
  /** One Athena query reading the whole export, and one full DynamoDB Scan (eventually consistent) — what no request should do. */
  usdAthenaFullScan: number;
  usdDynamoDbFullScan: number;
}

/** A billion items at the sizes the run stored (decimal GB/TB, as AWS bills). */
export function billionItems(storage: StoredFootprint, messages?: number, items = 1e9): BillionItems | undefined {
  if (storage.items <= 0) return undefined;
  const bytesPerItem = storage.tableBytes / storage.items;
  const indexBytesPerItem = storage.indexBytes / storage.items;
  const s3BytesPerItem = storage.objectBytes / storage.items;
  const gb = (bytes: number) => (bytes * items) / 1e9;
  const tableGb = gb(bytesPerItem);
  const indexGb = gb(indexBytesPerItem);
  const s3Gb = gb(s3BytesPerItem);
  const exportTb = (tableGb * PARQUET_SHARE_OF_ITEM_BYTES) / 1000;
  const dynamodbStorage = (tableGb + indexGb) * STORAGE_PRICES.dynamodbPerGbMonth;
  const pitr = tableGb * STORAGE_PRICES.dynamodbPitrPerGbMonth;
  const s3Standard = s3Gb * STORAGE_PRICES.s3StandardPerGbMonth;
  const athenaReports = REPORTS_PER_MONTH * exportTb * REPORT_COLUMN_SHARE * STORAGE_PRICES.athenaPerTbScanned;
  return {
    ...(messages ? { itemsPerMessage: storage.items / messages } : {}),
    bytesPerItem,
    indexBytesPerItem,
    s3BytesPerItem,
    tableGb,
    indexGb,
    s3Gb,
    usdPerMonth: { dynamodbStorage, pitr, s3Standard, athenaReports, total: dynamodbStorage + pitr + s3Standard + athenaReports },
    usdAthenaFullScan: exportTb * STORAGE_PRICES.athenaPerTbScanned,
    // A Scan reads 4 KB per read unit, eventually consistent reads half a unit.
    usdDynamoDbFullScan: ((tableGb * 1e9) / 4096 / 2 / 1e6) * STORAGE_PRICES.dynamodbReadPerMillion,
  };
}

export const PARTITION_WRITE_LIMIT = QUOTAS.dynamodbPartitionWrite.value;
export const PARTITION_READ_LIMIT = QUOTAS.dynamodbPartitionRead.value;

export function scaleOfRun(run: MeteredRun): ScaleFigure {
  return modelScale({ messages: run.messages, usage: run.usage, snsPublishes: run.publishes, storage: run.storage });
}

const TIME = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}){0,2}(?:\.\d+)?Z?)?/g;
/** A shard folder of an S3 key (`raw/h=3/…`): one of 16 prefixes a hash spreads the area's keys over. */
const S3_SHARD = /(^|\/)h=([0-9a-f])(?=\/)/;

/**
 * A partition key's pattern, and the partition it shares with values of other time buckets
 * (`group`): `DAY#2026-12-03#07` → pattern `DAY#<time>#<shard>`, group `DAY#<time>#07`;
 * `MSG#wamid.HBg…` → `MSG#<id>`; `MEDIA_STATE#pending` stays as it is.
 */
export function keyPattern(value: string): { pattern: string; group: string; kind: KeyKind } {
  const pattern: string[] = [];
  const group: string[] = [];
  for (const segment of value.split('#')) {
    const timed = segment.replace(TIME, '<time>');
    const rest = timed.replaceAll('<time>', '');
    if (/^[0-9a-f]{1,3}$/.test(segment) && /\d/.test(segment)) {
      pattern.push('<shard>');
      group.push(segment);
    } else if (timed.includes('<time>') && /^[A-Za-z_=.:/-]*$/.test(rest)) {
      pattern.push(timed);
      group.push(timed);
    } else if (/^[A-Za-z_]*$/.test(segment) && segment.length <= 32) {
      pattern.push(segment);
      group.push(segment);
    } else {
      pattern.push('<id>');
      group.push(timed);
    }
  }
  const joined = pattern.join('#');
  return { pattern: joined, group: group.join('#'), kind: joined.includes('<id>') ? 'entity' : 'global' };
}

/** Groups the metered partitions of the table and of each index by key pattern. */
export function partitionPatterns(input: Pick<ScaleInput, 'messages' | 'usage'>): { patterns: PartitionPattern[]; scanReadUnitsPerMessage: number } {
  const { messages } = input;
  const writes = input.usage.partitionWrites ?? {};
  const reads = input.usage.partitionReads ?? {};
  let scanReadUnits = 0;
  const byPattern = new Map<string, { index: string; pattern: string; kind: KeyKind; keys: Set<string>; groups: Map<string, { w: number; r: number }>; w: number; r: number }>();
  const add = (index: string, key: string, units: number, side: 'w' | 'r') => {
    if (key === '*') {
      scanReadUnits += units;
      return;
    }
    if (key === '?') return;
    const { pattern, group, kind } = keyPattern(key);
    const id = `${index}\u0000${pattern}`;
    const entry = byPattern.get(id) ?? { index, pattern, kind, keys: new Set<string>(), groups: new Map(), w: 0, r: 0 };
    byPattern.set(id, entry);
    entry.keys.add(key);
    const slot = entry.groups.get(group) ?? { w: 0, r: 0 };
    entry.groups.set(group, slot);
    slot[side] += units;
    entry[side] += units;
  };
  for (const [index, partitions] of Object.entries(writes)) for (const [key, units] of Object.entries(partitions)) add(index, key, units, 'w');
  for (const [index, partitions] of Object.entries(reads)) for (const [key, units] of Object.entries(partitions)) add(index, key, units, 'r');

  const patterns: PartitionPattern[] = [...byPattern.values()].map((entry) => {
    // The busiest concurrent key: by its share of its limit (writes ÷ 1,000, reads ÷ 3,000).
    const load = (slot: { w: number; r: number }) => Math.max(slot.w / PARTITION_WRITE_LIMIT, slot.r / PARTITION_READ_LIMIT);
    const [hottestKey, busiest] = [...entry.groups].reduce((best, candidate) => (load(candidate[1]) > load(best[1]) ? candidate : best));
    const sharded = entry.pattern.split('#').includes('<shard>');
    const hottest = sharded ? { w: entry.w / entry.groups.size, r: entry.r / entry.groups.size } : busiest;
    const perMessage = (units: number) => units / messages;
    // An entity carries all of the pattern's units per message of its own: the rate of one entity
    // at which its partition would reach the limit.
    const atLimit = entry.kind === 'global' ? 1 / (load(hottest) / messages) : 1 / (load(entry) / messages);
    return {
      index: entry.index,
      pattern: entry.pattern,
      kind: entry.kind,
      keys: entry.keys.size,
      concurrentKeys: entry.groups.size,
      hottestKey: sharded ? hottestKey.split('#').map((segment, i) => (entry.pattern.split('#')[i] === '<shard>' ? '<shard>' : segment)).join('#') : hottestKey,
      hottestWriteUnitsPerMessage: perMessage(hottest.w),
      hottestReadUnitsPerMessage: perMessage(hottest.r),
      observedHottestWriteUnitsPerMessage: perMessage(busiest.w),
      writeUnitsPerMessage: perMessage(entry.w),
      readUnitsPerMessage: perMessage(entry.r),
      messagesPerSecAtLimit: atLimit,
    };
  });
  patterns.sort((a, b) => (a.kind === b.kind ? a.messagesPerSecAtLimit - b.messagesPerSecAtLimit : a.kind === 'global' ? -1 : 1));
  return { patterns, scanReadUnitsPerMessage: scanReadUnits / messages };
}

/** The capacity model: see the comment at the top of this file. */
export function modelScale(input: ScaleInput, quotas: Record<QuotaKey, Quota> = QUOTAS): ScaleFigure {
  const { messages, usage } = input;
  if (messages <= 0) throw new Error('scale model: the traffic carried no messages');
  const perMessage = (n: number) => n / messages;
  const requests = (name: string) => usage.requests[name] ?? 0;
  const count = (pattern: RegExp) => Object.entries(usage.requests).reduce((sum, [name, n]) => sum + (pattern.test(name) ? n : 0), 0);

  // Lambda: invocations per message and their duration on AWS (as the cost is priced).
  const functions: ScaleFigure['per1000']['functions'] = {};
  let concurrencyPerMessage = 0;
  for (const [name, { count: handlerCalls, ms }] of Object.entries(usage.invocations)) {
    if (handlerCalls <= 0) continue;
    const invocations = (ASYNC_INVOCATIONS[name] ? requests(ASYNC_INVOCATIONS[name]) : 0) || handlerCalls;
    const seconds = awsSeconds(name, ms);
    // Concurrency = invocations per second × seconds per invocation = AWS seconds per message × rate.
    concurrencyPerMessage += perMessage(seconds);
    functions[name] = { invocations: perMessage(invocations) * 1000, concurrency: perMessage(seconds) * 1000, msPerInvocation: (seconds * 1000) / invocations };
  }

  const s3Puts = count(S3_PUT_CLASS);
  const s3Gets = count(/^S3\./) - s3Puts;
  const sqsRequests = count(/^SQS\./) + 2 * SQS_FED_FUNCTIONS.reduce((sum, name) => sum + (usage.invocations[name]?.count ?? 0), 0);
  const snsPublishes = Math.max(input.snsPublishes, requests('SNS.Publish'));
  // KMS: with Bucket Keys S3 asks KMS for a bucket key now and then, not per object; SQS,
  // DynamoDB and Step Functions reuse data keys for minutes; an SNS publish to an encrypted topic
  // is counted as one GenerateDataKey (no reuse assumed). Without Bucket Keys every S3 object
  // write and read (GET, not HEAD or LIST) of an SSE-KMS object is one more request.
  const kmsDirect = count(/^KMS\./);
  const s3ObjectCalls = count(/^S3\.(PutObject|CopyObject|CreateMultipartUpload|GetObject)$/);
  const kmsRequests = kmsDirect + snsPublishes;

  // S3 per prefix, time buckets merged (today's prefix takes today's requests), and shard prefixes
  // merged (`raw/h=<h>/`, shared/capture/raw-key.ts): a day's writes are spread over the shards by
  // a hash, each a prefix of its own, so the busiest takes the pattern's requests ÷ the N shards
  // the run reached (as a sharded partition key; fewer shards reached make the estimate higher).
  const prefixes: Record<string, { puts: number; gets: number; shards?: number }> = {};
  const shardsOf = new Map<string, Set<string>>();
  for (const [name, n] of Object.entries(usage.s3Prefixes ?? {})) {
    const space = name.indexOf(' ');
    const operation = name.slice(0, space);
    const timed = name.slice(space + 1).replace(TIME, '<time>');
    const shard = S3_SHARD.exec(timed);
    const prefix = shard ? timed.replace(S3_SHARD, '$1h=<shard>') : timed;
    const slot = (prefixes[prefix] ??= { puts: 0, gets: 0 });
    if (shard) {
      const seen = shardsOf.get(prefix) ?? new Set<string>();
      shardsOf.set(prefix, seen.add(shard[2]!));
      slot.shards = seen.size;
    }
    if (S3_PUT_CLASS.test(`S3.${operation}`)) slot.puts += n;
    else slot.gets += n;
  }
  const hottestPrefix = (side: 'puts' | 'gets') =>
    Object.entries(prefixes).reduce<[string, number]>((best, [prefix, slot]) => {
      const busiest = slot[side] / (slot.shards ?? 1);
      return busiest > best[1] ? [slot.shards ? `${prefix} (each of ${slot.shards} shards)` : prefix, busiest] : best;
    }, ['', 0]);

  // DynamoDB: per table/index, and per partition.
  const { patterns, scanReadUnitsPerMessage } = partitionPatterns(input);
  const dynamodb: ScaleFigure['per1000']['dynamodb'] = {};
  for (const pattern of patterns) {
    const slot = (dynamodb[pattern.index] ??= { writeUnits: 0, readUnits: 0, hottestWriteUnits: 0, hottestReadUnits: 0 });
    slot.writeUnits += pattern.writeUnitsPerMessage * 1000;
    slot.readUnits += pattern.readUnitsPerMessage * 1000;
    if (pattern.kind === 'global' && pattern.hottestWriteUnitsPerMessage / PARTITION_WRITE_LIMIT + pattern.hottestReadUnitsPerMessage / PARTITION_READ_LIMIT > slot.hottestWriteUnits / 1000 / PARTITION_WRITE_LIMIT + slot.hottestReadUnits / 1000 / PARTITION_READ_LIMIT) {
      slot.hottestGlobalKey = pattern.hottestKey;
      slot.hottestWriteUnits = pattern.hottestWriteUnitsPerMessage * 1000;
      slot.hottestReadUnits = pattern.hottestReadUnitsPerMessage * 1000;
    }
  }
  const globals = patterns.filter((pattern) => pattern.kind === 'global');
  const hottestWrite = globals.reduce<PartitionPattern | undefined>((best, p) => (!best || p.hottestWriteUnitsPerMessage > best.hottestWriteUnitsPerMessage ? p : best), undefined);
  const hottestRead = globals.reduce<PartitionPattern | undefined>((best, p) => (!best || p.hottestReadUnitsPerMessage > best.hottestReadUnitsPerMessage ? p : best), undefined);
  const busiestTable = (side: 'writeUnits' | 'readUnits') => Object.entries(dynamodb).reduce<[string, number]>((best, [index, slot]) => (slot[side] > best[1] ? [index, slot[side]] : best), ['', 0]);
  const [writeTable, writeTableUnits] = busiestTable('writeUnits');
  const [readTable, readTableUnits] = busiestTable('readUnits');

  const [putPrefix, putCount] = hottestPrefix('puts');
  const [getPrefix, getCount] = hottestPrefix('gets');
  const spent: Record<QuotaKey, { perMessage: number; detail?: string }> = {
    apiGatewayRequests: { perMessage: perMessage(requests('ApiGateway.Request')) },
    lambdaConcurrency: { perMessage: concurrencyPerMessage, detail: 'concurrent executions per message a second, all functions' },
    sqsRequests: { perMessage: perMessage(sqsRequests) },
    stepFunctionsStarts: { perMessage: perMessage(usage.flowExecutions) },
    kmsRequests: { perMessage: perMessage(kmsRequests), detail: 'with S3 Bucket Keys' },
    dynamodbPartitionWrite: { perMessage: hottestWrite?.hottestWriteUnitsPerMessage ?? 0, detail: hottestWrite && `${hottestWrite.index} ${hottestWrite.hottestKey}` },
    dynamodbPartitionRead: { perMessage: hottestRead?.hottestReadUnitsPerMessage ?? 0, detail: hottestRead && `${hottestRead.index} ${hottestRead.hottestKey}` },
    dynamodbTableWrite: { perMessage: writeTableUnits / 1000, detail: writeTable },
    dynamodbTableRead: { perMessage: readTableUnits / 1000, detail: readTable },
    snsPublish: { perMessage: perMessage(snsPublishes) },
    comprehendSentiment: { perMessage: perMessage(usage.comprehend.requests) },
    s3PrefixPut: { perMessage: perMessage(putCount), detail: putPrefix },
    s3PrefixGet: { perMessage: perMessage(getCount), detail: getPrefix },
  };
  const rate = (limit: number, per: number) => (per > 0 ? limit / per : Number.POSITIVE_INFINITY);
  const uses: QuotaUse[] = (Object.keys(spent) as QuotaKey[]).map((key) => {
    const quota = quotas[key];
    const { perMessage: per, detail } = spent[key];
    return {
      key,
      title: quota.title,
      unit: quota.unit,
      value: quota.value,
      raisable: quota.raisable,
      raisedValue: quota.raisable ? quota.raisedValue : quota.value,
      perMessage: per,
      messagesPerSec: rate(quota.value, per),
      raisedMessagesPerSec: rate(quota.raisable ? quota.raisedValue : quota.value, per),
      ...(detail ? { detail } : {}),
      confirmed: quota.confirmed,
    };
  });
  uses.sort((a, b) => a.messagesPerSec - b.messagesPerSec);
  const first = uses[0]!;
  const firstRaised = uses.reduce((best, use) => (use.raisedMessagesPerSec < best.raisedMessagesPerSec ? use : best));

  const writeAt5000 = (hottestWrite?.hottestWriteUnitsPerMessage ?? 0) * TARGET_MESSAGES_PER_SEC;
  const readAt5000 = (hottestRead?.hottestReadUnitsPerMessage ?? 0) * TARGET_MESSAGES_PER_SEC;
  const writeShare = writeAt5000 / PARTITION_WRITE_LIMIT;
  const readShare = readAt5000 / PARTITION_READ_LIMIT;
  const hottest = writeShare >= readShare ? hottestWrite : hottestRead;

  return {
    messages,
    defaultQuotaMessagesPerSec: first.messagesPerSec,
    firstQuota: first.title,
    raisedQuotaMessagesPerSec: firstRaised.raisedMessagesPerSec,
    firstRaisedQuota: firstRaised.title,
    hottestPartitionUtilizationAt5000: Math.max(writeShare, readShare),
    hottestPartition: {
      index: hottest?.index ?? '',
      key: hottest?.hottestKey ?? '',
      writeUnitsPerSecAt5000: (hottest?.hottestWriteUnitsPerMessage ?? 0) * TARGET_MESSAGES_PER_SEC,
      readUnitsPerSecAt5000: (hottest?.hottestReadUnitsPerMessage ?? 0) * TARGET_MESSAGES_PER_SEC,
    },
    quotas: uses,
    per1000: {
      apiGatewayRequests: perMessage(requests('ApiGateway.Request')) * 1000,
      functions,
      lambdaConcurrency: concurrencyPerMessage * 1000,
      stepFunctionsStarts: perMessage(usage.flowExecutions) * 1000,
      sqsRequests: perMessage(sqsRequests) * 1000,
      snsPublishes: perMessage(snsPublishes) * 1000,
      kmsRequests: perMessage(kmsRequests) * 1000,
      kmsRequestsWithoutBucketKeys: perMessage(kmsRequests + s3ObjectCalls) * 1000,
      s3Puts: perMessage(s3Puts) * 1000,
      s3Gets: perMessage(s3Gets) * 1000,
      s3Prefixes: Object.fromEntries(Object.entries(prefixes).map(([prefix, slot]) => [prefix, { puts: perMessage(slot.puts) * 1000, gets: perMessage(slot.gets) * 1000, ...(slot.shards ? { shards: slot.shards } : {}) }])),
      comprehendCalls: perMessage(usage.comprehend.requests) * 1000,
      dynamodb,
    },
    partitions: patterns,
    scanReadUnitsPerMessage,
    ...(input.storage ? { billionItems: billionItems(input.storage, messages) } : {}),
  };
}
