import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { dayPartition, dayPartitions } from '../../resources/index-shards';
import { stubIdsOfStatus, subjectIdsOfItem, subjectIndexWrites, type SubjectReference } from '../../resources/subject-index';
import type { CallRecord, ContactRecord, MessageRecord, NormalizedRecord, StatusRecord } from '../records';
import { recordMessageIds } from '../../privacy/erasure';
import type { ExpiryAttributes } from '../../privacy/retention';
import type {
  ArchiveRepository,
  CallFilter,
  CallView,
  MessageFilter,
  MessageView,
  MessageReceipt,
  PendingCheck,
  ProjectionContext,
  ProjectionSummary,
  SaveOutcome,
} from '../ports/archive-repository';
import { forEachLimited } from '../../platform/concurrency';

/** Monotonic order of statuses: a late `delivered` never overwrites `read`. */
const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

const MESSAGE_SK = 'MSG';

/** The partition of the change events and errors of one raw webhook. */
export const eventPartition = (rawKey: string) => `EVENT#${rawKey}`;

export const keys = {
  message: (id: string) => ({ pk: `MSG#${id}`, sk: MESSAGE_SK }),
  raw: (rawKey: string) => ({ pk: `RAW#${rawKey}`, sk: 'RAW' }),
  contact: (lineId: string, contactId: string) => ({ pk: `CONTACT#${lineId}#${contactId}`, sk: 'PROFILE' }),
  /** One status event; a group send's receipts are one item per participant. */
  status: (status: Pick<StatusRecord, 'messageId' | 'timestamp' | 'status' | 'recipientParticipantId' | 'recipientParticipantUserId'>) => ({
    pk: `MSG#${status.messageId}`,
    sk: `STATUS#${status.timestamp}#${status.status}#${receiptParticipant(status) ?? ''}`,
  }),
  /** A day that has messages (see `markDay`). */
  day: (day: string) => ({ pk: DAYS_PARTITION, sk: day }),
};

export const DAYS_PARTITION = 'DAYS';

/** Shards of the pending-check index: no single index partition takes every new message. */
// 64 (was 16): at 5,000 messages/s each of 16 took 57 % of a partition's writes (docs/scale.md).
// A shard is the first byte of the id's hash modulo the count, so entries written with 16 shards
// (0–15) are among the 64 the re-drive reads.
export const PENDING_CHECK_SHARDS = 64;

/**
 * Keys of the sparse `byPending` index (ARCHIVE_TABLE): a message waiting for its compliance check
 * (`CHECK#<shard>`, the shard from its id) or an alert waiting for delivery (`NOTIFY`).
 */
export const pendingKeys = {
  check: (messageId: string, since: string) => ({ pendingPk: `CHECK#${checkShard(messageId)}`, pendingSk: `${since}#${messageId}` }),
  checkPartitions: () => Array.from({ length: PENDING_CHECK_SHARDS }, (_, shard) => `CHECK#${shard.toString(16).padStart(2, '0')}`),
  notifyPartition: 'NOTIFY',
  notify: (createdAt: string, alertId: string) => ({ pendingPk: pendingKeys.notifyPartition, pendingSk: `${createdAt}#${alertId}` }),
};

function checkShard(messageId: string): string {
  return (createHash('sha256').update(messageId).digest()[0] % PENDING_CHECK_SHARDS).toString(16).padStart(2, '0');
}

/** The keys of the `byPending` index entries in one partition older than `before`, oldest first. */
export async function pendingIndexEntries(db: DynamoDBDocumentClient, table: string, pendingPk: string, before: string): Promise<Array<{ pk: string; sk: string; pendingSk: string }>> {
  const entries = await allPages((startKey) =>
    db.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byPending',
        KeyConditionExpression: 'pendingPk = :pk AND pendingSk < :before',
        ExpressionAttributeValues: { ':pk': pendingPk, ':before': before },
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  return entries.map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk), pendingSk: String(entry.pendingSk) }));
}

/**
 * The partitions `save` writes a record into: its message's (statuses, links, conflicts and stubs
 * included) and those of the messages it edits, reacts to or revokes, a profile's, or the raw
 * webhook's change events. Media items are the media repository's.
 */
export function partitionsOf(record: NormalizedRecord, rawKey: string): string[] {
  switch (record.kind) {
    case 'message':
    case 'status':
      return recordMessageIds(record).map((id) => keys.message(id).pk);
    case 'contact':
      return [keys.contact(record.lineId, record.contactId).pk];
    case 'call':
      return [callKeys.summary(record.id).pk];
    default:
      return [eventPartition(rawKey)];
  }
}

/**
 * The archive in one DynamoDB table (design in docs/data-model.md). Every write is conditional
 * on the WhatsApp id, so Meta's 7-day retries, replays and out-of-order arrival converge to
 * the same items without an idempotency window.
 */
