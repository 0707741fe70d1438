import { count } from '../../display-text';
import { compileKeywordPolicies } from '../../keyword-engine';
import type { Severity } from '../../model';
import type { CheckResult, PolicyKindDefinition } from '../policy-kind';
import { KeywordPolicySchema } from './schema';

/** Words, phrases and regexes in the message text (the engine: ../../keyword-engine.ts). */

export interface KeywordHit {
  policyId: string;
  severity: Severity;
  /** The term or regex that matched, and a short excerpt around it. */
  matched: string;
  excerpt: string;
  /** Found in the text inside the message's file rather than in the message (FileContentCheck). */
  source?: 'file';
}

export type KeywordCheckResult = CheckResult<KeywordHit>;

/** `matched "senha"` in the manager's language. */
const MATCHED = { en: 'matched', pt: 'termo encontrado:', es: 'término encontrado:' } as const;

export const keywordPolicies: PolicyKindDefinition<typeof KeywordPolicySchema, KeywordCheckResult> = {
  kind: 'keyword',
  alertName: { en: 'keyword', pt: 'de palavra-chave', es: 'de palabra clave' },
  schema: KeywordPolicySchema,
  check: {
    runsIn: 'RuleChecks',
    compile(policies) {
      const engine = compileKeywordPolicies(policies);
      return ({ context, scope, redactionsOf }) => ({ hits: context.text ? engine.match(context.text, scope, redactionsOf) : [] });
    },
  },
  fileText: {
    compile(policies) {
      const engine = compileKeywordPolicies(policies);
      return ({ text, scope, redactionsOf }) => (policies.length === 0 ? undefined : { hits: engine.match(text, scope, redactionsOf).map((hit) => ({ ...hit, source: 'file' as const })) });
    },
  },
  evidence: (hit) => ({ matched: hit.matched, excerpt: hit.excerpt, ...(hit.source ? { source: hit.source } : {}) }),
  evidenceText: (evidence) => (typeof evidence.excerpt === 'string' ? `“${evidence.excerpt}”` : undefined),
  notificationText: (evidence, language) => (typeof evidence.matched === 'string' ? `${MATCHED[language]} ${JSON.stringify(evidence.matched)}` : undefined),
  describe: (policy) =>
    [policy.terms ? count(policy.terms.length, 'term') : '', policy.regex ? count(policy.regex.length, 'regex', 'regexes') : '', policy.plurals ? 'with plurals' : ''].filter(Boolean),
  sampleCheck(policies, text, scope) {
    const hits = compileKeywordPolicies(policies).match(text, scope);
    if (hits.length === 0) return ['no keyword or regex policy matches'];
    return hits.map((hit) => {
      const policy = policies.find((candidate) => candidate.id === hit.policyId);
      const matched = policy?.regex?.includes(hit.matched) ? `/${hit.matched}/` : `"${hit.matched}"`;
      return `HIT ${hit.policyId} (${hit.severity}): matched ${matched} in "${hit.excerpt}"`;
    });
  },
};
