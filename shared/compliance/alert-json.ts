import type { AlertJson } from '../console/wire';
import type { Alert } from './model';

/**
 * An alert as JSON, the same field names everywhere it leaves Vigia: `vigia alerts --json` and the
 * console API. Optional fields are `null` (or empty) rather than missing, so readers see every field.
 */
export function alertJson(alert: Alert): AlertJson {
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
    assignee: alert.assignee ?? null,
    outcome: alert.outcome ?? null,
    history: alert.history,
  };
}
