import { createHash } from 'node:crypto';
import type { Alert, CheckResults, MessageContext, PolicyKind, Severity } from './model';
import { POLICY_KINDS } from './policies/registry';

/** Deterministic alert id: the same message and policy always give the same alert, however often the flow runs. */
export function alertId(messageId: string, policyId: string): string {
  return `al_${createHash('sha256').update(`${messageId}\u0000${policyId}`).digest('hex').slice(0, 20)}`;
}

/** One open alert per hit (and per policy: a policy id appearing twice keeps its first hit), kind by kind in registry order. */
export function alertsFrom(context: MessageContext, results: CheckResults, now: string): Alert[] {
  const alerts: Alert[] = [];
  const seen = new Set<string>();
  const add = (policyId: string, kind: PolicyKind, severity: Severity, evidence: Record<string, unknown>) => {
    if (seen.has(policyId)) return;
    seen.add(policyId);
    alerts.push({
      id: alertId(context.messageId, policyId),
      messageId: context.messageId,
      lineId: context.lineId,
      ...defined({ employee: context.employee, team: context.team, contactId: context.contactId }),
      policyId,
      kind,
      severity,
      evidence: defined(evidence),
      status: 'open',
      history: [{ status: 'open', by: 'vigia', at: now }],
      createdAt: now,
    });
  };

  for (const kind of POLICY_KINDS) {
    const result = results[kind.kind];
    for (const hit of result?.hits ?? []) add(hit.policyId, kind.kind, hit.severity, kind.evidence(hit, result!));
  }
  return alerts;
}

/** Drops undefined values (DynamoDB's marshaller rejects them, and they say nothing). */
function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
