import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertEvent, AlertStatus } from '../domain/compliance';
import { allPages, keys as archiveKeys } from './dynamodb-archive-repository';

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

/** Alerts in the archive table: one per (message, policy), created once, then an append-only trail. */
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
          Item: { ...alertKey(alert.id), entity: 'alert', ...alert, ...statusKeys(alert.status, alert) },
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

  /** Records that the notification went out; false when it already had (a retried Notify). */
  async markNotified(id: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: alertKey(id),
          UpdateExpression: 'SET notifiedAt = :at',
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
}

function toAlert(item: Record<string, any>): Alert {
  const { pk: _pk, sk: _sk, entity: _entity, alertStatusPk: _a, alertStatusSk: _b, ...alert } = item;
  return alert as Alert;
}
