import type { ConsoleLanguage } from '../../../config/schema';
import type { Severity } from '../../model';
import type { CheckResult, Fingerprint, PolicyKindDefinition } from '../policy-kind';
import { appliesTo, type PolicyScope } from '../scope';
import { findPii, type PiiDetectorName, type PiiFinding } from './detectors';
import { PiiPolicySchema, type PiiPolicy } from './schema';

/**
 * Personal data (identifiers validated by their check digits, cards, IBANs, e-mail addresses,
 * phone numbers) in the message text and inside its file. What leaves the check is masked: the
 * detector, how many, a few masked examples and keyed hashes — never a value (issue: "never a
 * second leak"). The message record and the raw archive keep the original, as for any message.
 */

/** What one detector found for one policy. */
export interface PiiFound {
  detector: PiiDetectorName;
  /** How many (distinct values unless the policy says `distinct: false`). */
  count: number;
  /** Up to {@link MASKED_EXAMPLES} masked values, e.g. `***.456.789-**`. */
  masked: string[];
  /** Keyed hashes of the distinct values (up to {@link MAX_FINGERPRINTS}): the same number is recognised across alerts. */
  fingerprints: string[];
}

export interface PiiHit {
  policyId: string;
  severity: Severity;
  /** Where: the message text or the text inside its file. */
  source: 'text' | 'file';
  count: number;
  found: PiiFound[];
}

export type PiiCheckResult = CheckResult<PiiHit>;

export const MASKED_EXAMPLES = 3;
export const MAX_FINGERPRINTS = 50;

type Scan = (text: string, scope: PolicyScope, fingerprint: Fingerprint, source: PiiHit['source']) => PiiHit[];

/** The policies' detectors run once over the text; each applicable policy then counts what it asked for. */
export function compilePiiPolicies(policies: readonly PiiPolicy[]): Scan {
  return (text, scope, fingerprint, source) => {
    const applicable = policies.filter((policy) => appliesTo(policy, scope));
    if (applicable.length === 0 || text.length === 0) return [];
    const findings = findPii(text, [...new Set(applicable.flatMap((policy) => policy.detectors))]);
    if (findings.length === 0) return [];
    return applicable.flatMap((policy) => {
      const found = policy.detectors.flatMap((detector) => summarize(detector, findings, policy.distinct, fingerprint));
      const count = found.reduce((sum, each) => sum + each.count, 0);
      return count >= policy.minCount ? [{ policyId: policy.id, severity: policy.severity, source, count, found }] : [];
    });
  };
}

function summarize(detector: PiiDetectorName, findings: readonly PiiFinding[], distinct: boolean, fingerprint: Fingerprint): PiiFound[] {
  const mine = findings.filter((finding) => finding.detector === detector);
  if (mine.length === 0) return [];
  const byValue = new Map<string, PiiFinding>();
  for (const finding of mine) if (!byValue.has(finding.normalized)) byValue.set(finding.normalized, finding);
  const values = [...byValue.values()];
  return [
    {
      detector,
      count: distinct ? values.length : mine.length,
      masked: values.slice(0, MASKED_EXAMPLES).map((finding) => finding.masked),
      fingerprints: values.slice(0, MAX_FINGERPRINTS).map((finding) => fingerprint(finding)),
    },
  ];
}

const WORDS: Record<ConsoleLanguage, { text: string; file: string }> = {
  en: { text: 'in the message', file: 'in the file' },
  pt: { text: 'na mensagem', file: 'no arquivo' },
  es: { text: 'en el mensaje', file: 'en el archivo' },
};

/** `3 cpf (***.456.789-**, ***.111.222-**, …), 1 card (**** **** **** 1234)`: counts and masked values only. */
function foundText(evidence: Record<string, unknown>): string | undefined {
  if (!Array.isArray(evidence.found)) return undefined;
  return (evidence.found as PiiFound[])
    .map((each) => `${each.count} ${each.detector}${each.masked?.length ? ` (${each.masked.join(', ')}${each.count > each.masked.length ? ', …' : ''})` : ''}`)
    .join(', ');
}

export const piiPolicies: PolicyKindDefinition<typeof PiiPolicySchema, PiiCheckResult> = {
  kind: 'pii',
  alertName: { en: 'personal data', pt: 'de dados pessoais', es: 'de datos personales' },
  schema: PiiPolicySchema,
  check: {
    runsIn: 'RuleChecks',
    compile(policies) {
      const scan = compilePiiPolicies(policies);
      return ({ context, scope, fingerprint }) => (policies.length === 0 ? undefined : context.text ? { hits: scan(context.text, scope, fingerprint, 'text') } : { hits: [], skipped: 'no text' });
    },
  },
  fileText: {
    compile(policies) {
      const inFiles = policies.filter((policy) => policy.files);
      const scan = compilePiiPolicies(inFiles);
      return ({ text, scope, fingerprint }) => (inFiles.length === 0 ? undefined : { hits: scan(text, scope, fingerprint, 'file') });
    },
  },
  evidence: (hit) => ({ source: hit.source, count: hit.count, found: hit.found }),
  evidenceText: (evidence) => {
    const found = foundText(evidence);
    return found ? `${found}${evidence.source === 'file' ? ' in the file' : ''}` : undefined;
  },
  notificationText(evidence, language) {
    const found = foundText(evidence);
    return found ? `${found} ${WORDS[language][evidence.source === 'file' ? 'file' : 'text']}` : undefined;
  },
  describe: (policy) => [policy.detectors.join(', '), policy.minCount > 1 ? `at least ${policy.minCount}${policy.distinct ? ' distinct' : ''}` : '', policy.files ? 'text and files' : 'text only'].filter(Boolean),
  sampleCheck(allPolicies, text, scope, source) {
    const policies = source === 'file' ? allPolicies.filter((policy) => policy.files) : allPolicies;
    if (policies.length === 0) return [];
    const hits = compilePiiPolicies(policies)(text, scope, () => '', source);
    if (hits.length === 0) return ['no pii policy matches'];
    return hits.map((hit) => `HIT ${hit.policyId} (${hit.severity}): ${foundText({ found: hit.found })}`);
  },
};
