import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertEvent, AlertStatus } from '../model';
import { AlertTransitionError, isActionAllowed, type AlertChange } from '../alert-transitions';
import type { AlertFilter, AlertPage, AlertPageRequest, AlertReviewRepository } from '../ports/alert-repository';
import { allPages, batchGetItems, keys as archiveKeys, pendingIndexEntries, pendingKeys } from '../../capture/adapters/dynamodb-archive-repository';

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
const statusKeys = (status: AlertStatus, alert: Pick<Alert, 'createdAt' | 'id'>) => ({
  alertStatusPk: `ALERT_STATUS#${status}`,
  alertStatusSk: `${alert.createdAt}#${alert.id}`,
});

/**
 * Alerts in the archive table: one per (message, policy), created once, then an append-only trail.
 * An alert to notify is on the `byPending` index (`NOTIFY`) until it has been delivered to every
 * matching subscription; the deliveries are kept on it (`deliveredTo`), so a retry sends only what
 * is missing.
 */
export class DynamoDbAlertRepository implements AlertReviewRepository {
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

  async get(id: string): Promise<Alert | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: alertKey(id), ConsistentRead: true }));
    return response.Item ? toAlert(response.Item) : undefined;
  }

  async listByStatus(status: AlertStatus): Promise<Alert[]> {
    const items = await allPages((startKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: LIST_INDEX,
          KeyConditionExpression: 'alertStatusPk = :pk',
          ExpressionAttributeValues: { ':pk': `ALERT_STATUS#${status}` },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
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
   * One page of the alerts matching the filter, across the status partitions of `byAlertStatus`
   * (sort key `<createdAt>#<id>`): each partition is read in order from the position after `after`
   * until it has `limit` matches, and the partitions are merged — so pages never skip or repeat an alert.
   */
  async page(request: AlertPageRequest): Promise<AlertPage> {
    if (request.lineIds?.length === 0) return { alerts: [] };
    const statuses = request.statuses ?? ALERT_STATUSES;
    const newest = request.order === 'newest';
    const perStatus = await Promise.all(statuses.map((status) => this.matching(status, request, { limit: request.limit + 1, after: request.after, newest })));
    const merged = perStatus
      .flat()
      .sort((a, b) => (newest ? sortKeyOf(b).localeCompare(sortKeyOf(a)) : sortKeyOf(a).localeCompare(sortKeyOf(b))));
    const alerts = merged.slice(0, request.limit);
    return merged.length > request.limit ? { alerts, next: sortKeyOf(alerts[alerts.length - 1]) } : { alerts };
  }

  /**
   * Counted in DynamoDB (`Select: COUNT`, the filter applied there): the alerts are read but none
   * is sent back, so a count costs the read capacity of the matching partitions and no transfer.
   * Read through `byAlertStatusForCounts`, the same partitions holding only the keys and the
   * filtered attributes, so each alert read is a few dozen bytes rather than the whole alert.
   */
  async countByStatus(filter: AlertFilter): Promise<Record<AlertStatus, number>> {
    const counts = { open: 0, acknowledged: 0, resolved: 0 };
    if (filter.lineIds?.length === 0) return counts;
    await Promise.all(
      ALERT_STATUSES.map(async (status) => {
        const query = partitionQuery(this.table, status, filter, {}, COUNT_INDEX);
        let startKey: Record<string, unknown> | undefined;
        while (query) {
          const response = await this.db.send(new QueryCommand({ ...query, Select: 'COUNT', ExclusiveStartKey: startKey }));
          counts[status] += response.Count ?? 0;
          startKey = response.LastEvaluatedKey;
          if (!startKey) break;
        }
      }),
    );
    return counts;
  }

  /** The first `limit` alerts of one status partition matching the filter, in order. */
  private async matching(status: AlertStatus, filter: AlertFilter, options: { limit: number; after?: string; newest: boolean }): Promise<Alert[]> {
    const found: Alert[] = [];
    const query = partitionQuery(this.table, status, filter, options);
    if (!query) return found;
    // DynamoDB's Limit counts the items read, before the filter: the first read asks for what is
    // missing (twice that when a filter may drop some), each further read for twice as many.
    let read = Math.max(10, query.FilterExpression ? options.limit * 2 : options.limit);
    let startKey: Record<string, unknown> | undefined;
    do {
      const response = await this.db.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey, Limit: read }));
      for (const item of response.Items ?? []) {
        const alert = toAlert(item);
        // The page's own position is inside the key range (BETWEEN is inclusive).
        if (options.after && sortKeyOf(alert) === options.after) continue;
        found.push(alert);
        if (found.length >= options.limit) return found;
      }
      startKey = response.LastEvaluatedKey;
      read = Math.min(read * 2, 1000);
    } while (startKey);
    return found;
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
 * The query of one status partition of `byAlertStatus` (or its counting twin) for a filter:
 * `since`/`until` and the page position bound the sort key (`since` inclusive: `<since>#…` sorts
 * after `<since>`; `until` exclusive: `<until>#…` sorts after `<until>`), the other fields are a
 * filter DynamoDB applies. Undefined when nothing can match.
 */
function partitionQuery(table: string, status: AlertStatus, filter: AlertFilter, position: { after?: string; newest?: boolean }, indexName: typeof LIST_INDEX | typeof COUNT_INDEX = LIST_INDEX) {
  let low = filter.since ?? '0';
  let high = filter.until ?? '9';
  if (position.after && !position.newest && position.after > low) low = position.after;
  if (position.after && position.newest && position.after < high) high = position.after;
  // An empty range, or an empty list of lines or severities: nothing matches.
  if (low > high || filter.lineIds?.length === 0 || filter.severities?.length === 0) return undefined;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': `ALERT_STATUS#${status}`, ':low': low, ':high': high };
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
