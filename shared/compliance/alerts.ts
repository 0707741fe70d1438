import { createHash } from 'node:crypto';
import { appliesTo, type PolicyScope, type SentimentPolicy } from '../config/vigia-config';
import type { Alert, CheckResults, MessageContext, PolicyKind, SentimentHit, SentimentResult, Severity } from './model';

const SCORE_KEY = { NEGATIVE: 'Negative', POSITIVE: 'Positive', MIXED: 'Mixed' } as const;

/** Sentiment policies whose label is the message's sentiment, with at least their minimum score. */
export function sentimentHits(policies: SentimentPolicy[], result: SentimentResult, scope: PolicyScope): SentimentHit[] {
  const hits: SentimentHit[] = [];
  for (const policy of policies) {
    if (!appliesTo(policy, scope) || result.sentiment !== policy.sentiment) continue;
    const score = result.scores[SCORE_KEY[policy.sentiment]];
    if (score >= policy.minScore) hits.push({ policyId: policy.id, severity: policy.severity, sentiment: result.sentiment, score });
  }
  return hits;
}

/** Deterministic alert id: the same message and policy always give the same alert, however often the flow runs. */
export function alertId(messageId: string, policyId: string): string {
  return `al_${createHash('sha256').update(`${messageId}\u0000${policyId}`).digest('hex').slice(0, 20)}`;
}

/** One open alert per hit (and per policy: a policy id appearing twice keeps its first hit). */
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

  for (const hit of results.keyword?.hits ?? []) add(hit.policyId, 'keyword', hit.severity, { matched: hit.matched, excerpt: hit.excerpt });
  const facts = results.file?.facts;
  for (const hit of results.file?.hits ?? []) {
    add(hit.policyId, 'file', hit.severity, { reasons: hit.reasons, extension: facts?.extension, declaredMime: facts?.declaredMime, sniffedMime: facts?.sniffedMime, size: facts?.size });
  }
  const sentiment = results.sentiment?.result;
  for (const hit of results.sentiment?.hits ?? []) {
    add(hit.policyId, 'sentiment', hit.severity, { sentiment: hit.sentiment, score: hit.score, languageCode: sentiment?.languageCode, analyzer: sentiment?.analyzer });
  }
  return alerts;
}

/** Drops undefined values (DynamoDB's marshaller rejects them, and they say nothing). */
function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
