import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageView } from '../ports/archive-repository';
import type { ConversationFilter, ConversationReader, ConversationSummary, ThreadRequest } from '../ports/conversations';
import { batchGetItems, toMessageView } from './dynamodb-archive-repository';

type Key = { pk: string; sk: string };

/**
 * Conversations from the message indexes (docs/data-model.md): a line's messages on `byLine`, a
 * contact's on `byContact`, both sorted by `<timestamp>#<id>` and holding keys only — the items are
 * then read by key. Only reads: nothing here writes to the archive.
 */
export class DynamoDbConversationReader implements ConversationReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async conversations(filter: ConversationFilter): Promise<ConversationSummary[]> {
    if (filter.lineIds?.length === 0 || (!filter.lineIds && !filter.contactId)) return [];
    const lines = filter.lineIds ? new Set(filter.lineIds) : undefined;
    const range = { low: filter.since ?? '0', high: filter.until ?? '9' };
    // A contact: its own index partition; otherwise each line's.
    const partitions = filter.contactId
      ? [{ index: 'byContact', pkName: 'contactPk', skName: 'contactSk', pk: `CONTACT#${filter.contactId}` }]
      : (filter.lineIds ?? []).map((lineId) => ({ index: 'byLine', pkName: 'linePk', skName: 'lineSk', pk: `LINE#${lineId}` }));
    const keys: Key[] = [];
    for (const partition of partitions) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const response = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: partition.index,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
            ExpressionAttributeNames: { '#pk': partition.pkName, '#sk': partition.skName },
            ExpressionAttributeValues: { ':pk': partition.pk, ':low': range.low, ':high': range.high },
            ExclusiveStartKey: startKey,
          }),
        );
        keys.push(...(response.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
        startKey = response.LastEvaluatedKey;
      } while (startKey);
    }
    const items = await batchGetItems(this.db, this.table, keys, { projection: ['lineId', 'contactId', 'timestamp', 'contentHash'] });
    const byConversation = new Map<string, ConversationSummary>();
    for (const item of items) {
      const { lineId, contactId, timestamp } = item as { lineId?: string; contactId?: string; timestamp?: string };
      if (!item.contentHash || !lineId || !contactId || !timestamp || (lines && !lines.has(lineId))) continue;
      if (filter.until && timestamp >= filter.until) continue;
      if (filter.contactId && contactId !== filter.contactId) continue;
      const key = `${lineId}\u0000${contactId}`;
      const known = byConversation.get(key);
      if (known) {
        known.messageCount += 1;
        if (timestamp > known.lastMessageAt) known.lastMessageAt = timestamp;
      } else byConversation.set(key, { lineId, contactId, lastMessageAt: timestamp, messageCount: 1 });
    }
    return [...byConversation.values()].sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || a.lineId.localeCompare(b.lineId) || a.contactId.localeCompare(b.contactId));
  }

  async thread(request: ThreadRequest): Promise<MessageView[]> {
    const forward = request.after !== undefined;
    const found: MessageView[] = [];
    // The index holds keys only, so each key read is an item read by BatchGetItem: read little more
    // than what is missing (a contact's messages on other lines are skipped), then twice as much.
    let read = request.limit + Math.ceil(request.limit / 4) + 2;
    let startKey: Record<string, unknown> | undefined;
    do {
      const response = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byContact',
          KeyConditionExpression: forward ? 'contactPk = :pk AND contactSk > :at' : request.before ? 'contactPk = :pk AND contactSk < :at' : 'contactPk = :pk',
          ExpressionAttributeValues: { ':pk': `CONTACT#${request.contactId}`, ...(forward ? { ':at': request.after } : request.before ? { ':at': request.before } : {}) },
          ScanIndexForward: forward,
          Limit: read,
          ExclusiveStartKey: startKey,
        }),
      );
      const items = await batchGetItems(
        this.db,
        this.table,
        (response.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
      );
      // The contact's messages on other lines share the partition: only this line's are the conversation.
      for (const item of items) {
        if (item.contentHash && item.lineId === request.lineId) found.push(toMessageView(item));
        if (found.length >= request.limit) break;
      }
      startKey = found.length >= request.limit ? undefined : response.LastEvaluatedKey;
      read = Math.min(read * 2, 1000);
    } while (startKey);
    return found.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }
}
