import { callObservers } from '../shared/platform/clients';
import { ARCHIVE_TABLE, includedAttributes } from '../shared/resources/definitions';

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
/** The base table's name in the partition account (`partitionWrites`, `partitionReads`); indexes go by their names. */
export const TABLE_PARTITIONS = 'table';
/** The partition key recorded for a Scan: it reads every partition. */
export const SCAN_PARTITION = '*';
/** A string attribute as the low-level client carries it (`{ S: '…' }`), or a plain string. */
function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const attribute = value as { S?: unknown; N?: unknown };
    if (typeof attribute.S === 'string') return attribute.S;
    if (typeof attribute.N === 'string') return attribute.N;
  }
  return undefined;
}
const attribute = (item: unknown, name: string): string | undefined => (typeof item === 'object' && item !== null ? stringValue((item as Record<string, unknown>)[name]) : undefined);
const hasAttribute = (item: unknown, name: string) => typeof item === 'object' && item !== null && name in item;
/** Does this UpdateItem name the attribute in its update expression (directly or through #names)? */
function writesAttribute(input: Record<string, unknown>, name: string): boolean {
  const expression = String(input.UpdateExpression ?? '');
  const aliases = Object.entries((input.ExpressionAttributeNames ?? {}) as Record<string, string>).filter(([, value]) => value === name).map(([alias]) => alias);
  return [name, ...aliases].some((token) => new RegExp(`(^|[^\\w#])${token.replace(/[#]/g, '\\#')}\\b`).test(expression));
}

/**
 * Counts what the local stack does on behalf of each message, as AWS would bill it: requests
 * per service, Lambda invocations and their durations, DynamoDB capacity units, Step Functions
 * executions. Used by `npm run bench` (bench/cost.ts) to price a real run; off otherwise.
 */
export class LocalMeter {
  readonly requests = new Map<string, number>();
  /** Per function: invocations, and their durations each rounded up to 1 ms as Lambda bills. */
  readonly invocations = new Map<string, { count: number; ms: number }>();
  writeUnits = 0;
  readUnits = 0;
  flowExecutions = 0;
  /** Express executions' durations each rounded up to Step Functions' 100 ms billing increment. */
  flowBilledMs = 0;
  /**
   * Write units per partition: `partitionWrites.get(index).get(partitionKey)`, with index
   * `TABLE_PARTITIONS` for the base table and an index name for each global secondary index, as
   * `capacity` decides them. An item that leaves an index partition (its key attribute removed or
   * changed) also writes that partition: counted here from the last key the meter saw the item
   * write, though not in `writeUnits` (the cost figure), which counts only the partition it enters.
   * What bench/scale.ts turns into the load of the hottest partition.
   */
  readonly partitionWrites = new Map<string, Map<string, number>>();
  /** Read units per partition, the same way (`SCAN_PARTITION` for a Scan's). */
  readonly partitionReads = new Map<string, Map<string, number>>();
  /** S3 requests per operation and key prefix (the key up to its first segment naming an object). */
  readonly s3Prefixes = new Map<string, number>();
  /** Each item's last seen index partition keys (table key → index name → partition key), to know which partition an item leaves. */
  private readonly indexKeys = new Map<string, Map<string, string>>();

  /** Installs the SDK call observer; call before the stack creates its clients. */
  install(): this {
    callObservers.push({
      before: (service, operation, input) => {
        if (service !== 'DynamoDB') return;
        // Only changes what DynamoDB reports back; Vigia's code sets neither option.
        input.ReturnConsumedCapacity ??= 'TOTAL';
        if (operation === 'UpdateItem') input.ReturnValues ??= 'ALL_NEW';
        if (operation === 'PutItem' || operation === 'DeleteItem') input.ReturnValues ??= 'ALL_OLD';
      },
      after: (service, operation, input, output, error) => {
        this.count(`${service}.${operation}`);
        if (service === 'DynamoDB') this.capacity(operation, input, output, error);
        if (service === 'S3' && typeof input.Key === 'string') this.add(this.s3Prefixes, `${operation} ${s3Prefix(input.Key)}`, 1);
      },
    });
    return this;
  }