export class DynamoDbArchiveRepository implements ArchiveRepository {
  private readonly markedDays = new Set<string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async save(record: NormalizedRecord, context: ProjectionContext, index: number): Promise<keyof SaveOutcome> {
    switch (record.kind) {
      case 'message':
        return this.saveMessage(record, context);
      case 'status':
        return this.saveStatus(record, context);
      case 'contact':
        return this.saveContact(record, context);
      case 'call':
        return this.saveCall(record, context);
      case 'identity_link':
        return this.saveIdentityLink(record, context);
      case 'change_error':
      case 'change_event': {
        const { kind, ...rest } = record;
        const key = { pk: eventPartition(context.rawKey), sk: String(index).padStart(6, '0') };
        const detailJson = JSON.stringify('errors' in rest ? rest.errors : rest.payload);
        return this.putIndexed(
          { ...key, entity: kind, field: rest.field, lineId: rest.lineId, detailJson, rawKey: context.rawKey, ...context.expiry?.(record) },
          subjectIdsOfItem({ entity: kind, detailJson }),
        );
      }
    }
  }

  private async saveMessage(message: MessageRecord, context: ProjectionContext): Promise<keyof SaveOutcome> {
    const contentHash = messageContentHash(message);
    const day = message.timestamp.slice(0, 10);
    const sortKey = `${message.timestamp}#${message.id}`;
    const { kind: _kind, payload, ...fields } = message;
    const expiry = context.expiry?.(message) ?? {};
    const firstSeenAt = context.receivedAt ?? new Date().toISOString();
    const pendingCheck = context.needsCheck?.(message) ? pendingKeys.check(message.id, firstSeenAt) : {};
    const subject = subjectIndexWrites(keys.message(message.id), subjectIdsOfItem({ entity: 'message', ...fields }));
    const attributes: Record<string, unknown> = {
      ...fields,
      ...expiry,
      entity: 'message',
      payloadJson: JSON.stringify(payload),
      contentHash,
      rawKey: context.rawKey,
      firstSeenAt,
      ...pendingCheck,
      linePk: `LINE#${message.lineId}`,
      lineSk: sortKey,
      dayPk: dayPartition(day, message.id),
      daySk: sortKey,
      ...(message.contactId ? { contactPk: `CONTACT#${message.contactId}`, contactSk: sortKey } : {}),
      ...subject.attributes,
    };
    // Before the message: a stored message's day is always listed (`vigia messages` reads day by
    // day), and it is found under each identifier it names (subject requests).
    await this.markDay(day);
    await writeSubjectReferences(this.db, this.table, subject.references, expiry);
    let outcome: keyof SaveOutcome = 'created';
    try {
      // UpdateItem, not PutItem: a stub holding statuses or reaction links may already exist.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.message(message.id),
          // A stub may carry the other expiry attribute (written before a hold was placed or released).
          ...setExpression(attributes, expiry.expiresAt !== undefined ? ['heldExpiresAt'] : expiry.heldExpiresAt !== undefined ? ['expiresAt'] : []),
          ConditionExpression: 'attribute_not_exists(contentHash)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      outcome = await this.recordIfConflict(message, contentHash, context);
    }
    await this.linkToOriginal(message, expiry);
    return outcome;
  }

  /**
   * The days that have messages (`DAYS` / `<YYYY-MM-DD>`): how a listing without filters finds them
   * without a Scan. Written once per day and process (the set below), conditionally: a handful of
   * writes a day whatever the traffic.
   */
  private async markDay(day: string): Promise<void> {
    if (this.markedDays.has(day)) return;
    await markMessageDay(this.db, this.table, day);
    this.markedDays.add(day);
  }

  /** The days with messages, oldest first (or newest first). */
  async messageDays(options: { newestFirst?: boolean } = {}): Promise<string[]> {
    const items = await allPages((startKey) =>
      this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': DAYS_PARTITION }, ScanIndexForward: !options.newestFirst, ExclusiveStartKey: startKey })),
    );
    return items.map((item) => String(item.sk));
  }

