import type { Alert } from './model';
import type { ArchiveRepository } from '../capture/ports/archive-repository';
import type { ComplianceFlowStarter } from './adapters/compliance-flow-starter';
import { deliverAlert, type AlertDeliveryDependencies, type AlertDeliveryStore } from './alert-delivery';

export interface RedriveSettings {
  /** A message's check is started again only this long after it was archived (a flow may still be running). */
  checkGraceMs: number;
  /** An alert is delivered by the re-drive only this long after it was raised (Notify may still be retrying). */
  notifyGraceMs: number;
  /** Messages unchecked this long after they were archived are counted (`UncheckedMessages`). */
  uncheckedAlarmAfterMs: number;
  /** Flows started again per message at most; then it waits for a person (counted, alarmed, logged). */
  maxCheckRedrives: number;
}

export interface RedriveDependencies extends Omit<AlertDeliveryDependencies, 'alerts'> {
  archive: Pick<ArchiveRepository, 'pendingChecks' | 'markCheckRedriven'>;
  compliance: ComplianceFlowStarter;
  alerts: AlertDeliveryStore & { pendingNotifications(before: string): Promise<Alert[]> };
  settings: RedriveSettings;
  /** Told about each alert the re-drive could not deliver (logged by the handler). */
  onDeliveryFailure?: (alertId: string, error: Error) => void;
}

export interface RedriveSummary {
  /** Messages whose flow was started again now. */
  checksRedriven: string[];
  /** Messages still unchecked `uncheckedAlarmAfterMs` after they were archived. */
  uncheckedMessages: number;
  /** Messages left alone: re-driven `maxCheckRedrives` times already. */
  checksGivenUp: string[];
  /** Alerts found undelivered after the grace period. */
  unnotifiedAlerts: number;
  /** Of those, delivered now. */
  alertsDelivered: string[];
  /** Of those, still failing (the next run tries again). */
  alertDeliveryFailures: string[];
}

/**
 * The safety net behind every hand-off of the compliance chain (docs/reliability.md). It reads
 * stored state only — messages still marked pending a check, alerts not yet
 * delivered to every matching subscription (the `byPending` index) — so whatever was lost on the
 * way (a throttled StartExecution, a crashed flow, SNS failing past Notify's retries) is done
 * again, and what is done is not: flows are idempotent and deliveries are recorded per subscription.
 */
export async function redrive(deps: RedriveDependencies): Promise<RedriveSummary> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const { settings } = deps;
  const pending = await deps.archive.pendingChecks(new Date(now - settings.checkGraceMs).toISOString());
  const alarmBefore = new Date(now - settings.uncheckedAlarmAfterMs).toISOString();
  const toStart = pending.filter((check) => check.redrives < settings.maxCheckRedrives).map((check) => check.messageId);
  // Counted first: a start that fails still used up one of the message's re-drives.
  for (const messageId of toStart) await deps.archive.markCheckRedriven(messageId);
  if (toStart.length > 0) await deps.compliance.start(toStart);

  const alerts = await deps.alerts.pendingNotifications(new Date(now - settings.notifyGraceMs).toISOString());
  const alertsDelivered: string[] = [];
  const alertDeliveryFailures: string[] = [];
  for (const alert of alerts) {
    try {
      const outcome = await deliverAlert(alert.id, deps);
      if (outcome.outcome === 'delivered') alertsDelivered.push(alert.id);
    } catch (error) {
      alertDeliveryFailures.push(alert.id);
      deps.onDeliveryFailure?.(alert.id, error as Error);
    }
  }
  return {
    checksRedriven: toStart,
    uncheckedMessages: pending.filter((check) => check.since < alarmBefore).length,
    checksGivenUp: pending.filter((check) => check.redrives >= settings.maxCheckRedrives).map((check) => check.messageId),
    unnotifiedAlerts: alerts.length,
    alertsDelivered,
    alertDeliveryFailures,
  };
}
