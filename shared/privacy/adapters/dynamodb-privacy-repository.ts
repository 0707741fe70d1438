import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArchiveItem, AuditEntry, ItemKey, ItemSelector, PrivacyRepository } from '../ports/subject-rights';
import type { NormalizedRecord } from '../../capture/records';
import type { LegalHold } from '../retention';
import { allPages, batchGetItems, keys, partitionsOf } from '../../capture/adapters/dynamodb-archive-repository';
import { mediaKey } from '../../media/adapters/dynamodb-media-repository';
import { identityLinkKeys, identityPartition } from '../identity-links';
import { forEachLimited as eachLimited } from '../../platform/concurrency';
import { SUBJECT_INDEX, indexedItemKey, isSubjectReference, storedObjectPartition, subjectPartition } from '../../resources/subject-index';

const HOLD_PK = 'HOLD';
const AUDIT_MONTHS_KEY = { pk: 'AUDIT', sk: 'MONTHS' };
const ERASED_SK = 'ERASED';
/**
 * Attributes that name a contact, on any entity (docs/data-model.md): calls' `contactId` /
 * `contactUserId` included, and a group send's receipt names its participant.
 */
const CONTACT_ATTRIBUTES = ['contactId', 'contactUserId', 'recipientId', 'recipientUserId', 'recipientParticipantId', 'recipientParticipantUserId', 'waId', 'userId'];
/** Bookkeeping of the privacy operations themselves: never part of a subject's data. */
const PRIVACY_PARTITIONS = /^(AUDIT|HOLD|ERASED#)/;
const isReferenceKey = (entry: ArchiveItem) => String(entry.sk).includes('#SUBJECT#');

export const privacyKeys = {
  hold: (id: string) => ({ pk: HOLD_PK, sk: id }),
  tombstone: (contactId: string) => ({ pk: `ERASED#${contactId}`, sk: ERASED_SK }),
  erasedMessage: (messageId: string) => ({ pk: keys.message(messageId).pk, sk: ERASED_SK }),
  audit: (at: string, id: string) => ({ pk: `AUDIT#${at.slice(0, 7)}`, sk: `${at}#${id}` }),
};

/**
 * Legal holds, erasure tombstones, the audit log and subject lookups, in the archive table
 * (docs/data-model.md "Privacy items").
 *
 * A contact's items are found through the contact index (`bySubject`, shared/resources/
 * subject-index.ts): reads proportional to what the contact has, whatever the size of the table.
 * Only a hold on a whole line (no contact) still scans the table (parallel segments, strongly
 * consistent): a line's items are not all under one key.
 */
export class DynamoDbPrivacyRepository implements PrivacyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly scanSegments = 4,
  ) {}

  // ── Projection ─────────────────────────────────────────────────────────────────────────────

  async holdProjected(records: readonly NormalizedRecord[], rawKey: string): Promise<number> {
    const pks = new Set<string>();
    /** Items held by key rather than by partition. */
    const byKey: ItemKey[] = [];
    for (const record of records) {
      // An identity link is two items of its own (not in the change events' partition).
      if (record.kind === 'identity_link') byKey.push(...identityLinkKeys(record.from, record.to));
      // A group participant's receipt is its own item: the group message and the others' receipts are not theirs.
      else if (record.kind === 'status' && (record.recipientParticipantId || record.recipientParticipantUserId)) byKey.push(keys.status(record));
      else for (const pk of partitionsOf(record, rawKey)) pks.add(pk);
      if (record.kind === 'message' && record.media) pks.add(mediaKey(record.media.mediaId).pk);
    }
    let moved = 0;
    const itemKeys: ItemKey[] = [...(await this.partitions([...pks])).map((item) => ({ pk: String(item.pk), sk: String(item.sk) })), ...byKey];
    await eachLimited(itemKeys, 8, async (key) => {
      if (await this.moveExpiry(key, 'hold')) moved += 1;
    });
    return moved;
  }

  async activeHolds(): Promise<LegalHold[]> {
    const items = await allPages((startKey) =>
      // Consistent: a hold placed a moment ago must be seen (see projectRawWebhook's second look).
      this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': HOLD_PK }, ConsistentRead: true, ExclusiveStartKey: startKey })),
    );
    return items.map(toHold);
  }

  async tombstones(contactIds: string[]): Promise<Map<string, string>> {
    const items = await batchGetItems(this.db, this.table, [...new Set(contactIds)].map(privacyKeys.tombstone));
    return new Map(items.map((item) => [String(item.contactId), String(item.erasedAt)]));
  }

  async erasedMessages(messageIds: string[]): Promise<Set<string>> {
    const items = await batchGetItems(this.db, this.table, [...new Set(messageIds)].map(privacyKeys.erasedMessage));
    return new Set(items.map((item) => String(item.messageId)));
  }

  // ── Holds ──────────────────────────────────────────────────────────────────────────────────

  /** False when a hold with this id is already in force. */
  async putHold(hold: LegalHold): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...privacyKeys.hold(hold.id), entity: 'legal_hold', ...stripUndefined(hold) }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Adds identifiers to a hold in force, one conditional `list_append` each (only if absent, only
   * while the hold exists): concurrent projections of links never lose or duplicate one.
   */
  async extendHold(hold: LegalHold, contactIds: string[]): Promise<string[]> {
    if (hold.scope === 'line') return [];
    const added: string[] = [];
    for (const id of new Set(contactIds)) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: privacyKeys.hold(hold.id),
            UpdateExpression: 'SET contactIds = list_append(if_not_exists(contactIds, :given), :ids)',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(contactIds, :id)',
            ExpressionAttributeValues: { ':given': hold.contactId ? [hold.contactId] : [], ':ids': [id], ':id': id },
          }),
        );
        added.push(id);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return added;
  }

  /** The released hold, or undefined when there was none. */
  async deleteHold(id: string): Promise<LegalHold | undefined> {
    const response = await this.db.send(new DeleteCommand({ TableName: this.table, Key: privacyKeys.hold(id), ReturnValues: 'ALL_OLD' }));
    return response.Attributes ? toHold(response.Attributes) : undefined;
  }

  // ── Erasure ────────────────────────────────────────────────────────────────────────────────

  async putTombstones(contactIds: string[], erasedAt: string): Promise<void> {
    await this.batchPut(contactIds.map((contactId) => ({ ...privacyKeys.tombstone(contactId), entity: 'erasure_tombstone', contactId, erasedAt })));
  }

  async putErasedMessageMarkers(messageIds: string[], erasedAt: string): Promise<void> {
    await this.batchPut(messageIds.map((messageId) => ({ ...privacyKeys.erasedMessage(messageId), entity: 'erased_message', messageId, erasedAt })));
  }

  // ── Audit log ──────────────────────────────────────────────────────────────────────────────

  /** Appends one entry (append-only: a new key every time, written only if absent). */
  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, id: randomUUID(), at: entry.at ?? new Date().toISOString() };
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...privacyKeys.audit(full.at, full.id), entity: 'audit', ...stripUndefined(full) }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: AUDIT_MONTHS_KEY, UpdateExpression: 'ADD months :m', ExpressionAttributeValues: { ':m': new Set([full.at.slice(0, 7)]) } }),
    );
    return full;
  }

  /** Every entry (from month `since`, YYYY-MM, on), oldest first. */
  async listAudit(since?: string): Promise<AuditEntry[]> {
    const index = await this.db.send(new GetCommand({ TableName: this.table, Key: AUDIT_MONTHS_KEY, ConsistentRead: true }));
    const months = [...((index.Item?.months as Set<string> | undefined) ?? [])].filter((month) => !since || month >= since).sort();
    const entries: AuditEntry[] = [];
    for (const month of months) {
      const items = await allPages((startKey) =>
        this.db.send(
          new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${month}` }, ConsistentRead: true, ExclusiveStartKey: startKey }),
        ),
      );
      entries.push(...items.map(({ pk: _pk, sk: _sk, entity: _entity, ...entry }) => entry as AuditEntry));
    }
    return entries;
  }

  /** The entries written in [from, to) (ISO instants), oldest first: what a tamper-evidence digest seals. */
  async *auditBetween(from: string, to: string): AsyncIterable<AuditEntry> {
    const index = await this.db.send(new GetCommand({ TableName: this.table, Key: AUDIT_MONTHS_KEY, ConsistentRead: true }));
    const months = [...((index.Item?.months as Set<string> | undefined) ?? [])].filter((month) => month >= from.slice(0, 7) && month <= to.slice(0, 7)).sort();
    for (const month of months) {
      const items = await allPages((startKey) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            // Sort keys are `<at>#<id>`: BETWEEN from AND to takes at in [from, to), as `<to>#…` sorts after `to`.
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': `AUDIT#${month}`, ':from': from, ':to': to },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const { pk: _pk, sk: _sk, entity: _entity, ...entry } of items) yield entry as AuditEntry;
    }
  }

  // ── Subject scans ──────────────────────────────────────────────────────────────────────────

  /**
   * Every item naming one of the contact identifiers (any contact attribute, a change event whose
   * payload has it as a value, a raw marker that skipped it), restricted to a line when given; or,
   * with a line only, every item of that line. Privacy bookkeeping is left out.
   */
  async scanSubject(selector: ItemSelector): Promise<ArchiveItem[]> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const clauses: string[] = [];
    const ids = [...new Set(selector.contactIds ?? [])];
    if (ids.length > 0) {
      ids.forEach((id, i) => (values[`:c${i}`] = id));
      const list = ids.map((_, i) => `:c${i}`).join(', ');
      const contactClauses = CONTACT_ATTRIBUTES.map((attribute, i) => {
        names[`#c${i}`] = attribute;
        return `#c${i} IN (${list})`;
      });
      ids.forEach((id, i) => {
        values[`:q${i}`] = JSON.stringify(id);
        contactClauses.push(`contains(detailJson, :q${i})`, `contains(erasedContacts, :c${i})`);
      });
      clauses.push(`(${contactClauses.join(' OR ')})`);
    }
    if (selector.lineId !== undefined) {
      values[':line'] = selector.lineId;
      clauses.push('(lineId = :line OR statusLineId = :line)');
    }
    if (clauses.length === 0) throw new Error('scanSubject needs contact ids or a line');
    const items = await this.scan(clauses.join(' AND '), names, values);
    return items.filter((item) => !PRIVACY_PARTITIONS.test(String(item.pk)) && item.sk !== ERASED_SK);
  }

  /**
   * Every item naming one of the contact identifiers, through the contact index: one `Query` per
   * identifier, then the items by key (consistent reads). With a line, only the items of that line.
   * The reference items found (an item's further identifiers) come too, after the items they stand
   * for: they are held, released and erased with them. Privacy bookkeeping is left out.
   */
  async indexedSubject(selector: ItemSelector): Promise<ArchiveItem[]> {
    const entries = await this.indexEntries([...new Set(selector.contactIds ?? [])].map(subjectPartition));
    const targets = new Map(entries.map((entry) => indexedItemKey(entry)).map((key) => [`${key.pk}\u0000${key.sk}`, key]));
    const references = entries.filter((entry) => isReferenceKey(entry));
    const items = (await batchGetItems(this.db, this.table, [...targets.values(), ...references.map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk) }))], { consistent: true })).filter(
      (item) => !PRIVACY_PARTITIONS.test(String(item.pk)) && item.sk !== ERASED_SK,
    );
    const onLine = (item: ArchiveItem) => selector.lineId === undefined || item.lineId === selector.lineId || item.statusLineId === selector.lineId;
    const kept = new Set(items.filter((item) => !isSubjectReference(item) && onLine(item)).map((item) => `${item.pk}\u0000${item.sk}`));
    return items.filter((item) => {
      const target = indexedItemKey(item);
      return kept.has(`${target.pk}\u0000${target.sk}`);
    });
  }

  /** The keys under these index partitions (`bySubject`, keys only). */
  private async indexEntries(partitions: string[]): Promise<ArchiveItem[]> {
    const entries: ArchiveItem[] = [];
    await eachLimited(partitions, 8, async (partition) => {
      entries.push(
        ...(await allPages((startKey) =>
          this.db.send(
            new QueryCommand({ TableName: this.table, IndexName: SUBJECT_INDEX, KeyConditionExpression: 'subjectPk = :pk', ExpressionAttributeValues: { ':pk': partition }, ExclusiveStartKey: startKey }),
          ),
        )),
      );
    });
    return entries;
  }

  /** The identity link items under these identifiers: one `Query pk = IDENTITY#<id>` each. */
  async identityLinks(contactIds: string[]): Promise<ArchiveItem[]> {
    const items: ArchiveItem[] = [];
    await eachLimited([...new Set(contactIds)], 8, async (id) => {
      items.push(
        ...(await allPages((startKey) =>
          this.db.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': identityPartition(id) },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        )),
      );
    });
    return items;
  }

  /** The media items that point at one of these objects (a file shared with someone else's message): indexed under the object. */
  async mediaItemsWithObjects(s3Keys: string[]): Promise<ArchiveItem[]> {
    const entries = await this.indexEntries([...new Set(s3Keys)].map(storedObjectPartition));
    return (await batchGetItems(this.db, this.table, entries.map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk) })), { consistent: true })).filter((item) => item.sk === 'MEDIA' && s3Keys.includes(String(item.s3Key)));
  }

  /** Items whose `expiresAt` has passed (the local sweep; on AWS DynamoDB's TTL deletes them). */
  expiredItems(nowSeconds: number): Promise<ArchiveItem[]> {
    return this.scan('expiresAt < :now', {}, { ':now': nowSeconds });
  }

  /** Everything in these partitions (a message with its statuses, conflicts, flow failures). */
  async partitions(pks: string[]): Promise<ArchiveItem[]> {
    const items: ArchiveItem[] = [];
    await eachLimited([...new Set(pks)], 8, async (pk) => {
      items.push(
        ...(await allPages((startKey) =>
          this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey: startKey })),
        )),
      );
    });
    return items.filter((item) => item.sk !== ERASED_SK);
  }

  getItems(itemKeys: ItemKey[]): Promise<ArchiveItem[]> {
    return batchGetItems(this.db, this.table, itemKeys);
  }

  /** Deletes these items (BatchWriteItem, 25 a call, unprocessed ones retried). */
  async deleteItems(itemKeys: ItemKey[]): Promise<void> {
    await this.batchWrite(itemKeys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })));
  }

  /**
   * Moves an item's expiry: `hold` turns `expiresAt` into `heldExpiresAt` (TTL ignores it),
   * `release` turns it back. False when the item had nothing to move.
   */
  async moveExpiry(key: ItemKey, direction: 'hold' | 'release'): Promise<boolean> {
    const [from, to] = direction === 'hold' ? ['expiresAt', 'heldExpiresAt'] : ['heldExpiresAt', 'expiresAt'];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'SET #to = #from REMOVE #from',
          ConditionExpression: 'attribute_exists(#from)',
          ExpressionAttributeNames: { '#from': from, '#to': to },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async scan(filter: string, names: Record<string, string>, values: Record<string, unknown>): Promise<ArchiveItem[]> {
    const segments = Array.from({ length: this.scanSegments }, (_, segment) => segment);
    const pages = await Promise.all(
      segments.map((segment) =>
        allPages((startKey) =>
          this.db.send(
            new ScanCommand({
              TableName: this.table,
              FilterExpression: filter,
              ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
              ExpressionAttributeValues: values,
              Segment: segment,
              TotalSegments: this.scanSegments,
              // A hold, an export or an erasure must see what ingest wrote a moment before.
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        ),
      ),
    );
    return pages.flat();
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    await this.batchWrite(items.map((item) => ({ PutRequest: { Item: item } })));
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending: Record<string, any[]> | undefined = { [this.table]: requests.slice(start, start + 25) };
      for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
        if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 25 * 2 ** attempt)));
        const response = await this.db.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = response.UnprocessedItems as typeof pending;
      }
    }
  }
}

function toHold(item: Record<string, any>): LegalHold {
  const { pk: _pk, sk: _sk, entity: _entity, ...hold } = item;
  return hold as LegalHold;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}


