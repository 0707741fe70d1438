import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertEvent, AlertStatus } from '../model';
import { AlertTransitionError, isActionAllowed, type AlertChange } from '../alert-transitions';
import type { AlertFilter, AlertPage, AlertPageRequest, AlertReviewRepository } from '../ports/alert-repository';
import { batchGetItems, keys as archiveKeys, pendingIndexEntries, pendingKeys, queryShards } from '../../capture/adapters/dynamodb-archive-repository';
import { ALERT_STATUS_SHARDS, alertStatusPartition, alertStatusPartitions, bareAlertStatusKey } from '../../resources/index-shards';
import { MIGRATION_KEY, MIGRATION_VERSION } from '../../resources/migrate-index-shards';
import { subjectIndexWrites } from '../../resources/subject-index';

export { AlertTransitionError } from '../alert-transitions';

export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/** The alerts by status, whole: what pages and lists read. */
const LIST_INDEX = 'byAlertStatus';
/**
 * The same keys, projecting only the attributes partitionQuery's filter reads (ARCHIVE_TABLE in
 * shared/resources/definitions.ts): what counts read. A filter on an attribute it lacks would
 * count nothing — a new filter field must be added to its projection too.
 */
const COUNT_INDEX = 'byAlertStatusForCounts';

const alertKey = (id: string) => ({ pk: `ALERT#${id}`, sk: 'ALERT' });
/** The alert's place in `byAlertStatus`: its status's shard of the alert id (kept across status changes), then its creation. */
const statusKeys = (status: AlertStatus, alert: Pick<Alert, 'createdAt' | 'id'>) => ({
  alertStatusPk: alertStatusPartition(status, alert.id),
  alertStatusSk: sortKeyOf(alert),
});

/**
 * Alerts in the archive table: one per (message, policy), created once, then an append-only trail.
 * An alert to notify is on the `byPending` index (`NOTIFY`) until it has been delivered to every
 * matching subscription; the deliveries are kept on it (`deliveredTo`), so a retry sends only what
 * is missing.
 */
