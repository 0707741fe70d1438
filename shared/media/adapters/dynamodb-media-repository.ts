import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MediaItem, MediaState } from '../media';
import { mediaStatePartition, mediaStatePartitions } from '../../resources/index-shards';
import { storedObjectPartition } from '../../resources/subject-index';
import type { MediaRepository, NewMediaItem, StoredMedia } from '../ports/media-repository';
import { keys as archiveKeys, queryShards } from '../../capture/adapters/dynamodb-archive-repository';

export const mediaKey = (mediaId: string) => ({ pk: `MEDIA#${mediaId}`, sk: 'MEDIA' });
const stateKeys = (state: MediaState, item: Pick<MediaItem, 'createdAt' | 'mediaId'>) => ({
  mediaStatePk: mediaStatePartition(state, item.mediaId),
  mediaStateSk: `${item.createdAt}#${item.mediaId}`,
});

/** Media items in the archive table (`MEDIA#<id>`), indexed by state for the sweeper and the CLI. */
export class DynamoDbMediaRepository implements MediaRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async register(item: NewMediaItem): Promise<MediaItem> {
    const fresh: MediaItem = { ...item, state: 'pending', attempts: 0 };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mediaKey(item.mediaId),
          ...set({ entity: 'media', ...fresh, ...stateKeys('pending', fresh) }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return fresh;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(item.mediaId))!;
    }
  }

  async get(mediaId: string): Promise<MediaItem | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: mediaKey(mediaId), ConsistentRead: true }));
    return response.Item ? toItem(response.Item) : undefined;
  }

  async markStored(item: MediaItem, stored: StoredMedia): Promise<void> {
    const storedAt = new Date().toISOString();
    const file = { state: 'stored' as const, ...stored, storedAt };
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: mediaKey(item.mediaId),
        // `subjectPk`: every media item holding this object is found by it (an erasure keeps a file another message still uses).
        ...set({ ...file, ...stateKeys('stored', item), subjectPk: storedObjectPartition(stored.s3Key), attempts: item.attempts + 1 }, ['lastError', 'nextAttemptAt']),
      }),
    );
    // The message record carries what compliance rules need: real type, size, hash, verdict.
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: archiveKeys.message(item.messageId),
        UpdateExpression: 'SET mediaFile = :file',
        ExpressionAttributeValues: {
          ':file': stripUndefined({ mediaId: item.mediaId, extension: item.extension, filename: item.filename, ...file }),
        },
      }),
    );
  }

  async markFailed(item: MediaItem, reason: string, nextAttemptAt: string | undefined): Promise<void> {
    await this.transition(item, 'failed', { lastError: reason, nextAttemptAt, attempts: item.attempts + 1 });
  }

  async markExpired(item: MediaItem, reason: string): Promise<void> {
    await this.transition(item, 'expired', { lastError: reason, attempts: item.attempts + 1 }, ['nextAttemptAt']);
  }

  /** Oldest first, across the state's shards. */
  async listByState(state: MediaState): Promise<MediaItem[]> {
    const items = await queryShards(this.db, this.table, { index: 'byMediaState', pkName: 'mediaStatePk', skName: 'mediaStateSk', partitions: mediaStatePartitions(state) });
    return items.map(toItem);
  }

  private async transition(item: MediaItem, state: MediaState, fields: Record<string, unknown>, remove: string[] = []): Promise<void> {
    // A stored file is never downgraded by a late failure of a concurrent attempt.
    const expression = set({ state, ...fields, ...stateKeys(state, item) }, remove);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mediaKey(item.mediaId),
          ...expression,
          ConditionExpression: '#state <> :stored',
          ExpressionAttributeNames: { ...expression.ExpressionAttributeNames, '#state': 'state' },
          ExpressionAttributeValues: { ...expression.ExpressionAttributeValues, ':stored': 'stored' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function set(attributes: Record<string, unknown>, remove: string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  const removed = [...remove];
  Object.entries(attributes).forEach(([name, value], i) => {
    if (value === undefined) {
      if (!removed.includes(name) && ['lastError', 'nextAttemptAt'].includes(name)) removed.push(name);
      return;
    }
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    parts.push(`#s${i} = :s${i}`);
  });
  removed.forEach((name, i) => (names[`#r${i}`] = name));
  const removal = removed.length > 0 ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : '';
  return { UpdateExpression: `SET ${parts.join(', ')}${removal}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toItem(raw: Record<string, any>): MediaItem {
  const { pk: _pk, sk: _sk, entity: _entity, mediaStatePk: _a, mediaStateSk: _b, ...item } = raw;
  return item as MediaItem;
}