  private async recordIfConflict(message: MessageRecord, contentHash: string, context: ProjectionContext): Promise<keyof SaveOutcome> {
    const existing = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.message(message.id), ProjectionExpression: 'contentHash' }),
    );
    if (existing.Item?.contentHash === contentHash) return 'duplicates';
    const recorded = await this.putOnce({
      pk: keys.message(message.id).pk,
      sk: `CONFLICT#${contentHash}`,
      entity: 'conflict',
      source: message.source,
      payloadJson: JSON.stringify(message.payload),
      rawKey: context.rawKey,
      seenAt: context.receivedAt ?? new Date().toISOString(),
      ...context.expiry?.(message),
    });
    await this.addToSet(message.id, 'conflictHashes', contentHash);
    return recorded === 'created' ? 'conflicts' : 'duplicates';
  }

  /** Edits, revokes and reactions are kept as their own messages and linked from the original. */
  private async linkToOriginal(message: MessageRecord, expiry: ExpiryAttributes = {}): Promise<void> {
    if (message.editOf) await this.addToSet(message.editOf, 'editIds', message.id, expiry);
    if (message.revokes) await this.addToSet(message.revokes, 'revokedByIds', message.id, expiry);
    if (message.reactionTo) await this.addToSet(message.reactionTo, 'reactionIds', message.id, expiry);
  }

  private async addToSet(messageId: string, attribute: string, value: string, expiry: ExpiryAttributes = {}): Promise<void> {
    // ADD on a string set is idempotent and creates a stub when the original has not arrived yet.
    // A stub gets the link's expiry unless it has one (the original's, once it arrives, replaces it).
    const [expiryName, expiryValue] = Object.entries(expiry).find(([, at]) => at !== undefined) ?? [];
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.message(messageId),
        UpdateExpression: expiryName ? 'ADD #a :v SET #x = if_not_exists(#x, :x)' : 'ADD #a :v',
        ExpressionAttributeNames: { '#a': attribute, ...(expiryName ? { '#x': expiryName } : {}) },
        ExpressionAttributeValues: { ':v': new Set([value]), ...(expiryName ? { ':x': expiryValue } : {}) },
      }),
    );
  }

  private async saveStatus(status: StatusRecord, context: ProjectionContext): Promise<keyof SaveOutcome> {
    const { kind: _kind, payload, ...fields } = status;
    // Group sends: one receipt per participant, so two participants reading in the same second are two items.
    const participant = receiptParticipant(status);
    // A group receipt is indexed under its participant; an ordinary status through its message's
    // item, which carries the recipient's key (the stub of a message sent through the Cloud API).
    const outcome = await this.putIndexed(
      { ...keys.status(status), entity: 'status', ...fields, payloadJson: JSON.stringify(payload), rawKey: context.rawKey, ...context.expiry?.(status) },
      subjectIdsOfItem({ entity: 'status', ...fields }),
    );
    const rank = STATUS_RANK[status.status] ?? 0;
    // A stub made by statuses alone (a message sent through the Cloud API has no webhook of its own) expires with them.
    // A group message is not its participants': a hold on one of them does not hold its stub.
    const stubExpiry = context.expiry?.(participant ? { ...status, recipientParticipantId: undefined, recipientParticipantUserId: undefined } : status);
    const [expiryName, expiryValue] = Object.entries(stubExpiry ?? {}).find(([, at]) => at !== undefined) ?? [];
    const stubSubject = subjectIndexWrites(keys.message(status.messageId), stubIdsOfStatus(fields));
    await writeSubjectReferences(this.db, this.table, stubSubject.references, stubExpiry);
    const stubSubjectPk = stubSubject.attributes.subjectPk;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.message(status.messageId),
          UpdateExpression: `SET latestStatus = :s, latestStatusAt = :t, statusRank = :r, statusLineId = if_not_exists(statusLineId, :l)${participant ? ', hasReceipts = :yes' : ''}${expiryName ? ', #x = if_not_exists(#x, :x)' : ''}${stubSubjectPk ? ', subjectPk = if_not_exists(subjectPk, :subject)' : ''}`,
          ConditionExpression: 'attribute_not_exists(statusRank) OR statusRank < :r OR (statusRank = :r AND latestStatusAt < :t)',
          ...(expiryName ? { ExpressionAttributeNames: { '#x': expiryName } } : {}),
          ExpressionAttributeValues: {
            ':s': status.status,
            ':t': status.timestamp,
            ':r': rank,
            ':l': status.lineId,
            ...(participant ? { ':yes': true } : {}),
            ...(expiryName ? { ':x': expiryValue } : {}),
            ...(stubSubjectPk ? { ':subject': stubSubjectPk } : {}),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The message item exists (it holds a later status): it still has to know it has receipts to read.
      if (participant) {
        await this.db.send(
          new UpdateCommand({ TableName: this.table, Key: keys.message(status.messageId), UpdateExpression: 'SET hasReceipts = :yes', ExpressionAttributeValues: { ':yes': true } }),
        );
      }
    }
    return outcome;
  }

  /**
   * A Calling API event: one item per event (`CALL#<id>` / `EVENT#<time>#<event>#<status>`, written
   * only if absent), and the call's summary (`CALL#<id>` / `CALL`) merged field by field so that any
   * order of arrival and any number of retries give the same summary: connect sets `connectedAt`,
   * an explicit `start_time` sets `startTime`, terminate sets `endedAt`, `durationSeconds` and
   * `terminateStatus`, other statuses (RINGING, ACCEPTED…) are added to a set. The phone number
   * wins over the BSUID as `contactId` whichever event brings it first.
   */
  private async saveCall(call: CallRecord, context: ProjectionContext): Promise<keyof SaveOutcome> {
    const { kind: _kind, payload, ...fields } = call;
    const expiry = context.expiry?.(call) ?? {};
    const outcome = await this.putIndexed(
      { ...callKeys.event(call), entity: 'call_event', ...fields, payloadJson: JSON.stringify(payload), rawKey: context.rawKey, ...expiry },
      subjectIdsOfItem({ entity: 'call_event', ...fields }),
    );

    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const set = (name: string, value: unknown, ifAbsent = false) => {
      if (value === undefined) return;
      const i = sets.length;
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
      sets.push(ifAbsent ? `#c${i} = if_not_exists(#c${i}, :c${i})` : `#c${i} = :c${i}`);
    };
    set('entity', 'call');
    set('id', call.id);
    set('lineId', call.lineId);
    set('linePk', callKeys.linePk(call.lineId));
    set('lineSk', call.id);
    set('direction', call.direction);
    set('contactUserId', call.contactUserId);
    const phone = call.contactId !== undefined && call.contactId !== call.contactUserId ? call.contactId : undefined;
    set('contactId', phone ?? call.contactId, phone === undefined);
    if (call.event === 'connect') set('connectedAt', call.startedAt ?? call.timestamp);
    else set('startTime', call.startedAt);
    if (call.event === 'terminate') {
      set('endedAt', call.endedAt);
      set('durationSeconds', call.durationSeconds);
      set('terminateStatus', call.status);
    }
    for (const [name, value] of Object.entries(expiry)) set(name, value);
    const other = expiry.expiresAt !== undefined ? 'heldExpiresAt' : expiry.heldExpiresAt !== undefined ? 'expiresAt' : undefined;
    if (other) names['#rx'] = other;
    const added: string[] = [];
    if (call.event) {
      names['#ev'] = 'events';
      values[':ev'] = new Set([call.event]);
      added.push('#ev :ev');
    }
    if (call.event !== 'terminate' && call.status) {
      names['#st'] = 'statusEvents';
      values[':st'] = new Set([`${call.timestamp}#${call.status}`]);
      added.push('#st :st');
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: callKeys.summary(call.id),
        UpdateExpression: `SET ${sets.join(', ')}${other ? ' REMOVE #rx' : ''}${added.length > 0 ? ` ADD ${added.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return outcome;
  }

  private async saveContact(contact: ContactRecord, context: ProjectionContext): Promise<keyof SaveOutcome> {
    const { kind: _kind, ...fields } = contact;
    const contactIds = subjectIdsOfItem({ entity: 'contact', ...fields });
    const profile = subjectIndexWrites(keys.contact(contact.lineId, contact.contactId), contactIds);
    await writeSubjectReferences(this.db, this.table, profile.references, context.expiry?.(contact));
    if (contact.origin === 'state_sync') {
      const outcome = await this.putIndexed(
        {
          pk: keys.contact(contact.lineId, contact.contactId).pk,
          sk: `SYNC#${contact.timestamp ?? ''}#${contact.action ?? ''}`,
          entity: 'contact_sync',
          ...fields,
          rawKey: context.rawKey,
          ...context.expiry?.(contact),
        },
        contactIds,
      );
      try {
        await this.db.send(contactBookUpdate(contact, this.table, context.expiry?.(contact), profile.attributes.subjectPk));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      return outcome;
    }
    // The newest profile wins whatever the arrival order: (timestamp, content hash) only grows,
    // so retries and replays converge and count as duplicates.
    const profileAt = contact.timestamp ?? '';
    const profileHash = createHash('sha256').update(stableStringify(fields)).digest('hex');
    const expression = setExpression({ entity: 'contact', ...fields, profileAt, profileHash, ...profile.attributes, ...context.expiry?.(contact) });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.contact(contact.lineId, contact.contactId),
          ...expression,
          ConditionExpression: 'attribute_not_exists(profileHash) OR profileAt < :at OR (profileAt = :at AND profileHash < :hash)',
          ExpressionAttributeValues: { ...expression.ExpressionAttributeValues, ':at': profileAt, ':hash': profileHash },
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicates';
      throw error;
    }
  }

  /**
   * Two identifiers of one person (docs/data-model.md "identity link"): one item under each,
   * `IDENTITY#<id>` / `LINK#<other id>`, so a Query on either finds the other (subject requests,
   * holds). Written only if absent, the reverse item first: a retry after a crash between the two
   * finds the forward item missing and writes what is left; the first reason seen for a pair stays.
   */
  private async saveIdentityLink(link: Extract<NormalizedRecord, { kind: 'identity_link' }>, context: ProjectionContext): Promise<keyof SaveOutcome> {
    if (link.from === link.to) return 'duplicates';
    const { kind, ...fields } = link;
    const item = { entity: kind, ...fields, rawKey: context.rawKey, seenAt: context.receivedAt ?? new Date().toISOString(), ...context.expiry?.(link) };
    // A profile with both identifiers comes with every webhook of that contact: one consistent read
    // of the item written last tells that both exist, instead of two refused conditional writes.
    const last = { pk: `IDENTITY#${link.from}`, sk: `LINK#${link.to}` };
    const existing = await this.db.send(new GetCommand({ TableName: this.table, Key: last, ConsistentRead: true, ProjectionExpression: 'pk' }));
    if (existing.Item) return 'duplicates';
    const reverse = await this.putOnce({ pk: `IDENTITY#${link.to}`, sk: `LINK#${link.from}`, ...item });
    const forward = await this.putOnce({ ...last, ...item });
    return reverse === 'created' || forward === 'created' ? 'created' : 'duplicates';
  }

  /** `putOnce` of an item naming contacts: its references first (a retry after a crash between writes what is missing). */
  private async putIndexed(item: Record<string, unknown> & { pk: string; sk: string }, contactIds: string[]): Promise<keyof SaveOutcome> {
    const subject = subjectIndexWrites(item, contactIds);
    await writeSubjectReferences(this.db, this.table, subject.references, expiryOf(item));
    return this.putOnce({ ...item, ...subject.attributes });
  }

  private async putOnce(item: Record<string, unknown>): Promise<keyof SaveOutcome> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicates';
      throw error;
    }
  }

  /** One message as listed, or undefined when it has not arrived (or only a stub exists). */
  async getMessage(id: string): Promise<MessageView | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.message(id), ConsistentRead: true }));
    return response.Item?.contentHash ? this.withReceipts(response.Item, true) : undefined;
  }

  /** The raw webhook that first carried the message (its record's `rawKey`): what a tamper-evidence proof is made for. */
  async rawKeyOf(id: string): Promise<string | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.message(id), ConsistentRead: true, ProjectionExpression: 'rawKey, contentHash' }));
    return response.Item?.contentHash && typeof response.Item.rawKey === 'string' ? response.Item.rawKey : undefined;
  }

  /**
   * The view of a message, with its group receipts: the message's `STATUS#` items are read (one
   * Query on its partition) only when a participant's status was saved (`hasReceipts`).
   */
  private async withReceipts(item: Record<string, any>, consistent = false): Promise<MessageView> {
    const view = toMessageView(item);
    if (item.hasReceipts) view.receipts = await this.receipts(String(item.id), consistent);
    else if (item.groupId) view.receipts = [];
    return view;
  }

  private async receipts(messageId: string, consistent: boolean): Promise<MessageReceipt[]> {
    const items = await allPages((startKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :status)',
          ExpressionAttributeValues: { ':pk': keys.message(messageId).pk, ':status': 'STATUS#' },
          ConsistentRead: consistent,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items
      .flatMap((item) => {
        const participant = receiptParticipant(item as StatusRecord);
        return participant ? [{ participant, status: String(item.status), timestamp: String(item.timestamp) }] : [];
      })
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.participant.localeCompare(b.participant) || (STATUS_RANK[a.status] ?? 0) - (STATUS_RANK[b.status] ?? 0));
  }

  /**
   * Calls, oldest first. With a line: a Query on `byLine` (partition `CALLS#<line>`, beside the
   * line's messages' `LINE#<line>`); without: a Scan for the call summaries (like `listMessages`
   * without a filter). A contact filter matches the phone number or the BSUID.
   */
  async listCalls(filter: CallFilter = {}): Promise<CallView[]> {
    const items = filter.lineId
      ? await this.queryIndex('byLine', 'linePk', callKeys.linePk(filter.lineId), 'lineSk')
      : await allPages((startKey) =>
          this.db.send(
            new ScanCommand({
              TableName: this.table,
              FilterExpression: 'sk = :sk AND #entity = :call',
              ExpressionAttributeNames: { '#entity': 'entity' },
              ExpressionAttributeValues: { ':sk': CALL_SK, ':call': 'call' },
              ExclusiveStartKey: startKey,
            }),
          ),
        );
    return items
      .filter((item) => item.sk === CALL_SK && (!filter.contactId || item.contactId === filter.contactId || item.contactUserId === filter.contactId))
      .map((item) => ({ view: toCallView(item), at: callTime(item) }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.view.id.localeCompare(b.view.id))
      .map(({ view }) => view);
  }

  /** The compliance checks' results, kept on the message whether or not they raised alerts; the message leaves the re-drive's list. */
  async recordCompliance(messageId: string, results: unknown, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.message(messageId),
        UpdateExpression: 'SET compliance = :results, complianceAt = :at REMOVE pendingPk, pendingSk',
        ExpressionAttributeValues: { ':results': JSON.parse(JSON.stringify(results)), ':at': at },
      }),
    );
  }

  async checkedMessageIds(messageIds: string[]): Promise<Set<string>> {
    const items = await batchGetItems(this.db, this.table, [...new Set(messageIds)].map(keys.message), { consistent: true, projection: ['id', 'complianceAt'] });
    return new Set(items.filter((item) => item.complianceAt !== undefined).map((item) => String(item.id)));
  }

  async pendingChecks(before: string): Promise<PendingCheck[]> {
    const entries = (await Promise.all(pendingKeys.checkPartitions().map((partition) => pendingIndexEntries(this.db, this.table, partition, before)))).flat();
    const items = await batchGetItems(this.db, this.table, entries, { consistent: true, projection: ['id', 'complianceAt', 'firstSeenAt', 'checkRedrives'] });
    return items
      .filter((item) => item.complianceAt === undefined)
      .map((item) => ({ messageId: String(item.id), since: String(item.firstSeenAt), redrives: Number(item.checkRedrives ?? 0) }))
      .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  }

  async markCheckRedriven(messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.message(messageId),
        UpdateExpression: 'ADD checkRedrives :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  /** A compliance flow that failed: kept beside the message for inspection and re-runs. */
  async recordFlowFailure(messageId: string, failure: { Error: string; Cause?: string }, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: keys.message(messageId).pk, sk: `FLOW_FAILURE#${at}`, entity: 'flow_failure', error: failure.Error, cause: failure.Cause?.slice(0, 2000), at },
      }),
    );
  }

  async markProjected(rawKey: string, summary: ProjectionSummary, expiry: ExpiryAttributes = {}): Promise<void> {
    // A marker that skipped erased contacts names them: found by their later requests.
    const subject = subjectIndexWrites(keys.raw(rawKey), summary.erased ? (summary.erasedContacts ?? []) : []);
    await writeSubjectReferences(this.db, this.table, subject.references, expiry);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.raw(rawKey),
          entity: 'raw',
          rawKey,
          projectedAt: new Date().toISOString(),
          records: summary.records,
          created: summary.created,
          duplicates: summary.duplicates,
          conflicts: summary.conflicts,
          issues: summary.issues.slice(0, 20),
          ...(summary.error ? { error: summary.error } : {}),
          ...(summary.erased ? { erased: summary.erased, erasedContacts: summary.erasedContacts } : {}),
          ...subject.attributes,
          ...expiry,
        },
      }),
    );
  }

  async projectedKeys(rawKeys: string[]): Promise<Set<string>> {
    const projected = new Set<string>();
    for (let start = 0; start < rawKeys.length; start += 100) {
      let request: Record<string, { Keys: Record<string, string>[]; ProjectionExpression: string }> | undefined = {
        [this.table]: { Keys: rawKeys.slice(start, start + 100).map(keys.raw), ProjectionExpression: 'rawKey' },
      };
      while (request && Object.keys(request).length > 0) {
        const response = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of response.Responses?.[this.table] ?? []) projected.add(item.rawKey as string);
        request = response.UnprocessedKeys as typeof request;
      }
    }
    return projected;
  }

  async listMessages(filter: MessageFilter): Promise<MessageView[]> {
    const items = await this.queryMessages(filter);
    const sorted = items
      .filter((item) => item.contentHash && (!filter.lineId || item.lineId === filter.lineId) && (!filter.since || item.timestamp >= filter.since))
      .sort((a, b) => (a.timestamp === b.timestamp ? String(a.id).localeCompare(String(b.id)) : a.timestamp < b.timestamp ? -1 : 1));
    const listed = filter.limit === undefined ? sorted : sorted.slice(Math.max(0, sorted.length - filter.limit));
    const views: MessageView[] = new Array(listed.length);
    await forEachLimited(listed, 8, async (item, i) => {
      views[i] = await this.withReceipts(item);
    });
    return views;
  }

  private async queryMessages(filter: MessageFilter): Promise<Record<string, any>[]> {
    const since = filter.since ? `${filter.since}` : undefined;
    if (filter.contactId) return this.queryIndex('byContact', 'contactPk', `CONTACT#${filter.contactId}`, 'contactSk', since);
    if (filter.lineId) return this.queryIndex('byLine', 'linePk', `LINE#${filter.lineId}`, 'lineSk', since);
    // Day by day through the (sharded) day index: from --since, or every day that has messages
    // (newest first when only the last `limit` are wanted, stopping once there are enough).
    const days = since ? daysFrom(since.slice(0, 10), new Date()) : await this.messageDays();
    const items: Record<string, any>[] = [];
    for (const day of filter.limit === undefined ? days : [...days].reverse()) {
      const shards = await Promise.all(dayPartitions(day).map((partition) => this.queryIndex('byDay', 'dayPk', partition, 'daySk', since)));
      items.push(...shards.flat().filter((item) => item.contentHash));
      if (filter.limit !== undefined && items.length >= filter.limit) break;
    }
    return items;
  }

  /** The message indexes hold keys only (see ARCHIVE_TABLE): the items are read by key, in index order. */
  private async queryIndex(index: string, pkName: string, pk: string, skName: string, since?: string): Promise<Record<string, any>[]> {
    const entries = await allPages((startKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pkName, ...(since ? { '#sk': skName } : {}) },
          ExpressionAttributeValues: { ':pk': pk, ...(since ? { ':since': since } : {}) },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return batchGetItems(this.db, this.table, entries.map((entry) => ({ pk: entry.pk, sk: entry.sk })));
  }
}

