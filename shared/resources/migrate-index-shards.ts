import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markMessageDay } from '../capture/adapters/dynamodb-archive-repository';
import { shardedForm } from './index-shards';
import { resumableScan, type ScanProgress } from './resumable-scan';

/** Where the backfill keeps its place: a scan resumes from here after a crash. */
export const MIGRATION_KEY = { pk: 'MIGRATION#index-shards', sk: 'STATE' } as const;

/**
 * What the backfill covers: 1, the `byDay` and `byMediaState` keys; 2, the alert status keys too.
 * A state stored by an earlier version (even done) starts the scan over, once: the pages it had
 * passed still hold alerts with bare keys.
 */
export const MIGRATION_VERSION = 2;

export interface MigrationProgress {
  scanned: number;
  rewritten: number;
  /** The table's approximate item count (DescribeTable), for a progress bar. */
  estimatedTotal: number;
  done: boolean;
}

/**
 * `vigia migrate index-shards`: rewrites the `byDay`, `byMediaState` and `byAlertStatus` keys of
 * items written before sharding (`DAY#<day>` → `DAY#<day>#<shard>`, `ALERT_STATUS#open` →
 * `ALERT_STATUS#open#<shard>`), so reads stop querying the bare keys' hot
 * partitions, and marks the days that have messages (how `vigia messages` finds them without a
 * Scan). Idempotent (each rewrite is conditional on the old key, and an item already sharded
 * is left alone) and resumable: its place in the table scan is stored after each page, so a run
 * killed at any point goes on from the last page it finished. Readers see every item throughout:
 * they query the shards and the bare key alike.
 */
export async function migrateIndexShards(
  db: DynamoDBDocumentClient,
  table: string,
  options: { pageSize?: number; onProgress?: (progress: MigrationProgress) => void } = {},
): Promise<MigrationProgress> {
  const markedDays = new Map<string, Promise<void>>();
  const flat = ({ scanned, counts, estimatedTotal, done }: ScanProgress<{ rewritten: number }>): MigrationProgress => ({ scanned, rewritten: counts.rewritten, estimatedTotal, done });
  const result = await resumableScan(db, table, {
    key: MIGRATION_KEY,
    version: MIGRATION_VERSION,
    counts: { rewritten: 0 },
    scan: {
      FilterExpression: 'attribute_exists(dayPk) OR attribute_exists(mediaStatePk) OR attribute_exists(alertStatusPk)',
      ProjectionExpression: 'pk, sk, id, mediaId, dayPk, mediaStatePk, alertStatusPk',
    },
    pageSize: options.pageSize,
    onProgress: options.onProgress && ((progress) => options.onProgress?.(flat(progress))),
    onItem: async (item, counts) => {
      const day = typeof item.dayPk === 'string' ? /^DAY#(\d{4}-\d{2}-\d{2})/.exec(item.dayPk)?.[1] : undefined;
      // Once per day and run, however many of the page's items are worked on at once.
      if (day && !markedDays.has(day)) markedDays.set(day, markMessageDay(db, table, day));
      if (day) await markedDays.get(day);
      for (const [attribute, id] of [
        ['dayPk', item.id ?? String(item.pk).replace(/^MSG#/, '')],
        ['mediaStatePk', item.mediaId ?? String(item.pk).replace(/^MEDIA#/, '')],
        ['alertStatusPk', item.id ?? String(item.pk).replace(/^ALERT#/, '')],
      ] as const) {
        const current = item[attribute];
        const sharded = typeof current === 'string' ? shardedForm(current, String(id)) : undefined;
        if (sharded && (await rewrite(db, table, { pk: item.pk, sk: item.sk }, attribute, current as string, sharded))) counts.rewritten += 1;
      }
    },
  });
  return flat(result);
}

/** Rewrites one key if it still has its old value; false when another writer (or an earlier run) changed it. */
async function rewrite(db: DynamoDBDocumentClient, table: string, key: { pk: unknown; sk: unknown }, attribute: string, from: string, to: string): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #a = :to',
        ConditionExpression: '#a = :from',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':to': to, ':from': from },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
