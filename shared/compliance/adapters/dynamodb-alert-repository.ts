import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertEvent, AlertStatus } from '../model';
import { allPages, batchGetItems, keys as archiveKeys, pendingIndexEntries, pendingKeys } from '../../capture/adapters/dynamodb-archive-repository';

export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/** Which status may follow which: the audit trail only moves forward. */
const ALLOWED_FROM: Record<AlertStatus, AlertStatus[]> = { open: [], acknowledged: ['open'], resolved: ['open', 'acknowledged'] };

export class AlertTransitionError extends Error {
  override readonly name = 'AlertTransitionError';
}

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
export class DynamoDbAlertRepository {
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
          IndexName: 'byAlertStatus',
          KeyConditionExpression: 'alertStatusPk = :pk',
          ExpressionAttributeValues: { ':pk': `ALERT_STATUS#${status}` },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items.map(toAlert);
  }

  /** open → acknowledged → resolved (or open → resolved), appending who/when/note to the trail. */
  async transition(id: string, status: AlertStatus, event: Omit<AlertEvent, 'status'>): Promise<Alert> {
    const alert = await this.get(id);
    if (!alert) throw new AlertTransitionError(`no alert ${id}`);
    if (!ALLOWED_FROM[status].includes(alert.status)) throw new AlertTransitionError(`alert ${id} is ${alert.status}; it cannot become ${status}`);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: alertKey(id),
          UpdateExpression: 'SET #status = :status, history = list_append(history, :event), alertStatusPk = :pk, alertStatusSk = :sk',
          // Guards against a concurrent change between the read and the write.
          ConditionExpression: '#status = :previous',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':previous': alert.status,
            ':event': [{ status, ...event }],
            ':pk': statusKeys(status, alert).alertStatusPk,
            ':sk': statusKeys(status, alert).alertStatusSk,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AlertTransitionError(`alert ${id} changed while updating it; try again`);
      throw error;
    }
    return (await this.get(id))!;
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

function toAlert(item: Record<string, any>): Alert {
  const { pk: _pk, sk: _sk, entity: _entity, alertStatusPk: _a, alertStatusSk: _b, pendingPk: _c, pendingSk: _d, deliveredTo, ...alert } = item;
  return { ...alert, ...(deliveredTo instanceof Set ? { deliveredTo: [...deliveredTo].map(String).sort() } : {}) } as Alert;
}
