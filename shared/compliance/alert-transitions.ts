import type { Alert, AlertAction, AlertEvent, AlertOutcome, AlertStatus } from './model';

export const ALERT_ACTIONS: readonly AlertAction[] = ['acknowledge', 'assign', 'resolve', 'reopen'];
export const ALERT_OUTCOMES: readonly AlertOutcome[] = ['violation', 'no_violation', 'coaching'];

/** A transition the alert's current status does not allow (the console answers 409, the CLI exits 1). */
export class AlertTransitionError extends Error {
  override readonly name = 'AlertTransitionError';
}

export interface AlertTransitionRequest {
  action: AlertAction;
  by: string;
  at: string;
  note?: string;
  /** Required by `resolve`. */
  outcome?: AlertOutcome;
  /** Required by `assign`. */
  assignee?: string;
}

/** What a transition writes: the new status, the event appended to the trail, the fields set or cleared. */
export interface AlertChange {
  /** The status the alert must still have when written (guards against a concurrent change). */
  from: AlertStatus;
  status: AlertStatus;
  event: AlertEvent;
  set: Partial<Pick<Alert, 'assignee' | 'outcome'>>;
  remove: ('outcome')[];
}

/** The statuses each action may start from: the trail only moves forward, except a deliberate reopening. */
const FROM: Record<AlertAction, readonly AlertStatus[]> = {
  acknowledge: ['open'],
  assign: ['open', 'acknowledged'],
  resolve: ['open', 'acknowledged'],
  reopen: ['acknowledged', 'resolved'],
};

const TO: Record<AlertAction, AlertStatus | undefined> = { acknowledge: 'acknowledged', assign: undefined, resolve: 'resolved', reopen: 'open' };

/** Does the alert's status allow the action? (The one rule for the console and the CLI's ack and resolve.) */
export function isActionAllowed(alert: Pick<Alert, 'status'>, action: AlertAction): boolean {
  return FROM[action].includes(alert.status);
}

function assertActionAllowed(alert: Pick<Alert, 'id' | 'status'>, action: AlertAction): void {
  if (!isActionAllowed(alert, action)) {
    throw new AlertTransitionError(`alert ${alert.id} is ${alert.status}; ${action} is possible only when it is ${FROM[action].join(' or ')}`);
  }
}

/** Decides a transition, or throws AlertTransitionError saying why it is not possible now. */
export function planAlertTransition(alert: Pick<Alert, 'id' | 'status'>, request: AlertTransitionRequest): AlertChange {
  const { action } = request;
  assertActionAllowed(alert, action);
  if (action === 'resolve' && !request.outcome) throw new AlertTransitionError(`resolving alert ${alert.id} needs an outcome (${ALERT_OUTCOMES.join(', ')})`);
  if (action === 'assign' && !request.assignee) throw new AlertTransitionError(`assigning alert ${alert.id} needs an assignee`);
  const status = TO[action] ?? alert.status;
  const event: AlertEvent = {
    status,
    by: request.by,
    at: request.at,
    action,
    ...(request.note ? { note: request.note } : {}),
    ...(action === 'assign' ? { assignee: request.assignee } : {}),
    ...(action === 'resolve' ? { outcome: request.outcome } : {}),
  };
  return {
    from: alert.status,
    status,
    event,
    set: action === 'assign' ? { assignee: request.assignee } : action === 'resolve' ? { outcome: request.outcome } : {},
    remove: action === 'reopen' ? ['outcome'] : [],
  };
}