  /**
   * On-demand capacity as AWS bills it. dynalite reports the table's units from the item size but
   * not the index writes, so each write also counts, for every global secondary index (all
   * projected) the item belongs to before or after the write, the same units again (one unit for
   * an index of keys, or keys and a few attributes, when the write changes what it holds). A write whose
   * condition fails still costs one unit.
   */
  private capacity(operation: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined, error?: Error): void {
    const isWrite = WRITE_OPERATIONS.has(operation);
    const tableKey = attribute(operation === 'PutItem' ? input.Item : input.Key, ARCHIVE_TABLE.partitionKey.name);
    if (!output) {
      if (isWrite && error?.name === 'ConditionalCheckFailedException') {
        this.writeUnits += 1;
        this.partition(this.partitionWrites, TABLE_PARTITIONS, tableKey, 1);
      }
      return;
    }
    const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
    const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    if (!isWrite) {
      this.readUnits += units;
      this.readPartitions(operation, input, units);
      return;
    }
    const after = operation === 'PutItem' ? input.Item : output.Attributes;
    const before = operation === 'PutItem' || operation === 'DeleteItem' ? output.Attributes : undefined;
    const itemId = `${tableKey}\u0000${attribute(operation === 'PutItem' ? input.Item : input.Key, ARCHIVE_TABLE.sortKey.name)}`;
    const known = this.indexKeys.get(itemId);
    let indexUnits = 0;
    for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
      const key = index.partitionKey.name;
      const inIndex = [after, before].some((item) => hasAttribute(item, key));
      const enters = operation === 'DeleteItem' ? undefined : attribute(after, key);
      const leaves = attribute(before, key) ?? known?.get(index.indexName);
      let written = 0;
      if (inIndex) {
        if (index.projection === 'ALL') written = Math.max(units, 1);
        // Keys only (or keys and a few small attributes): written when the item enters, leaves or
        // moves in the index (its key attributes are written), or one of its projected attributes changes.
        else if (operation !== 'UpdateItem' || [index.partitionKey.name, index.sortKey.name, ...includedAttributes(index)].some((name) => writesAttribute(input, name))) written = 1;
      }
      indexUnits += written;
      if (written > 0 && enters !== undefined) this.partition(this.partitionWrites, index.indexName, enters, written);
      // The item leaves a partition (deleted, moved, or its key removed): a delete in that partition.
      if (leaves !== undefined && leaves !== enters) this.partition(this.partitionWrites, index.indexName, leaves, index.projection === 'ALL' ? Math.max(units, 1) : 1);
    }
    this.writeUnits += Math.max(units, 1) + indexUnits;
    this.partition(this.partitionWrites, TABLE_PARTITIONS, tableKey, Math.max(units, 1));
    const keys = new Map<string, string>();
    if (operation !== 'DeleteItem') {
      for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
        const value = attribute(after, index.partitionKey.name);
        if (value !== undefined) keys.set(index.indexName, value);
      }
    }
    if (keys.size > 0) this.indexKeys.set(itemId, keys);
    else this.indexKeys.delete(itemId);
  }

  /** A read's units, to the partition its key or key condition names (spread evenly over a batch's keys). */
  private readPartitions(operation: string, input: Record<string, unknown>, units: number): void {
    const indexName = typeof input.IndexName === 'string' ? input.IndexName : undefined;
    const index = indexName === undefined ? undefined : ARCHIVE_TABLE.globalSecondaryIndexes.find((candidate) => candidate.indexName === indexName);
    const name = indexName ?? TABLE_PARTITIONS;
    const keyName = (index ?? ARCHIVE_TABLE).partitionKey.name;
    if (operation === 'GetItem') this.partition(this.partitionReads, name, attribute(input.Key, keyName), units);
    else if (operation === 'Scan') this.partition(this.partitionReads, name, SCAN_PARTITION, units);
    else if (operation === 'Query') this.partition(this.partitionReads, name, keyConditionValue(input, keyName), units);
    else if (operation === 'BatchGetItem') {
      const keys = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap((request) => request.Keys ?? []);
      for (const key of keys) this.partition(this.partitionReads, TABLE_PARTITIONS, attribute(key, keyName), units / keys.length);
    }
  }

  private partition(account: Map<string, Map<string, number>>, index: string, partitionKey: string | undefined, units: number): void {
    const partitions = account.get(index) ?? new Map<string, number>();
    account.set(index, partitions);
    this.add(partitions, partitionKey ?? '?', units);
  }

  private add(counts: Map<string, number>, key: string, n: number): void {
    counts.set(key, (counts.get(key) ?? 0) + n);
  }

  count(name: string, n = 1): void {
    this.requests.set(name, (this.requests.get(name) ?? 0) + n);
  }

  invocation(functionName: string, ms: number): void {
    const current = this.invocations.get(functionName) ?? { count: 0, ms: 0 };
    this.invocations.set(functionName, { count: current.count + 1, ms: current.ms + Math.ceil(ms) });
  }

  flow(ms: number): void {
    this.flowExecutions += 1;
    this.flowBilledMs += Math.max(1, Math.ceil(ms / 100)) * 100;
  }

  /** What was counted, as plain JSON (sent from the benchmark's stack process to the runner). */
  snapshot(): MeterSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      invocations: Object.fromEntries(this.invocations),
      writeUnits: this.writeUnits,
      readUnits: this.readUnits,
      flowExecutions: this.flowExecutions,
      flowBilledMs: this.flowBilledMs,
      partitionWrites: nested(this.partitionWrites),
      partitionReads: nested(this.partitionReads),
      s3Prefixes: Object.fromEntries(this.s3Prefixes),
    };
  }

  /** Wraps a handler so each call is counted as one invocation with its duration. */
  timed<E, C, R>(functionName: string, handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
    return async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        this.invocation(functionName, performance.now() - started);
      }
    };
  }
}