export class DynamoDbAlertRepository implements AlertReviewRepository {
  private bareKeysGone = false;
  private bareKeysCheckedAt = 0;
  private bareKeysCheck: Promise<boolean> = Promise.resolve(false);

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Creates the alert unless it exists (a rerun of the flow); true when created now. */
  async create(alert: Alert): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...alertKey(alert.id),
            entity: 'alert',
            ...alert,
            // Found by its contact's subject requests (the contact index), like the message it is about.
            ...subjectIndexWrites(alertKey(alert.id), alert.contactId ? [alert.contactId] : []).attributes,
            ...statusKeys(alert.status, alert),
            ...(alert.backfill || alert.notifiedAt ? {} : pendingKeys.notify(alert.createdAt, alert.id)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    const message = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: archiveKeys.message(alert.messageId),
        UpdateExpression: 'ADD alertIds :id',
        ExpressionAttributeValues: { ':id': new Set([alert.id]) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    // Retention: the alert expires (or is held) with its message.
    const [name, at] = (['expiresAt', 'heldExpiresAt'] as const).map((key) => [key, message.Attributes?.[key]] as const).find(([, value]) => typeof value === 'number') ?? [];
    if (name) {
      await this.db.send(
        new UpdateCommand({ TableName: this.table, Key: alertKey(alert.id), UpdateExpression: 'SET #x = :x', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#x': name }, ExpressionAttributeValues: { ':x': at } }),
      );
    }
    return true;
  }

  /**
   * The `byAlertStatus` partitions of a status: its shards, and the bare key of alerts written
   * before sharding until `vigia migrate index-shards` has rewritten them all (its state says so;
   * looked up at most once a minute until then, never again after).
   */
  private async partitionsOf(status: AlertStatus): Promise<string[]> {
    if (!this.bareKeysGone && Date.now() - this.bareKeysCheckedAt > 60_000) {
      this.bareKeysCheckedAt = Date.now();
      this.bareKeysCheck = this.db
        .send(new GetCommand({ TableName: this.table, Key: MIGRATION_KEY }))
        .then(({ Item: state }) => state?.done === true && Number(state.version ?? 1) >= MIGRATION_VERSION)
        // A failed lookup (throttled, say) costs a query of the bare key, not the read: ask again next call.
        .catch(() => {
          this.bareKeysCheckedAt = 0;
          return false;
        });
    }
    // Concurrent callers share the one lookup in flight.
    this.bareKeysGone ||= await this.bareKeysCheck;
    const partitions = alertStatusPartitions(status);
    return this.bareKeysGone ? partitions.filter((partition) => partition !== bareAlertStatusKey(status)) : partitions;
  }

  async get(id: string): Promise<Alert | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: alertKey(id), ConsistentRead: true }));
    return response.Item ? toAlert(response.Item) : undefined;
  }

  /** Every alert of the status, oldest first: its shards (and the key written before sharding) merged. */
  async listByStatus(status: AlertStatus): Promise<Alert[]> {
    const items = await queryShards(this.db, this.table, { index: LIST_INDEX, pkName: 'alertStatusPk', skName: 'alertStatusSk', partitions: await this.partitionsOf(status) });
    return items.map(toAlert);
  }

  /** open → acknowledged → resolved (or open → resolved), appending who/when/note to the trail (`vigia alerts ack|resolve`). */
  async transition(id: string, status: AlertStatus, event: Omit<AlertEvent, 'status'>): Promise<Alert> {
    const alert = await this.get(id);
    if (!alert) throw new AlertTransitionError(`no alert ${id}`);
    const action = status === 'acknowledged' ? 'acknowledge' : status === 'resolved' ? 'resolve' : 'reopen';
    if (!isActionAllowed(alert, action)) throw new AlertTransitionError(`alert ${id} is ${alert.status}; it cannot become ${status}`);
    return this.apply(alert, { from: alert.status, status, event: { status, ...event }, set: {}, remove: [] });
  }

  /**
   * Writes a transition planned by planAlertTransition: the status (moving the alert in the
   * status index), the event appended to the trail, and the assignee or outcome — only if the
   * alert still has the status the plan started from.
   */
  async apply(alert: Pick<Alert, 'id' | 'createdAt'>, change: AlertChange): Promise<Alert> {
    const { id } = alert;
    const sets = Object.entries(change.set).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':status': change.status,
      ':previous': change.from,
      ':event': [change.event],
      ':pk': statusKeys(change.status, alert).alertStatusPk,
      ':sk': statusKeys(change.status, alert).alertStatusSk,
    };
    const assignments = ['#status = :status', 'history = list_append(history, :event)', 'alertStatusPk = :pk', 'alertStatusSk = :sk'];
    sets.forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      assignments.push(`#f${i} = :f${i}`);
    });
    change.remove.forEach((name, i) => (names[`#r${i}`] = name));
    const removal = change.remove.length > 0 ? ` REMOVE ${change.remove.map((_, i) => `#r${i}`).join(', ')}` : '';
    try {
      const response = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: alertKey(id),
          UpdateExpression: `SET ${assignments.join(', ')}${removal}`,
          // Guards against a concurrent change between the caller's read and this write (and a deleted alert).
          ConditionExpression: '#status = :previous',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toAlert(response.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AlertTransitionError(`alert ${id} changed while updating it; try again`);
      throw error;
    }
  }

  /**
   * One page of the alerts matching the filter, across the partitions of `byAlertStatus` — every
   * shard of each status, and the key written before sharding (sort key `<createdAt>#<id>`, unique
   * across them): each partition is read in order from the position after `after`, and the
   * partitions are merged, reading more from one only when the merge has used up what it read of
   * it — so pages never skip or repeat an alert, and the cursor (the last alert's sort key) holds
   * across shards.
   */
  async page(request: AlertPageRequest): Promise<AlertPage> {
    if (request.lineIds?.length === 0) return { alerts: [] };
    const statuses = request.statuses ?? ALERT_STATUSES;
    const newest = request.order === 'newest';
    const wanted = request.limit + 1;
    const readers: PartitionReader[] = [];
    for (const status of statuses) {
      for (const partition of await this.partitionsOf(status)) {
        const query = partitionQuery(this.table, partition, request, { after: request.after, newest });
        if (!query) continue;
        // DynamoDB's Limit counts the items read, before the filter: a shard's share of the page
        // (twice that, and twice again when a filter may drop some); each further read doubles.
        const read = Math.max(5, Math.ceil((2 * wanted * (query.FilterExpression ? 2 : 1)) / ALERT_STATUS_SHARDS));
        readers.push(new PartitionReader(this.db, query, request.after, read));
      }
    }
    const before = (a: IndexEntry, b: IndexEntry) => (newest ? a.sk > b.sk : a.sk < b.sk);
    const merged: IndexEntry[] = [];
    const seen = new Set<string>();
    while (merged.length < wanted) {
      // The first of the heads is the next alert only when every partition that may hold more has
      // one. When one has run out, those holding less than their share of what the page still
      // needs are read on in the same round: they would most likely run out next.
      const empty = readers.filter((reader) => reader.needsRead);
      if (empty.length > 0) {
        const unread = readers.filter((reader) => reader.hasMore);
        const share = Math.ceil((wanted - merged.length) / unread.length);
        const low = unread.filter((reader) => !reader.needsRead && reader.buffered < share);
        await Promise.all([...empty.map((reader) => reader.fill()), ...low.map((reader) => reader.readOnce())]);
      }
      let first: PartitionReader | undefined;
      for (const reader of readers) if (reader.head && (!first || before(reader.head, first.head!))) first = reader;
      if (!first) break;
      const entry = first.take();
      // An alert the migration moved between two reads is listed once.
      if (!seen.has(entry.pk)) merged.push(entry);
      seen.add(entry.pk);
    }
    const alerts = merged.slice(0, request.limit);
    return merged.length > request.limit ? { alerts: alerts.map((entry) => entry.alert), next: alerts[alerts.length - 1]!.sk } : { alerts: alerts.map((entry) => entry.alert) };
  }

  /**
   * Counted in DynamoDB (`Select: COUNT`, the filter applied there): the alerts are read but none
   * is sent back, so a count costs the read capacity of the matching partitions and no transfer.
   * Read through `byAlertStatusForCounts`, the same partitions holding only the keys and the
   * filtered attributes, so each alert read is a few dozen bytes rather than the whole alert; a
   * status's count is the sum over its shards (and the key written before sharding).
   */
  async countByStatus(filter: AlertFilter): Promise<Record<AlertStatus, number>> {
    const counts = { open: 0, acknowledged: 0, resolved: 0 };
    if (filter.lineIds?.length === 0) return counts;
    const partitions = await Promise.all(ALERT_STATUSES.map(async (status) => [status, await this.partitionsOf(status)] as const));
    await Promise.all(
      partitions.flatMap(([status, keys]) =>
        keys.map(async (partition) => {
          const query = partitionQuery(this.table, partition, filter, {}, COUNT_INDEX);
          let startKey: Record<string, unknown> | undefined;
          while (query) {
            const response = await this.db.send(new QueryCommand({ ...query, Select: 'COUNT', ExclusiveStartKey: startKey }));
            counts[status] += response.Count ?? 0;
            startKey = response.LastEvaluatedKey;
            if (!startKey) break;
          }
        }),
      ),
    );
    return counts;
  }

  /** Records one delivery (idempotent: a string-set ADD). */
  async markDelivered(id: string, subscriptionId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: alertKey(id),
        UpdateExpression: 'ADD deliveredTo :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': new Set([subscriptionId]) },
      }),
    );
  }

  /** Every matching subscription has it: the alert leaves the re-drive's list. False when it already had. */
  async markNotified(id: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: alertKey(id),
          UpdateExpression: 'SET notifiedAt = :at REMOVE pendingPk, pendingSk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(notifiedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Alerts created before `before` (ISO) not yet delivered to every matching subscription, oldest first. */
  async pendingNotifications(before: string): Promise<Alert[]> {
    const entries = await pendingIndexEntries(this.db, this.table, pendingKeys.notifyPartition, before);
    const items = await batchGetItems(this.db, this.table, entries, { consistent: true });
    return items.map(toAlert).filter((alert) => !alert.notifiedAt && !alert.backfill);
  }
}

