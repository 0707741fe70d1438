import { DEFAULT_CONFIG_FILE, lineOf, type Policy, type VigiaConfig } from '../../shared/config/vigia-config';
import { count } from '../../shared/compliance/display-text';
import { POLICY_KINDS, policiesOf, policyKind } from '../../shared/compliance/policies/registry';
import { UsageError } from '../errors';

export interface PoliciesCheckOptions {
  /** Text to run the keyword and regex policies on. */
  text?: string;
  /** Phone number ID of the line the text is on (selects the team). */
  line?: string;
  /** @default outbound — what the employee sends, where leaks happen */
  direction?: 'inbound' | 'outbound';
  /** File name shown in the summary. @default $VIGIA_CONFIG, else vigia.config.yaml */
  file?: string;
}

/**
 * `vigia policies check [--text T] [--line ID] [--direction inbound|outbound]`: the config summary
 * (it was loaded, so it is valid) and, with `--text`, what the keyword and regex policies find
 * in that text. Sentiment is not run here: it needs the analyzer (and possibly Comprehend).
 */
export function policiesCheck(config: VigiaConfig, options: PoliciesCheckOptions = {}): string[] {
  const file = options.file ?? process.env.VIGIA_CONFIG ?? DEFAULT_CONFIG_FILE;
  const out: string[] = [`${file}: ${count(config.lines.length, 'line')}, ${count(config.teams.length, 'team')}, ${count(config.policies.length, 'policy', 'policies')} (${kindSummary(config.policies)})`];
  for (const policy of config.policies) out.push(`  ${policy.id.padEnd(width(config.policies))}  ${policy.kind.padEnd(9)}  ${policy.severity.padEnd(6)}  ${describePolicy(policy)}`);
  out.push(`  sentiment analyzer: ${config.sentiment.analyzer}, messages of ${config.sentiment.minLetters}+ letters`);

  if (options.text === undefined) return out;

  const direction = options.direction ?? 'outbound';
  if (direction !== 'inbound' && direction !== 'outbound') throw new UsageError(`--direction must be inbound or outbound, got "${String(direction)}"`);
  let team: string | undefined;
  let where = 'no particular line (only policies without teams apply)';
  if (options.line !== undefined) {
    const line = lineOf(config, options.line);
    if (!line) {
      const known = config.lines.map((candidate) => `${candidate.phoneNumberId} (${candidate.employee})`).join(', ') || 'none';
      throw new UsageError(`--line ${options.line} is not in ${file} (lines: ${known})`);
    }
    team = line.team;
    where = `line ${line.phoneNumberId} (${line.employee}${line.team ? `, team ${line.team}` : ', no team'})`;
  }

  out.push('', `Checking the text as an ${direction} message on ${where}:`);
  for (const kind of POLICY_KINDS) {
    for (const line of kind.sampleCheck?.(policiesOf(config.policies, kind.kind), options.text, { direction, team }) ?? []) out.push(`  ${line}`);
  }
  return out;
}

function kindSummary(policies: Policy[]): string {
  if (policies.length === 0) return 'none';
  const kinds = new Map<string, number>();
  for (const policy of policies) kinds.set(policy.kind, (kinds.get(policy.kind) ?? 0) + 1);
  return [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

function width(policies: Policy[]): number {
  return Math.max(...policies.map((policy) => policy.id.length));
}

function describePolicy(policy: Policy): string {
  const scope = [policy.teams ? `teams ${policy.teams.join(', ')}` : 'all teams', policy.direction === 'both' ? 'both directions' : `${policy.direction} only`];
  return [...(policyKind(policy.kind)?.describe(policy) ?? []), ...scope].join('; ');
}
