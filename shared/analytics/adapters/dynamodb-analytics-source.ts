import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MEDIA_STATES } from '../../media/media';
import { dayPartitions, mediaStatePartitions } from '../../resources/index-shards';
import type { AnalyticsSource, ArchiveItem } from '../ports/analytics';
import { ALERT_STATUSES } from '../../compliance/adapters/dynamodb-alert-repository';
import { allPages, batchGetItems, keys } from '../../capture/adapters/dynamodb-archive-repository';

/**
 * The archive table read day by day for the analytics export, through the indexes
 * (docs/data-model.md): `byDay` for messages, `byAlertStatus` and `byMediaState` (sort keys start
 * with the creation time) for alerts and media, and the message's own partition for its statuses.
 * Only `earliestDay` scans, once, on the first export.
 */
export class DynamoDbAnalyticsSource implements AnalyticsSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async messagesOfDay(day: string): Promise<ArchiveItem[]> {
    // byDay holds keys only (ARCHIVE_TABLE): the items are then read by key.
    const shards = await Promise.all(dayPartitions(day).map((partition) => this.query({ IndexName: 'byDay', KeyConditionExpression: 'dayPk = :pk', ExpressionAttributeValues: { ':pk': partition } })));
    const entries = shards.flat();
    const items = await batchGetItems(this.db, this.table, entries.map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk) })));
    // The index is sparse (stubs have no dayPk); contentHash is there for every listed message.
    return items.filter((item) => item.sk === 'MSG' && item.contentHash !== undefined);
  }

  statusesOf(messageId: string): Promise<ArchiveItem[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :status)',
      ExpressionAttributeValues: { ':pk': keys.message(messageId).pk, ':status': 'STATUS#' },
    });
  }

  async alertsOfDay(day: string): Promise<ArchiveItem[]> {
    const pages = await Promise.all(
      ALERT_STATUSES.map((status) =>
        this.query({
          IndexName: 'byAlertStatus',
          KeyConditionExpression: 'alertStatusPk = :pk AND begins_with(alertStatusSk, :day)',
          ExpressionAttributeValues: { ':pk': `ALERT_STATUS#${status}`, ':day': day },
        }),
      ),
    );
    return pages.flat();
  }

  async mediaOfDay(day: string): Promise<ArchiveItem[]> {
    const pages = await Promise.all(
      MEDIA_STATES.flatMap(mediaStatePartitions).map((partition) =>
        this.query({
          IndexName: 'byMediaState',
          KeyConditionExpression: 'mediaStatePk = :pk AND begins_with(mediaStateSk, :day)',
          ExpressionAttributeValues: { ':pk': partition, ':day': day },
        }),
      ),
    );
    return pages.flat().sort((a, b) => String(a.mediaStateSk).localeCompare(String(b.mediaStateSk)));
  }

  async earliestDay(): Promise<string | undefined> {
    const firstOf = async (indexName: string, pkName: string, pk: string, skName: string) => {
      const response = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: '#sk',
          Limit: 1,
        }),
      );
      const sk = response.Items?.[0]?.[skName];
      return typeof sk === 'string' ? sk.slice(0, 10) : undefined;
    };
    // Messages have no index over all days: one scan of their timestamps (first export only).
    const messages = await allPages((startKey) =>
      this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'sk = :sk AND attribute_exists(contentHash)',
          ExpressionAttributeNames: { '#ts': 'timestamp' },
          ExpressionAttributeValues: { ':sk': 'MSG' },
          ProjectionExpression: '#ts',
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    const days = [
      ...messages.map((item) => (typeof item.timestamp === 'string' ? item.timestamp.slice(0, 10) : undefined)),
      ...(await Promise.all(ALERT_STATUSES.map((status) => firstOf('byAlertStatus', 'alertStatusPk', `ALERT_STATUS#${status}`, 'alertStatusSk')))),
      ...(await Promise.all(MEDIA_STATES.flatMap(mediaStatePartitions).map((partition) => firstOf('byMediaState', 'mediaStatePk', partition, 'mediaStateSk')))),
    ].filter((day): day is string => day !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(day));
    return days.sort()[0]; // ISO days: the first in lexicographic order is the earliest
  }

  private query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>): Promise<ArchiveItem[]> {
    return allPages((startKey) => this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: startKey })));
  }
}