/**
 * One partition of `byAlertStatus` read in order, a query at a time, for a page's merge: `head` is
 * its next matching alert; `needsRead` says that it has none at hand but DynamoDB may have more.
 */
class PartitionReader {
  private readonly buffer: IndexEntry[] = [];
  private startKey: Record<string, unknown> | undefined;
  private exhausted = false;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly query: NonNullable<ReturnType<typeof partitionQuery>>,
    private readonly after: string | undefined,
    private read: number,
  ) {}

  get head(): IndexEntry | undefined {
    return this.buffer[0];
  }

  get needsRead(): boolean {
    return this.buffer.length === 0 && !this.exhausted;
  }

  get hasMore(): boolean {
    return !this.exhausted;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  take(): IndexEntry {
    return this.buffer.shift()!;
  }

  /** Reads until it has a matching alert or the partition's range is read. */
  async fill(): Promise<void> {
    while (this.needsRead) await this.readOnce();
  }

  /** One more query of the partition, if it has more. */
  async readOnce(): Promise<void> {
    if (this.exhausted) return;
    const response = await this.db.send(new QueryCommand({ ...this.query, ExclusiveStartKey: this.startKey, Limit: this.read }));
    for (const item of response.Items ?? []) {
      const sk = String(item.alertStatusSk);
      // The page's own position is inside the key range (BETWEEN is inclusive).
      if (this.after && sk === this.after) continue;
      this.buffer.push({ pk: String(item.pk), sk, alert: toAlert(item) });
    }
    this.startKey = response.LastEvaluatedKey;
    this.exhausted = this.startKey === undefined;
    this.read = Math.min(this.read * 2, 1000);
  }
}

