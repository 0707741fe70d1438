import { ConditionalCheckFailedException, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiryOf, keys, writeSubjectReferences } from '../capture/adapters/dynamodb-archive-repository';
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

interface State {
  lastKey?: Record<string, unknown>;
  scanned: number;
  indexed: number;
  references: number;
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
  const stored = (await db.send(new GetCommand({ TableName: table, Key: SUBJECT_MIGRATION_KEY, ConsistentRead: true }))).Item;
  const state: State = {
    lastKey: stored?.lastKey as Record<string, unknown> | undefined,
    scanned: Number(stored?.scanned ?? 0),
    indexed: Number(stored?.indexed ?? 0),
    references: Number(stored?.references ?? 0),
    done: stored?.done === true,
  };
  const estimatedTotal = Number((await db.send(new DescribeTableCommand({ TableName: table }))).Table?.ItemCount ?? 0);
  const progress = (): SubjectIndexProgress => ({ scanned: state.scanned, indexed: state.indexed, references: state.references, estimatedTotal, done: state.done });
  if (state.done) return progress();

  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: state.lastKey, Limit: options.pageSize ?? 500 }));
    for (const item of page.Items ?? []) {
      const key = { pk: String(item.pk), sk: String(item.sk) };
      if (isSubjectReference(item) || key.pk.startsWith('MIGRATION#')) continue;
      const expiry = expiryOf(item);
      const own = subjectIndexWrites(key, subjectIdsOfItem(item));
      if (own.attributes.subjectPk && item.subjectPk === undefined && (await setSubjectKey(db, table, key, own.attributes.subjectPk))) state.indexed += 1;
      await writeSubjectReferences(db, table, own.references, expiry);
      state.references += own.references.length;
      if (item.entity === 'status') {
        const stub = subjectIndexWrites(keys.message(String(item.messageId)), stubIdsOfStatus(item));
        if (stub.attributes.subjectPk && (await setSubjectKey(db, table, keys.message(String(item.messageId)), stub.attributes.subjectPk))) state.indexed += 1;
        await writeSubjectReferences(db, table, stub.references, expiry);
        state.references += stub.references.length;
      }
      if (key.pk.startsWith('MEDIA#') && key.sk === 'MEDIA' && typeof item.s3Key === 'string' && item.subjectPk === undefined) {
        if (await setSubjectKey(db, table, key, storedObjectPartition(item.s3Key))) state.indexed += 1;
      }
    }
    state.scanned += page.ScannedCount ?? 0;
    state.lastKey = page.LastEvaluatedKey;
    state.done = state.lastKey === undefined;
    await db.send(new PutCommand({ TableName: table, Item: { ...SUBJECT_MIGRATION_KEY, entity: 'migration', ...state, updatedAt: new Date().toISOString() } }));
    options.onProgress?.(progress());
  } while (!state.done);
  return progress();
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