/** Marks a day as having messages (`DAYS` / `<day>`), once: a second mark changes nothing. */
export async function markMessageDay(db: DynamoDBDocumentClient, table: string, day: string): Promise<void> {
  try {
    await db.send(new PutCommand({ TableName: table, Item: { ...keys.day(day), entity: 'day' }, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * The items with these keys, in the order of the keys (missing ones left out): BatchGetItem, 100
 * keys a call, unprocessed keys retried. `consistent` reads what was written a moment before;
 * `projection` names the attributes wanted (the keys are always read).
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  table: string,
  itemKeys: { pk: string; sk: string }[],
  options: { consistent?: boolean; projection?: string[] } = {},
): Promise<Record<string, any>[]> {
  const found = new Map<string, Record<string, any>>();
  const id = (key: { pk: string; sk: string }) => `${key.pk}\u0000${key.sk}`;
  const projection = options.projection
    ? {
        ProjectionExpression: ['pk', 'sk', ...options.projection].map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(['pk', 'sk', ...options.projection].map((name, i) => [`#p${i}`, name])),
      }
    : {};
  for (let start = 0; start < itemKeys.length; start += 100) {
    const keysOnly = itemKeys.slice(start, start + 100).map((key) => ({ pk: key.pk, sk: key.sk }));
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [table]: { Keys: keysOnly, ...(options.consistent ? { ConsistentRead: true } : {}), ...projection },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 25 * 2 ** attempt)));
      const response = await db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of response.Responses?.[table] ?? []) found.set(id(item as { pk: string; sk: string }), item);
      request = response.UnprocessedKeys as typeof request;
    }
  }
  return itemKeys.flatMap((key) => found.get(id(key)) ?? []);
}