/** An alert as a page's merge orders it: by its sort key in the index (`<createdAt>#<id>`), once per item. */
interface IndexEntry {
  pk: string;
  sk: string;
  alert: Alert;
}

/**
 * The query of one partition of `byAlertStatus` (or its counting twin) for a filter — a status's
 * shard, or its key written before sharding:
 * `since`/`until` and the page position bound the sort key (`since` inclusive: `<since>#…` sorts
 * after `<since>`; `until` exclusive: `<until>#…` sorts after `<until>`), the other fields are a
 * filter DynamoDB applies. Undefined when nothing can match.
 */
function partitionQuery(table: string, partition: string, filter: AlertFilter, position: { after?: string; newest?: boolean }, indexName: typeof LIST_INDEX | typeof COUNT_INDEX = LIST_INDEX) {
  let low = filter.since ?? '0';
  let high = filter.until ?? '9';
  if (position.after && !position.newest && position.after > low) low = position.after;
  if (position.after && position.newest && position.after < high) high = position.after;
  // An empty range, or an empty list of lines or severities: nothing matches.
  if (low > high || filter.lineIds?.length === 0 || filter.severities?.length === 0) return undefined;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': partition, ':low': low, ':high': high };
  const conditions: string[] = [];
  const oneOf = (attribute: string, key: string, options: readonly string[]) => {
    names[`#${key}`] = attribute;
    // IN takes at most 100 values: longer lists are ORed in chunks.
    const chunks: string[] = [];
    for (let start = 0; start < options.length; start += 100) {
      const placeholders = options.slice(start, start + 100).map((value, i) => {
        values[`:${key}${start + i}`] = value;
        return `:${key}${start + i}`;
      });
      chunks.push(`#${key} IN (${placeholders.join(', ')})`);
    }
    conditions.push(chunks.length === 1 ? chunks[0]! : `(${chunks.join(' OR ')})`);
  };
  if (filter.lineIds) oneOf('lineId', 'line', filter.lineIds);
  if (filter.severities) oneOf('severity', 'severity', filter.severities);
  if (filter.team !== undefined) oneOf('team', 'team', [filter.team]);
  if (filter.policyId !== undefined) oneOf('policyId', 'policy', [filter.policyId]);
  return {
    TableName: table,
    IndexName: indexName,
    KeyConditionExpression: 'alertStatusPk = :pk AND alertStatusSk BETWEEN :low AND :high',
    ExpressionAttributeValues: values,
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names } : {}),
    ScanIndexForward: !position.newest,
  };
}

/** The alert's position in its status partition (and in a page): `<createdAt>#<id>`. */
function sortKeyOf(alert: Pick<Alert, 'createdAt' | 'id'>): string {
  return `${alert.createdAt}#${alert.id}`;
}

function toAlert(item: Record<string, any>): Alert {
  const { pk: _pk, sk: _sk, entity: _entity, alertStatusPk: _a, alertStatusSk: _b, pendingPk: _c, pendingSk: _d, deliveredTo, ...alert } = item;
  return { ...alert, ...(deliveredTo instanceof Set ? { deliveredTo: [...deliveredTo].map(String).sort() } : {}) } as Alert;
}
