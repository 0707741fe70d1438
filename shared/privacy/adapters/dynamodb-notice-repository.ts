import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AcknowledgeResult, NewNotice, NoticeRecord, NoticeRepository } from '../ports/notices-and-disclosures';
import { allPages } from '../../capture/adapters/dynamodb-archive-repository';

export const noticeKey = (lineId: string, policyVersion: string) => ({ pk: `NOTICE#${lineId}`, sk: `POLICY#${policyVersion}` });

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/**
 * Employee notices in the archive table: one item per line and policy version (docs/data-model.md).
 * Every transition is a conditional single-item write: one first send at a time, only the last
 * link's nonce can acknowledge, and only once.
 */
export class DynamoDbNoticeRepository implements NoticeRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(lineId: string, policyVersion: string): Promise<NoticeRecord | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: noticeKey(lineId, policyVersion), ConsistentRead: true }));
    return response.Item ? toNotice(response.Item) : undefined;
  }

  /** Every policy version's notice of a line, oldest version first (by key). */
  async listForLine(lineId: string): Promise<NoticeRecord[]> {
    const items = await allPages((startKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `NOTICE#${lineId}`, ':sk': 'POLICY#' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items.map(toNotice);
  }

  async claim(notice: NewNotice, staleBefore: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...noticeKey(notice.lineId, notice.policyVersion), entity: 'notice', ...notice, sends: 0 },
          ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND attribute_not_exists(acknowledgedAt) AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':stale': staleBefore },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markSent(lineId: string, policyVersion: string, nonce: string, sentAt: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: noticeKey(lineId, policyVersion),
          UpdateExpression: 'SET sentAt = :sentAt ADD sends :one',
          ConditionExpression: 'nonce = :nonce',
          ExpressionAttributeValues: { ':sentAt': sentAt, ':one': 1, ':nonce': nonce },
        }),
      );
    } catch (error) {
      // A stale claim was taken over meanwhile: the other sender's e-mail is the valid one.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async release(lineId: string, policyVersion: string, nonce: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: noticeKey(lineId, policyVersion),
          ConditionExpression: 'nonce = :nonce AND attribute_not_exists(sentAt) AND attribute_not_exists(acknowledgedAt)',
          ExpressionAttributeValues: { ':nonce': nonce },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async replaceLink(update: { lineId: string; policyVersion: string; email: string; employee: string; nonce: string; sentAt: string; linkExpiresAt: string }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: noticeKey(update.lineId, update.policyVersion),
          UpdateExpression:
            'SET entity = :entity, lineId = :lineId, policyVersion = :version, employee = :employee, email = :email, nonce = :nonce, ' +
            'claimedAt = :sentAt, sentAt = :sentAt, linkExpiresAt = :expires ADD sends :one',
          ConditionExpression: 'attribute_not_exists(acknowledgedAt)',
          ExpressionAttributeValues: {
            ':entity': 'notice',
            ':lineId': update.lineId,
            ':version': update.policyVersion,
            ':employee': update.employee,
            ':email': update.email,
            ':nonce': update.nonce,
            ':sentAt': update.sentAt,
            ':expires': update.linkExpiresAt,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async acknowledge(
    lineId: string,
    policyVersion: string,
    nonce: string,
    acknowledgement: { at: string; by: { employee: string; email: string }; sourceIp?: string; userAgent?: string },
  ): Promise<AcknowledgeResult> {
    const from = {
      ...(acknowledgement.sourceIp ? { sourceIp: acknowledgement.sourceIp } : {}),
      ...(acknowledgement.userAgent ? { userAgent: acknowledgement.userAgent.slice(0, 512) } : {}),
    };
    try {
      const response = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: noticeKey(lineId, policyVersion),
          UpdateExpression: 'SET acknowledgedAt = :at, acknowledgedBy = :by, acknowledgedFrom = :from',
          // The single use: only the last link sent (its nonce), and only once.
          ConditionExpression: 'nonce = :nonce AND attribute_not_exists(acknowledgedAt)',
          ExpressionAttributeValues: { ':at': acknowledgement.at, ':by': acknowledgement.by, ':from': from, ':nonce': nonce },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'acknowledged', record: toNotice(response.Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.get(lineId, policyVersion);
    if (!current) return { outcome: 'not_found' };
    if (current.acknowledgedAt) return { outcome: 'already_acknowledged', record: current };
    return { outcome: 'superseded', record: current };
  }
}

function toNotice(item: Record<string, any>): NoticeRecord {
  return {
    lineId: item.lineId,
    policyVersion: item.policyVersion,
    employee: item.employee,
    email: item.email,
    nonce: item.nonce,
    claimedAt: item.claimedAt,
    sentAt: item.sentAt,
    linkExpiresAt: item.linkExpiresAt,
    sends: Number(item.sends ?? 0),
    acknowledgedAt: item.acknowledgedAt,
    acknowledgedBy: item.acknowledgedBy,
    acknowledgedFrom: item.acknowledgedFrom && Object.keys(item.acknowledgedFrom).length > 0 ? item.acknowledgedFrom : undefined,
  };
}