export interface MeterSnapshot {
  requests: Record<string, number>;
  invocations: Record<string, { count: number; ms: number }>;
  writeUnits: number;
  readUnits: number;
  flowExecutions: number;
  flowBilledMs: number;
  /** Write units per index (`table` for the base table) and partition key: see `LocalMeter.partitionWrites`. */
  partitionWrites?: Record<string, Record<string, number>>;
  /** Read units per index and partition key (`*` for a Scan). */
  partitionReads?: Record<string, Record<string, number>>;
  /** S3 requests per `<operation> <key prefix>`. */
  s3Prefixes?: Record<string, number>;
}

const nested = (account: Map<string, Map<string, number>>) => Object.fromEntries([...account].map(([index, partitions]) => [index, Object.fromEntries(partitions)]));

/** The value a Query's key condition gives the partition key (`name = :value`, or `#alias = :value`). */
function keyConditionValue(input: Record<string, unknown>, keyName: string): string | undefined {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const match of String(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = names[match[1]!] ?? match[1];
    if (name === keyName) return stringValue(values[match[2]!]);
  }
  return undefined;
}

/**
 * The prefix S3 partitions a key's requests by, until it splits further: the key's folders up to
 * the first one that names an object (a hash, an id), e.g. `raw/h=3/dt=2026-12-03/` for
 * `raw/h=3/dt=2026-12-03/3…<sha256>.json` (one of the raw area's 16 prefixes of a day, up to and
 * including the date), `raw/dt=2026-12-03/` for a key of the first layout, `media/sha256/` for a
 * media file.
 */
export function s3Prefix(key: string): string {
  const segments = key.split('/');
  const kept: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[0-9a-f]{16,}|[A-Za-z0-9_-]{24,}/i.test(segment) && !/\d{4}-\d{2}-\d{2}/.test(segment)) break;
    kept.push(segment);
  }
  return kept.length === 0 ? '' : `${kept.join('/')}/`;
}
