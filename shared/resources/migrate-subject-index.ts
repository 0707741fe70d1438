import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiryOf, keys, writeSubjectReferences } from '../capture/adapters/dynamodb-archive-repository';
import { resumableScan, type ScanProgress } from './resumable-scan';
import { isSubjectReference, storedObjectPartition, stubIdsOfStatus, subjectIdsOfItem, subjectIndexWrites, type ItemKey } from './subject-index';

/** Where the backfill keeps its place: a scan resumes from here after a crash. */
export const SUBJECT_MIGRATION_KEY = { pk: 'MIGRATION#subject-index', sk: 'STATE' } as const;

export interface SubjectIndexProgress {
  scanned: number;
  /** Items given their `subjectPk` (a contact's items, a stored file's media items). */
  indexed: number;
  /** Reference items written (or their expiry checked, on a run again) for further identifiers. */
  references: number;
  /** The table's approximate item count (DescribeTable), for a progress bar. */
  estimatedTotal: number;
  done: boolean;
}

/**
 * `vigia migrate subject-index`: puts the items written before the contact index into it
 * (shared/resources/subject-index.ts) — the same keys and references a write makes today, from
 * the stored item: a message, a group receipt, a profile or contact-book entry, a call event, a
 * change event or a raw marker naming contacts gets `subjectPk` (and references for its further
 * identifiers); a message stub gets its recipient's from an ordinary status; a stored media item
 * its file's. Idempotent (a key is set only where none is, a reference only moves its expiry
 * later) and resumable: its place in the scan is stored after each page, so a run killed at any
 * point goes on from the last page it finished. Until it has run, subject requests do not find
 * the items written before the upgrade (docs/deploy.md).
 */
export async function migrateSubjectIndex(
  db: DynamoDBDocumentClient,
  table: string,
  options: { pageSize?: number; onProgress?: (progress: SubjectIndexProgress) => void } = {},
): Promise<SubjectIndexProgress> {
  const flat = ({ scanned, counts, estimatedTotal, done }: ScanProgress<{ indexed: number; references: number }>): SubjectIndexProgress => ({ scanned, ...counts, estimatedTotal, done });
  const result = await resumableScan(db, table, {
    key: SUBJECT_MIGRATION_KEY,
    version: 1,
    counts: { indexed: 0, references: 0 },
    pageSize: options.pageSize,
    onProgress: options.onProgress && ((progress) => options.onProgress?.(flat(progress))),
    onItem: async (item, counts) => {
      const key = { pk: String(item.pk), sk: String(item.sk) };
      if (isSubjectReference(item) || key.pk.startsWith('MIGRATION#')) return;
      const expiry = expiryOf(item);
      const own = subjectIndexWrites(key, subjectIdsOfItem(item));
      if (own.attributes.subjectPk && item.subjectPk === undefined && (await setSubjectKey(db, table, key, own.attributes.subjectPk))) counts.indexed += 1;
      await writeSubjectReferences(db, table, own.references, expiry);
      counts.references += own.references.length;
      if (item.entity === 'status') {
        const stub = subjectIndexWrites(keys.message(String(item.messageId)), stubIdsOfStatus(item));
        if (stub.attributes.subjectPk && (await setSubjectKey(db, table, keys.message(String(item.messageId)), stub.attributes.subjectPk))) counts.indexed += 1;
        await writeSubjectReferences(db, table, stub.references, expiry);
        counts.references += stub.references.length;
      }
      if (key.pk.startsWith('MEDIA#') && key.sk === 'MEDIA' && typeof item.s3Key === 'string' && item.subjectPk === undefined) {
        if (await setSubjectKey(db, table, key, storedObjectPartition(item.s3Key))) counts.indexed += 1;
      }
    },
  });
  return flat(result);
}

/** Sets an item's index key where it has none; never creates an item (one deleted since the scan page stays deleted). */
async function setSubjectKey(db: DynamoDBDocumentClient, table: string, key: ItemKey, subjectPk: string): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET subjectPk = :subject',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(subjectPk)',
        ExpressionAttributeValues: { ':subject': subjectPk },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