/** Every item of a paginated Query or Scan. */
export async function allPages(
  page: (startKey?: Record<string, unknown>) => Promise<{ Items?: Record<string, any>[]; LastEvaluatedKey?: Record<string, unknown> }>,
): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await page(startKey);
    items.push(...(response.Items ?? []));
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Every item of some partitions of an index — the shards of a write-sharded key (and its bare key
 * from before sharding: shared/resources/index-shards.ts) — queried in parallel, every page, then
 * merged in sort-key order (code units, as DynamoDB orders a partition). An item listed twice (moved
 * from the bare key to its shard between two queries, by `vigia migrate index-shards`) is kept once.
 */
export async function queryShards(
  db: DynamoDBDocumentClient,
  table: string,
  query: { index: string; pkName: string; skName: string; partitions: readonly string[]; skBeginsWith?: string },
): Promise<Record<string, any>[]> {
  const prefix = query.skBeginsWith;
  const pages = await Promise.all(
    query.partitions.map((partition) =>
      allPages((startKey) =>
        db.send(
          new QueryCommand({
            TableName: table,
            IndexName: query.index,
            KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': query.pkName, ...(prefix === undefined ? {} : { '#sk': query.skName }) },
            ExpressionAttributeValues: { ':pk': partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
            ExclusiveStartKey: startKey,
          }),
        ),
      ),
    ),
  );
  const byKey = new Map(pages.flat().map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  const sortKey = (item: Record<string, any>) => String(item[query.skName]);
  return [...byKey.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/** The expiry attributes an item is written with. */
export function expiryOf(item: Record<string, unknown>): ExpiryAttributes {
  return { ...(item.expiresAt !== undefined ? { expiresAt: item.expiresAt as number } : {}), ...(item.heldExpiresAt !== undefined ? { heldExpiresAt: item.heldExpiresAt as number } : {}) };
}

/**
 * Writes the reference items of an item naming more than one identifier (shared/resources/
 * subject-index.ts), before the item itself: a crash in between leaves a reference to nothing,
 * which readers skip, and the retry writes the item. A reference's expiry follows its item's:
 * it takes the later of the expiry it has and the one the item is written with, and the item's
 * hold state (`heldExpiresAt` replaces `expiresAt`, and back), as the item's own writes do.
 */
export async function writeSubjectReferences(db: DynamoDBDocumentClient, table: string, references: readonly SubjectReference[], expiry: ExpiryAttributes = {}): Promise<void> {
  const [expiryName, expiryValue] = Object.entries(expiry).find(([, at]) => at !== undefined) ?? [];
  const other = expiryName === 'expiresAt' ? 'heldExpiresAt' : 'expiresAt';
  for (const reference of references) {
    try {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: reference.pk, sk: reference.sk },
          UpdateExpression: `SET subjectPk = :subject, refSk = :ref, entity = :entity${expiryName ? ' , #x = :x REMOVE #other' : ''}`,
          ...(expiryName ? { ConditionExpression: 'attribute_not_exists(#x) OR #x < :x', ExpressionAttributeNames: { '#x': expiryName, '#other': other } } : {}),
          ExpressionAttributeValues: { ':subject': reference.subjectPk, ':ref': reference.refSk, ':entity': reference.entity, ...(expiryName ? { ':x': expiryValue } : {}) },
        }),
      );
    } catch (error) {
      // It already expires later: the item's other reference writes or an earlier run gave it that.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function contactBookUpdate(contact: ContactRecord, table: string, expiry: ExpiryAttributes = {}, subjectPk?: string): UpdateCommand {
  const at = contact.timestamp ?? '';
  const expression = setExpression({
    ...expiry,
    entity: 'contact',
    lineId: contact.lineId,
    contactId: contact.contactId,
    subjectPk,
    syncedAt: at,
    inContactBook: contact.action !== 'remove',
    ...(contact.name ? { contactBookName: contact.name } : {}),
  });
  return new UpdateCommand({
    TableName: table,
    Key: keys.contact(contact.lineId, contact.contactId),
    ...expression,
    ConditionExpression: 'attribute_not_exists(syncedAt) OR syncedAt <= :at',
    ExpressionAttributeValues: { ...expression.ExpressionAttributeValues, ':at': at },
  });
}

/** `SET #a0 = :v0, …` for every defined attribute (and `REMOVE` of `remove`). */
function setExpression(attributes: Record<string, unknown>, remove: string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      parts.push(`#a${i} = :v${i}`);
    });
  remove.forEach((name, i) => (names[`#r${i}`] = name));
  const removal = remove.length > 0 ? ` REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : '';
  return { UpdateExpression: `SET ${parts.join(', ')}${removal}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * Identity of a message's content. `history_context` is left out: the same message seen live
 * and later in the history backfill is the same message, not a conflict.
 */
export function messageContentHash(message: MessageRecord): string {
  const { history_context: _ignored, ...payload } = message.payload as Record<string, unknown>;
  return createHash('sha256').update(stableStringify({ lineId: message.lineId, direction: message.direction, payload })).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function* daysFrom(startDay: string, until: Date): Generator<string> {
  const end = until.toISOString().slice(0, 10);
  for (let day = new Date(`${startDay}T00:00:00Z`); day.toISOString().slice(0, 10) <= end; day.setUTCDate(day.getUTCDate() + 1)) {
    yield day.toISOString().slice(0, 10);
  }
}

const CALL_SK = 'CALL';
const CALL_STATUS_RANK: Record<string, number> = { RINGING: 1, ACCEPTED: 2, REJECTED: 2 };

/** Calling API items (docs/data-model.md "Calls"). */
export const callKeys = {
  summary: (callId: string) => ({ pk: `CALL#${callId}`, sk: CALL_SK }),
  event: (call: CallRecord) => ({ pk: `CALL#${call.id}`, sk: `EVENT#${call.timestamp}#${call.event ?? ''}#${call.status ?? ''}` }),
  /** The `byLine` partition of a line's calls (its messages are under `LINE#<line>`). */
  linePk: (lineId: string) => `CALLS#${lineId}`,
};

/** The group participant a status is about (phone number, else BSUID); undefined for one-to-one sends. */
function receiptParticipant(status: Pick<StatusRecord, 'recipientParticipantId' | 'recipientParticipantUserId'>): string | undefined {
  return status.recipientParticipantId || status.recipientParticipantUserId || undefined;
}

/** When a call began as far as its events tell: started, else its first status (a call still ringing), else ended. */
function callTime(item: Record<string, any>): string {
  const firstStatus = item.statusEvents instanceof Set ? [...item.statusEvents].map((event) => String(event).slice(0, 24)).sort()[0] : undefined;
  return item.startTime ?? item.connectedAt ?? firstStatus ?? item.endedAt ?? '';
}

function toCallView(item: Record<string, any>): CallView {
  // `<ISO time>#<STATUS>`: the latest by time, then by how far the call got.
  const rank = (status: string) => CALL_STATUS_RANK[status.slice(status.indexOf('#') + 1)] ?? 0;
  const statuses = item.statusEvents instanceof Set ? [...item.statusEvents].map(String).sort((a, b) => a.slice(0, 24).localeCompare(b.slice(0, 24)) || rank(a) - rank(b)) : [];
  const latest = statuses.at(-1);
  return {
    id: item.id,
    lineId: item.lineId,
    contactId: item.contactId,
    contactUserId: item.contactUserId,
    direction: item.direction,
    status: item.terminateStatus ?? (latest === undefined ? undefined : latest.slice(latest.indexOf('#') + 1)),
    startedAt: item.startTime ?? item.connectedAt,
    endedAt: item.endedAt,
    durationSeconds: item.durationSeconds === undefined ? undefined : Number(item.durationSeconds),
    events: item.events instanceof Set ? [...item.events].map(String).sort() : [],
  };
}

/** A message item as listed (`vigia messages --json`, the console). */
export function toMessageView(item: Record<string, any>): MessageView {
  const list = (value: unknown) => (value instanceof Set ? [...value].map(String).sort() : []);
  return {
    id: item.id,
    direction: item.direction,
    source: item.source,
    type: item.type,
    lineId: item.lineId,
    contactId: item.contactId,
    timestamp: item.timestamp,
    text: item.text,
    status: item.latestStatus,
    statusAt: item.latestStatusAt,
    contextId: item.contextId,
    forwarded: item.forwarded,
    frequentlyForwarded: item.frequentlyForwarded,
    editOf: item.editOf,
    revokes: item.revokes,
    reactionTo: item.reactionTo,
    emoji: item.emoji,
    edits: list(item.editIds),
    revokedBy: list(item.revokedByIds),
    reactions: list(item.reactionIds),
    media: item.media,
    mediaFile: item.mediaFile,
    compliance: item.compliance,
    alertIds: list(item.alertIds),
    errors: item.errors,
    historyStatus: item.historyStatus,
    unsupportedType: item.unsupportedType,
    groupId: item.groupId,
    conflicts: list(item.conflictHashes).length,
  };
}
