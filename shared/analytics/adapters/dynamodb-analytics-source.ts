import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MEDIA_STATES } from '../../media/media';
import { alertStatusPartitions, dayPartitions, mediaStatePartitions } from '../../resources/index-shards';
import type { AnalyticsSource, ArchiveItem } from '../ports/analytics';
import { ALERT_STATUSES } from '../../compliance/adapters/dynamodb-alert-repository';
import { allPages, batchGetItems, DAYS_PARTITION, keys, queryShards } from '../../capture/adapters/dynamodb-archive-repository';

/**
 * The archive table read day by day for the analytics export, through the indexes
 * (docs/data-model.md): `byDay` for messages, `byAlertStatus` and `byMediaState` (sort keys start
 * with the creation time) for alerts and media, and the message's own partition for its statuses.
 * Nothing scans: the first day is the oldest day marker (`DAYS`).
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
    // Status by status, each status's shards (and its key from before sharding) merged in creation order.
    const perStatus = await Promise.all(
      ALERT_STATUSES.map((status) =>
        queryShards(this.db, this.table, { index: 'byAlertStatus', pkName: 'alertStatusPk', skName: 'alertStatusSk', partitions: alertStatusPartitions(status), skBeginsWith: day }),
      ),
    );
    return perStatus.flat();
  }

  async mediaOfDay(day: string): Promise<ArchiveItem[]> {
    return queryShards(this.db, this.table, { index: 'byMediaState', pkName: 'mediaStatePk', skName: 'mediaStateSk', partitions: MEDIA_STATES.flatMap(mediaStatePartitions), skBeginsWith: day });
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
    // The first day that has messages: the day markers (`DAYS`), oldest first — no scan.
    const firstDay = await this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': DAYS_PARTITION }, Limit: 1 }));
    const days = [
      ...(firstDay.Items ?? []).map((item) => String(item.sk)),
      ...(await Promise.all(ALERT_STATUSES.flatMap(alertStatusPartitions).map((partition) => firstOf('byAlertStatus', 'alertStatusPk', partition, 'alertStatusSk')))),
      ...(await Promise.all(MEDIA_STATES.flatMap(mediaStatePartitions).map((partition) => firstOf('byMediaState', 'mediaStatePk', partition, 'mediaStateSk')))),
    ].filter((day): day is string => day !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(day));
    return days.sort()[0]; // ISO days: the first in lexicographic order is the earliest
  }

  private query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>): Promise<ArchiveItem[]> {
    return allPages((startKey) => this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: startKey })));
  }
}
