import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '../platform/concurrency';

/**
 * Items of a page worked on at once. A migration's writes are one or two small conditional
 * updates per item: one at a time, a billion items would take weeks of round trips.
 */
export const MIGRATION_ITEMS_IN_PARALLEL = 16;

/** Where a one-off migration keeps its place (`MIGRATION#<name>` / `STATE`). */
export interface MigrationKey {
  readonly pk: string;
  readonly sk: string;
}

export interface ScanProgress<Counts extends Record<string, number>> {
  scanned: number;
  counts: Counts;
  /** The table's approximate item count (DescribeTable), for a progress bar. */
  estimatedTotal: number;
  done: boolean;
}

/**
 * A one-off migration over the whole table (`vigia migrate …`): scans it page by page, hands each
 * item of a page to `onItem` (`MIGRATION_ITEMS_IN_PARALLEL` at a time), and once every item of the
 * page has been worked on, stores its place and counts in `key`, so a run killed at any point
 * (kill -9 included) goes on from the last page it finished, and a finished one returns at once.
 * `onItem` must be idempotent: the page a kill or a failed item interrupted is handed over again.
 *
 * `version`: what the migration covers. A state stored by an earlier version — even a finished
 * one — starts the scan over, once (its counts carry on): the pages it passed hold items the new
 * version has work for.
 */
export async function resumableScan<Counts extends Record<string, number>>(
  db: DynamoDBDocumentClient,
  table: string,
  job: {
    key: MigrationKey;
    version: number;
    counts: Counts;
    scan?: Pick<ScanCommandInput, 'FilterExpression' | 'ProjectionExpression'>;
    pageSize?: number;
    onItem: (item: Record<string, unknown>, counts: Counts) => Promise<void>;
    onProgress?: (progress: ScanProgress<Counts>) => void;
  },
): Promise<ScanProgress<Counts>> {
  const stored = (await db.send(new GetCommand({ TableName: table, Key: job.key, ConsistentRead: true }))).Item;
  const counts = Object.fromEntries(Object.keys(job.counts).map((name) => [name, Number(stored?.[name] ?? 0)])) as Counts;
  const current = stored !== undefined && Number(stored.version ?? 1) === job.version;
  let lastKey = current ? (stored.lastKey as Record<string, unknown> | undefined) : undefined;
  let done = current && stored.done === true;
  let scanned = Number(stored?.scanned ?? 0);
  const estimatedTotal = Number((await db.send(new DescribeTableCommand({ TableName: table }))).Table?.ItemCount ?? 0);
  const progress = (): ScanProgress<Counts> => ({ scanned, counts: { ...counts }, estimatedTotal, done });
  while (!done) {
    const page = await db.send(new ScanCommand({ TableName: table, ...job.scan, ExclusiveStartKey: lastKey, Limit: job.pageSize ?? 500 }));
    await forEachLimited(page.Items ?? [], MIGRATION_ITEMS_IN_PARALLEL, (item) => job.onItem(item, counts));
    scanned += page.ScannedCount ?? 0;
    lastKey = page.LastEvaluatedKey;
    done = lastKey === undefined;
    await db.send(new PutCommand({ TableName: table, Item: { ...job.key, entity: 'migration', version: job.version, ...counts, scanned, lastKey, done, updatedAt: new Date().toISOString() } }));
    job.onProgress?.(progress());
  }
  return progress();
}
