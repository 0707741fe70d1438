import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DEFAULT_CONFIG_FILE, lineOf, type Policy, type VigiaConfig } from '../../shared/config/vigia-config';
import { count } from '../../shared/compliance/display-text';
import type { PolicyScope } from '../../shared/compliance/policies/scope';
import { POLICY_KINDS, policiesOf, policyKind } from '../../shared/compliance/policies/registry';
import { UsageError } from '../errors';

export interface PoliciesCheckOptions {
  /** Text to run the keyword, regex and pii policies on. */
  text?: string;
  /** A file (CSV, XLSX, DOCX, ODS, ODT, text PDF…) whose text the kinds that look inside files are run on, as FileContentCheck does. */
  sampleFile?: string;
  /** Phone number ID of the line the text is on (selects the team). */
  line?: string;
  /** @default outbound — what the employee sends, where leaks happen */
  direction?: 'inbound' | 'outbound';
  /** Config file name shown in the summary. @default $VIGIA_CONFIG, else vigia.config.yaml */
  configFile?: string;
}

/**
 * `vigia policies check [--text T] [--file PATH] [--line ID] [--direction inbound|outbound]`: the
 * config summary (it was loaded, so it is valid); with `--text`, what the keyword, regex and pii
 * policies find in that text; with `--file`, what the kinds that look inside files find in its text,
 * read within the flow's limits (or why it is not read). Sentiment is not run here: it needs the
 * analyzer (and possibly Comprehend). Personal data is shown masked, as in alerts.
 */
export async function policiesCheck(config: VigiaConfig, options: PoliciesCheckOptions = {}): Promise<string[]> {
  const configFile = options.configFile ?? process.env.VIGIA_CONFIG ?? DEFAULT_CONFIG_FILE;
  const out: string[] = [`${configFile}: ${count(config.lines.length, 'line')}, ${count(config.teams.length, 'team')}, ${count(config.policies.length, 'policy', 'policies')} (${kindSummary(config.policies)})`];
  for (const policy of config.policies) out.push(`  ${policy.id.padEnd(width(config.policies))}  ${policy.kind.padEnd(9)}  ${policy.severity.padEnd(6)}  ${describePolicy(policy)}`);
  out.push(`  sentiment analyzer: ${config.sentiment.analyzer}, messages of ${config.sentiment.minLetters}+ letters`);

  if (options.text === undefined && options.sampleFile === undefined) return out;

  const direction = options.direction ?? 'outbound';
  if (direction !== 'inbound' && direction !== 'outbound') throw new UsageError(`--direction must be inbound or outbound, got "${String(direction)}"`);
  let team: string | undefined;
  let where = 'no particular line (only policies without teams apply)';
  if (options.line !== undefined) {
    const line = lineOf(config, options.line);
    if (!line) {
      const known = config.lines.map((candidate) => `${candidate.phoneNumberId} (${candidate.employee})`).join(', ') || 'none';
      throw new UsageError(`--line ${options.line} is not in ${configFile} (lines: ${known})`);
    }
    team = line.team;
    where = `line ${line.phoneNumberId} (${line.employee}${line.team ? `, team ${line.team}` : ', no team'})`;
  }
  const scope: PolicyScope = { direction, team };
  // Read before anything is printed: a missing file is one error line, not half an answer.
  const sample = options.sampleFile === undefined ? undefined : readSampleFile(options.sampleFile);

  if (options.text !== undefined) {
    out.push('', `Checking the text as an ${direction} message on ${where}:`);
    for (const kind of POLICY_KINDS) {
      for (const line of kind.sampleCheck?.(policiesOf(config.policies, kind.kind), options.text, scope, 'text') ?? []) out.push(`  ${line}`);
    }
  }
  if (sample) {
    const { extractText } = await import('../../shared/media/text-extraction');
    const extracted = await extractText(sample.bytes, { mime: 'application/octet-stream', ext: extname(sample.path).slice(1) || undefined });
    out.push('', `Checking the file ${basename(sample.path)} as an ${direction} message's file on ${where}:`);
    if (!extracted.scanned) {
      out.push(`  ${extracted.reason}`);
      return out;
    }
    out.push(`  read as ${extracted.format.toUpperCase()}: ${count(extracted.chars, 'character')}${extracted.truncated ? ' (truncated at the limit: only that part is checked)' : ''}`);
    const lines = POLICY_KINDS.filter((kind) => kind.fileText).flatMap((kind) => kind.sampleCheck?.(policiesOf(config.policies, kind.kind), extracted.text, scope, 'file') ?? []);
    for (const line of lines.length > 0 ? lines : ['no policy looks inside files (keyword and pii policies do)']) out.push(`  ${line}`);
  }
  return out;
}

/** The sample's bytes (the extraction refuses what is over its input limit, and says so). */
function readSampleFile(path: string): { path: string; bytes: Uint8Array } {
  try {
    if (!statSync(path).isFile()) throw new UsageError(`--file ${path}: not a file`);
    return { path, bytes: readFileSync(path) };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
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
