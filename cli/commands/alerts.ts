import { existsSync, readFileSync } from 'node:fs';
import { ALERT_STATUSES, AlertTransitionError } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import type { NoticeOutboxEntry, OutboxEntry } from '../../local/adapters/outbox';
import type { Alert, AlertStatus } from '../../shared/compliance/model';
import { alertJson } from '../../shared/compliance/alert-json';
import { POLICY_KINDS } from '../../shared/compliance/policies/registry';
import { CliError, UsageError } from '../errors';
import { printTable } from '../table';
import type { Target } from '../target';

/**
 * `vigia alerts [--status S] [--team T] [--backfill] [--json]`: alerts, oldest first — those of live
 * traffic, or with `--backfill` those raised on history backfill (never notified).
 */
export async function listAlerts(target: Target, options: { status?: string; team?: string; backfill?: boolean; json: boolean }, out: (line: string) => void): Promise<void> {
  if (options.status !== undefined && !ALERT_STATUSES.includes(options.status as AlertStatus)) {
    throw new UsageError(`--status must be one of ${ALERT_STATUSES.join(', ')}, got "${options.status}"`);
  }
  const statuses = options.status ? [options.status as AlertStatus] : ALERT_STATUSES;
  const alerts = (await Promise.all(statuses.map((status) => target.alerts.listByStatus(status))))
    .flat()
    .filter((alert) => (!options.team || alert.team === options.team) && Boolean(alert.backfill) === Boolean(options.backfill))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  if (options.json) for (const alert of alerts) out(JSON.stringify(alertJson(alert)));
  else printTable(['CREATED', 'ALERT', 'STATUS', 'SEVERITY', 'POLICY', 'TEAM', 'EMPLOYEE', 'EVIDENCE'], alerts.map(alertRow), 'No alerts match.', out);
}

/**
 * The evidence in words, as the alert's policy kind writes it (the excerpt of a keyword hit, a
 * file's reasons, a sentiment and its score); without a kind, as the first kind that reads it.
 * JSON when no kind does.
 */
export function evidenceText(evidence: Alert['evidence'], kind?: string): string {
  const readers = kind === undefined ? POLICY_KINDS : POLICY_KINDS.filter((candidate) => candidate.kind === kind);
  for (const reader of readers) {
    const text = reader.evidenceText(evidence);
    if (text !== undefined) return text;
  }
  return JSON.stringify(evidence);
}

function alertRow(alert: Alert): string[] {
  return [alert.createdAt, alert.id, alert.status, alert.severity, alert.policyId, alert.team ?? '-', alert.employee ?? alert.lineId, evidenceText(alert.evidence, alert.kind)];
}

/** `vigia alerts ack|resolve ID --by NAME [--note TEXT]`. */
export async function transitionAlert(target: Target, action: 'ack' | 'resolve', id: string, by: string, note: string | undefined): Promise<string> {
  try {
    const alert = await target.alerts.transition(id, action === 'ack' ? 'acknowledged' : 'resolved', { by, at: new Date().toISOString(), ...(note ? { note } : {}) });
    // Also in the audit log, as the console's actions are: sealed with the next tamper-evidence digest.
    await target.privacy.appendAudit({ by, action: 'alert-transition', outcome: 'done', lineId: alert.lineId, detail: `alert ${id}: ${action} → ${alert.status}` });
    return `alert ${id} is now ${alert.status} (by ${by})`;
  } catch (error) {
    if (error instanceof AlertTransitionError) throw new CliError(error.message);
    throw error;
  }
}

/** `vigia notifications [--json]`: what the local stack delivered (SNS does it on AWS). */
export function listNotifications(target: Target, options: { json: boolean }, out: (line: string) => void): void {
  if (!target.outboxFile) throw new CliError('notifications are delivered by SNS (e-mail and SMS) on AWS; this command lists the local stack’s outbox');
  const entries = existsSync(target.outboxFile)
    ? readFileSync(target.outboxFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as OutboxEntry | NoticeOutboxEntry)
    : [];
  if (options.json) {
    for (const entry of entries) out(JSON.stringify(entry));
    return;
  }
  // Alert notifications name their alert; employee notices (`kind: notice`) their line.
  const about = (entry: OutboxEntry | NoticeOutboxEntry) => ('kind' in entry && entry.kind === 'notice' ? `notice ${entry.lineId}` : (entry as OutboxEntry).alertId);
  printTable(['AT', 'CHANNEL', 'RECIPIENT', 'ABOUT', 'SUBJECT'], entries.map((entry) => [entry.at, entry.channel, entry.recipient, about(entry), entry.subject]), 'No notifications yet.', out);
}
