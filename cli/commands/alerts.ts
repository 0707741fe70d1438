import { existsSync, readFileSync } from 'node:fs';
import { ALERT_STATUSES, AlertTransitionError } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import type { OutboxEntry } from '../../shared/compliance/adapters/alert-publishers';
import type { NoticeOutboxEntry } from '../../shared/privacy/adapters/notice-mailers';
import type { Alert, AlertStatus } from '../../shared/compliance/model';
import { CliError, UsageError } from '../errors';
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
  for (const alert of alerts) out(options.json ? JSON.stringify(alertJson(alert)) : alertLine(alert));
}

function alertJson(alert: Alert): Record<string, unknown> {
  return {
    id: alert.id,
    messageId: alert.messageId,
    policyId: alert.policyId,
    kind: alert.kind,
    severity: alert.severity,
    team: alert.team ?? null,
    status: alert.status,
    evidence: alert.evidence,
    createdAt: alert.createdAt,
    lineId: alert.lineId,
    employee: alert.employee ?? null,
    contactId: alert.contactId ?? null,
    backfill: Boolean(alert.backfill),
    notifiedAt: alert.notifiedAt ?? null,
    deliveredTo: alert.deliveredTo ?? [],
    history: alert.history,
  };
}

/** The evidence in words: the excerpt of a keyword hit, a file's reasons, a sentiment and its score. */
export function evidenceText(evidence: Alert['evidence']): string {
  if (typeof evidence.excerpt === 'string') return `“${evidence.excerpt}”`;
  if (Array.isArray(evidence.reasons)) return (evidence.reasons as string[]).join('; ');
  if (typeof evidence.sentiment === 'string' && typeof evidence.score === 'number') {
    const language = typeof evidence.languageCode === 'string' ? `, ${evidence.languageCode}` : '';
    const analyzer = typeof evidence.analyzer === 'string' ? `, ${evidence.analyzer}` : '';
    return `${evidence.sentiment} ${evidence.score.toFixed(2)}${language}${analyzer}`;
  }
  return JSON.stringify(evidence);
}

function alertLine(alert: Alert): string {
  const evidence = evidenceText(alert.evidence);
  return [alert.createdAt, alert.id, alert.status.padEnd(12), alert.severity.padEnd(6), alert.policyId, alert.team ?? '-', alert.employee ?? alert.lineId, evidence].join('  ');
}

/** `vigia alerts ack|resolve ID --by NAME [--note TEXT]`. */
export async function transitionAlert(target: Target, action: 'ack' | 'resolve', id: string, by: string, note: string | undefined): Promise<string> {
  try {
    const alert = await target.alerts.transition(id, action === 'ack' ? 'acknowledged' : 'resolved', { by, at: new Date().toISOString(), ...(note ? { note } : {}) });
    return `alert ${id} is now ${alert.status} (by ${by})`;
  } catch (error) {
    if (error instanceof AlertTransitionError) throw new CliError(error.message);
    throw error;
  }
}

/** `vigia notifications [--json]`: what the local stack delivered (SNS does it on AWS). */
export function listNotifications(target: Target, options: { json: boolean }, out: (line: string) => void): void {
  if (!target.outboxFile) throw new CliError('notifications are delivered by SNS (e-mail and SMS) on AWS; this command lists the local stack’s outbox');
  if (!existsSync(target.outboxFile)) return;
  const entries = readFileSync(target.outboxFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxEntry | NoticeOutboxEntry);
  for (const entry of entries) {
    // Alert notifications name their alert; employee notices (`kind: notice`) their line.
    const about = 'kind' in entry && entry.kind === 'notice' ? `notice ${entry.lineId}` : (entry as OutboxEntry).alertId;
    out(options.json ? JSON.stringify(entry) : `${entry.at}  ${entry.channel.padEnd(5)}  ${entry.recipient}  ${about}  ${entry.subject}`);
  }
}
