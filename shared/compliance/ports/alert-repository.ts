import type { AlertChange } from '../alert-transitions';
import type { Alert, AlertStatus, Severity } from '../model';

/** Which alerts a query reads (every field optional: no restriction). */
export interface AlertFilter {
  statuses?: readonly AlertStatus[];
  severities?: readonly Severity[];
  team?: string;
  policyId?: string;
  /** The lines the alerts may be on (the reader's scope, narrowed by a `line` filter); empty: none. */
  lineIds?: readonly string[];
  /** ISO 8601 bounds on `createdAt`: `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
}

export interface AlertPageRequest extends AlertFilter {
  order: 'newest' | 'oldest';
  limit: number;
  /** The `next` of the previous page. */
  after?: string;
}

export interface AlertPage {
  alerts: Alert[];
  /** Opaque position after the last alert returned; absent on the last page. */
  next?: string;
}

/** The alerts as the console reads and changes them (DynamoDbAlertRepository). */
export interface AlertReviewRepository {
  get(id: string): Promise<Alert | undefined>;
  page(request: AlertPageRequest): Promise<AlertPage>;
  /** How many alerts match the filter, per status (the filter's `statuses` is ignored). */
  countByStatus(filter: AlertFilter): Promise<Record<AlertStatus, number>>;
  /** Writes a transition planned from `alert` as read; AlertTransitionError when the alert changed meanwhile. Returns the alert as written. */
  apply(alert: Pick<Alert, 'id' | 'createdAt'>, change: AlertChange): Promise<Alert>;
}
