import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DisclosureEvidence, DisclosureRecord, DisclosureRepository } from '../ports/notices-and-disclosures';
import { allPages } from '../../capture/adapters/dynamodb-archive-repository';
import { subjectPartition } from '../../resources/subject-index';

export const disclosurePk = (lineId: string, contactId: string) => `DISCLOSURE#${lineId}#${contactId}`;
const LATEST = 'LATEST';

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/**
 * First-contact disclosures in the archive table (docs/data-model.md): per (line, contact) one
 * `LATEST` item — the claim that lets exactly one sender send, the last evidence, failures — and
 * one `SENT#<iso>` item per disclosure sent (renewals included), never overwritten.
 */
export class DynamoDbDisclosureRepository implements DisclosureRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(lineId: string, contactId: string): Promise<DisclosureRecord | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: disclosurePk(lineId, contactId), sk: LATEST }, ConsistentRead: true }));
    const item = response.Item;
    if (!item) return undefined;
    return {
      lineId: item.lineId,
      contactId: item.contactId,
      claimId: item.claimId,
      claimedAt: item.claimedAt,
      sends: Number(item.sends ?? 0),
      failures: Number(item.failures ?? 0),
      lastFailureAt: item.lastFailureAt,
      lastError: item.lastError,
      ...(item.sentAt ? evidenceOf(item) : {}),
    };
  }

  async history(lineId: string, contactId: string): Promise<DisclosureEvidence[]> {
    const items = await allPages((startKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sent)',
          ExpressionAttributeValues: { ':pk': disclosurePk(lineId, contactId), ':sent': 'SENT#' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items.map(evidenceOf);
  }

  async claim(
    lineId: string,
    contactId: string,
    claim: { claimId: string; claimedAt: string; messageId: string },
    limits: { renewBefore: string; staleBefore: string },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: disclosurePk(lineId, contactId), sk: LATEST },
          UpdateExpression: 'SET entity = :entity, lineId = :lineId, contactId = :contactId, subjectPk = :subject, claimId = :claimId, claimedAt = :claimedAt, claimMessageId = :messageId',
          // Nobody else is sending (or their claim is stale), and nothing was sent since renewBefore.
          ConditionExpression: '(attribute_not_exists(claimId) OR claimedAt < :stale) AND (attribute_not_exists(sentAt) OR sentAt < :renew)',
          ExpressionAttributeValues: {
            ':entity': 'disclosure',
            ':lineId': lineId,
            ':contactId': contactId,
            ':subject': subjectPartition(contactId),
            ':claimId': claim.claimId,
            ':claimedAt': claim.claimedAt,
            ':messageId': claim.messageId,
            ':stale': limits.staleBefore,
            ':renew': limits.renewBefore,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordSent(lineId: string, contactId: string, claimId: string, evidence: DisclosureEvidence): Promise<void> {
    const pk = disclosurePk(lineId, contactId);
    // The evidence first, in an item of its own that nothing overwrites.
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk, sk: `SENT#${evidence.sentAt}#${evidence.wamid}`, entity: 'disclosure_sent', lineId, contactId, subjectPk: subjectPartition(contactId), ...evidence },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: LATEST },
          UpdateExpression:
            'SET messageId = :messageId, sentAt = :sentAt, #language = :language, languageSource = :languageSource, textHash = :textHash, wamid = :wamid ' +
            'REMOVE claimId, claimedAt, claimMessageId ADD sends :one',
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeNames: { '#language': 'language' },
          ExpressionAttributeValues: {
            ':messageId': evidence.messageId,
            ':sentAt': evidence.sentAt,
            ':language': evidence.language,
            ':languageSource': evidence.languageSource,
            ':textHash': evidence.textHash,
            ':wamid': evidence.wamid,
            ':claimId': claimId,
            ':one': 1,
          },
        }),
      );
    } catch (error) {
      // Our claim went stale and was taken over: the evidence item above still records this send.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async release(lineId: string, contactId: string, claimId: string, failure: { at: string; error: string }): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: disclosurePk(lineId, contactId), sk: LATEST },
          UpdateExpression: 'SET lastFailureAt = :at, lastError = :error REMOVE claimId, claimedAt, claimMessageId ADD failures :one',
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeValues: { ':at': failure.at, ':error': failure.error.slice(0, 500), ':claimId': claimId, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function evidenceOf(item: Record<string, any>): DisclosureEvidence {
  return {
    messageId: item.messageId,
    sentAt: item.sentAt,
    language: item.language,
    languageSource: item.languageSource,
    textHash: item.textHash,
    wamid: item.wamid,
  };
}
