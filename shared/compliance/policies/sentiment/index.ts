import type { ConsoleLanguage } from '../../../config/schema';
import type { MessageContext, SentimentLabel, SentimentResult, Severity } from '../../model';
import type { SentimentAnalyzer } from '../../sentiment/port';
import type { CheckResult, PolicyKindDefinition } from '../policy-kind';
import { appliesTo, type PolicyScope } from '../scope';
import { SentimentPolicySchema, type SentimentPolicy } from './schema';

/**
 * The sentiment of the message text, from the offline analyzer or Amazon Comprehend
 * (../../sentiment/). It calls a service, so the flow runs it in a state of its own, retried on
 * throttling apart from the other checks.
 */

export interface SentimentHit {
  policyId: string;
  severity: Severity;
  sentiment: SentimentLabel;
  score: number;
}

export interface SentimentCheckResult extends CheckResult<SentimentHit> {
  result?: SentimentResult;
}

const SCORE_KEY = { NEGATIVE: 'Negative', POSITIVE: 'Positive', MIXED: 'Mixed' } as const;

/** `NEGATIVE sentiment, score 0.93` in the manager's language. */
const SENTIMENT_WORDS: Record<ConsoleLanguage, { labels: Partial<Record<SentimentLabel, string>>; sentence: (label: string) => string; score: string }> = {
  en: { labels: {}, sentence: (label) => `${label} sentiment`, score: 'score' },
  pt: { labels: { NEGATIVE: 'NEGATIVO', POSITIVE: 'POSITIVO', MIXED: 'MISTO', NEUTRAL: 'NEUTRO' }, sentence: (label) => `sentimento ${label}`, score: 'pontuação' },
  es: { labels: { NEGATIVE: 'NEGATIVO', POSITIVE: 'POSITIVO', MIXED: 'MIXTO', NEUTRAL: 'NEUTRAL' }, sentence: (label) => `sentimiento ${label}`, score: 'puntuación' },
};

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

/** The SentimentCheck task's work: analyse the text for the labels the applicable policies want. */
export async function checkSentiment(policies: SentimentPolicy[], context: MessageContext, analyzer: SentimentAnalyzer): Promise<SentimentCheckResult> {
  if (!context.text) return { hits: [], skipped: 'no text' };
  if (policies.length === 0) return { hits: [], skipped: 'no sentiment policy' };
  const scope = { direction: context.direction, team: context.team };
  const wanted = [...new Set(policies.filter((policy) => appliesTo(policy, scope)).map((policy) => policy.sentiment))];
  const analysis = await analyzer.analyze(context.text, wanted);
  if ('skipped' in analysis) return { hits: [], skipped: analysis.skipped };
  return { result: analysis, hits: sentimentHits(policies, analysis, scope) };
}

export const sentimentPolicies: PolicyKindDefinition<typeof SentimentPolicySchema, SentimentCheckResult> = {
  kind: 'sentiment',
  alertName: { en: 'sentiment', pt: 'de sentimento', es: 'de sentimiento' },
  schema: SentimentPolicySchema,
  check: { runsIn: 'SentimentCheck' },
  evidence: (hit, result) => ({ sentiment: hit.sentiment, score: hit.score, languageCode: result.result?.languageCode, analyzer: result.result?.analyzer }),
  evidenceText(evidence) {
    if (typeof evidence.sentiment !== 'string' || typeof evidence.score !== 'number') return undefined;
    const language = typeof evidence.languageCode === 'string' ? `, ${evidence.languageCode}` : '';
    const analyzer = typeof evidence.analyzer === 'string' ? `, ${evidence.analyzer}` : '';
    return `${evidence.sentiment} ${evidence.score.toFixed(2)}${language}${analyzer}`;
  },
  notificationText(evidence, language) {
    const score = typeof evidence.score === 'number' ? evidence.score.toFixed(2) : '?';
    const details = [evidence.languageCode, evidence.analyzer].filter((part) => typeof part === 'string').join(', ');
    const label = String(evidence.sentiment ?? '?');
    const words = SENTIMENT_WORDS[language];
    const named = words.labels[label as SentimentLabel] ?? label;
    return `${words.sentence(named)}, ${words.score} ${score}${details ? ` (${details})` : ''}`;
  },
  describe: (policy) => [`${policy.sentiment} ≥ ${policy.minScore}`],
  // It needs the analyzer (and possibly Comprehend), which a sample check does not run.
  sampleCheck: (policies) => (policies.length > 0 ? ['(sentiment policies are not run by this command)'] : []),
};
