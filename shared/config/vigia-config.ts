import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Replaced by a stub in the Lambda bundles (see configFromEnvironment).
import { LineCounter, parseDocument } from 'yaml';
// A namespace import: esbuild can then keep only the zod members used (`import { z }` pulls in all of
// zod, locales and JSON Schema tools included, once any module of a bundle imports it that way).
import * as z from 'zod';

/**
 * The deployment config (`vigia.config.yaml`): which WhatsApp lines belong to whom, the teams and
 * their managers, and the compliance policies. Read by the CLI and the local stack from the file,
 * and by the Lambdas from `VIGIA_CONFIG_JSON`, which the CDK inlines at bundle time after
 * validating the same file — so a bad config fails `cdk synth`, never a running function.
 */

/** A config file that cannot be read or is invalid; the message names every problem, one per line. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    /** `<file>: <path>: <what is wrong>` (or `<file>:<line>:<col>: …` for YAML syntax), one per problem. */
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
  }
}

export const DEFAULT_CONFIG_FILE = 'vigia.config.yaml';

// ── Field schemas ────────────────────────────────────────────────────────────────────────────────

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const E164 = /^\+[1-9]\d{7,14}$/;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

const quote = (value: unknown) => JSON.stringify(value);

const slug = z
  .string()
  .regex(SLUG, { error: (issue) => `must be a slug (lowercase letters, digits and single hyphens), got ${quote(issue.input)}` });

const text = z.string().trim().min(1, { error: 'must not be empty' });

const email = z.email({ error: (issue) => `must be an e-mail address, got ${quote(issue.input)}` });

const phone = z.string().regex(E164, { error: (issue) => `must be an E.164 phone number ("+" and 8–15 digits, no spaces), got ${quote(issue.input)}` });

export const SeveritySchema = z.enum(['low', 'medium', 'high']);
export const DirectionSchema = z.enum(['inbound', 'outbound', 'both']);

const regexSource = z
  .string()
  .min(1, { error: 'must not be empty' })
  .superRefine((source, ctx) => {
    let compiled: RegExp;
    try {
      compiled = new RegExp(source, 'iu');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `does not compile: ${(error as Error).message}` });
      return;
    }
    if (compiled.exec('') !== null) ctx.addIssue({ code: 'custom', message: `matches the empty string, so it would flag every message: ${quote(source)}` });
  });

const term = text.refine((value) => HAS_WORD_CHARACTER.test(value), { error: (issue) => `has no letters or digits to match: ${quote(issue.input)}` });

const extension = z
  .string()
  .transform((value) => value.trim().toLowerCase().replace(/^\.+/, ''))
  .refine((value) => /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/.test(value), { error: (issue) => `must be a file extension like "xlsx" or "tar.gz", got ${quote(issue.input)}` });

const mimeType = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .refine((value) => /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9*][a-z0-9!#$&^_.+*-]*$/.test(value), {
    error: (issue) => `must be a MIME type like "application/zip", got ${quote(issue.input)}`,
  });

const nonEmptyList = <T extends z.ZodType>(item: T) => z.array(item).min(1, { error: 'must not be empty' });

// ── Sections ─────────────────────────────────────────────────────────────────────────────────────

export const LineSchema = z.strictObject({
  /** Meta's phone number ID of the WhatsApp Business line (quoted: it is an ID, not a number). */
  phoneNumberId: z.string().regex(/^\d{5,20}$/, { error: (issue) => `must be Meta's numeric phone number ID as a string, got ${quote(issue.input)}` }),
  employee: text,
  team: slug.optional(),
  email: email.optional(),
});

export const ManagerSchema = z
  .strictObject({
    name: text,
    email: email.optional(),
    phone: phone.optional(),
    /** The lowest alert severity this manager is notified of. @default low */
    minSeverity: SeveritySchema.default('low'),
  })
  .refine((manager) => manager.email !== undefined || manager.phone !== undefined, { error: 'needs an email or a phone (or both) to be notified' });

export const TeamSchema = z.strictObject({
  id: slug,
  managers: nonEmptyList(ManagerSchema),
});

const policyCommon = {
  id: slug,
  severity: SeveritySchema,
  /** Team ids the policy applies to. @default every team, and lines without a team */
  teams: nonEmptyList(slug).optional(),
  /** @default both */
  direction: DirectionSchema.default('both'),
  description: text.optional(),
};

export const KeywordPolicySchema = z
  .strictObject({
    ...policyCommon,
    kind: z.literal('keyword'),
    /** Words or phrases; matched whole-word, ignoring case and accents. */
    terms: nonEmptyList(term).optional(),
    /** JavaScript regular expressions, evaluated with the flags `iu`. */
    regex: nonEmptyList(regexSource).optional(),
    /** Also match the Portuguese/Spanish plural forms of `terms`. @default false */
    plurals: z.boolean().default(false),
  })
  .refine((policy) => policy.terms !== undefined || policy.regex !== undefined, { error: 'needs terms or regex (or both)' });

export const FilePolicySchema = z
  .strictObject({
    ...policyCommon,
    kind: z.literal('file'),
    /** Forbidden extensions, without the dot (case-insensitive). */
    extensions: nonEmptyList(extension).optional(),
    /** Forbidden MIME types, compared with the type sniffed from the bytes (and the declared one). */
    mimeTypes: nonEmptyList(mimeType).optional(),
    /** Flag files whose bytes are not what their declared MIME type says. */
    detectMismatch: z.boolean().optional(),
    /** Flag files larger than this many bytes. */
    maxBytes: z.number().int({ error: 'must be a whole number of bytes' }).positive({ error: 'must be greater than 0' }).optional(),
  })
  .refine((policy) => policy.extensions !== undefined || policy.mimeTypes !== undefined || policy.detectMismatch === true || policy.maxBytes !== undefined, {
    error: 'needs at least one of extensions, mimeTypes, detectMismatch: true, maxBytes',
  });

export const SentimentPolicySchema = z.strictObject({
  ...policyCommon,
  kind: z.literal('sentiment'),
  sentiment: z.enum(['NEGATIVE', 'POSITIVE', 'MIXED']),
  /** The score of that sentiment must be at least this (0..1). */
  minScore: z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }),
});

export const PolicySchema = z.discriminatedUnion('kind', [KeywordPolicySchema, FilePolicySchema, SentimentPolicySchema]);

export const SentimentSettingsSchema = z.strictObject({
  /**
   * `offline`: the bundled analyzer only; `comprehend`: Amazon Comprehend for every message;
   * `screened`: the offline analyzer first, Comprehend only for messages it finds non-neutral.
   * @default screened
   */
  analyzer: z.enum(['offline', 'comprehend', 'screened']).default('screened'),
  /** Messages with fewer letters than this are not analysed. @default 12 */
  minLetters: z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).default(12),
  /**
   * Region of Amazon Comprehend, where the deployment region does not offer it (e.g. sa-east-1):
   * an international transfer under LGPD — see the README.
   * @default - the deployment's own region
   */
  comprehendRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as us-east-1' }).optional(),
});

/** `YYYY-MM-DD` that names a real day (not 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/** The analytics export (docs/analytics.md): Parquet files in the analytics bucket, queried with Athena or DuckDB. */
export const AnalyticsSettingsSchema = z.strictObject({
  /**
   * Export message bodies (`messages.text`). Off by default: volumes, timing, sentiment and alerts
   * need no content, and every copy of the text is one more place personal data lives.
   * @default false
   */
  includeText: z.boolean().default(false),
  /** On AWS, the export runs every this many hours (EventBridge schedule). @default 1 */
  scheduleHours: z.number().int({ error: 'must be a whole number of hours' }).min(1, { error: 'must be between 1 and 24' }).max(24, { error: 'must be between 1 and 24' }).default(1),
  /**
   * A scheduled export rewrites the days from this many days before the previous export's day up to
   * today (late statuses, alerts handled the next day). Older changes need `vigia export --since DAY`.
   * @default 2
   */
  lookbackDays: z.number().int({ error: 'must be a whole number of days' }).min(0, { error: 'must be between 0 and 31' }).max(31, { error: 'must be between 0 and 31' }).default(2),
  /**
   * First day Athena looks at (start of the partition projection range); days before it are exported but
   * not queried by Athena. Cloud API traffic cannot be older than 2022.
   * @default "2022-01-01"
   */
  firstDay: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => `must be a day like 2024-01-01, got ${quote(issue.input)}` })
    .refine((day) => isCalendarDay(day), { error: (issue) => `is not a calendar day: ${quote(issue.input)}` })
    .default('2022-01-01'),
});

export const VigiaConfigSchema = z.strictObject({
  lines: z.array(LineSchema).default([]),
  teams: z.array(TeamSchema).default([]),
  policies: z.array(PolicySchema).default([]),
  sentiment: SentimentSettingsSchema.default({ analyzer: 'screened', minLetters: 12 }),
  analytics: AnalyticsSettingsSchema.default({ includeText: false, scheduleHours: 1, lookbackDays: 2, firstDay: '2022-01-01' }),
});

export type VigiaConfig = z.output<typeof VigiaConfigSchema>;
export type Line = VigiaConfig['lines'][number];
export type Team = VigiaConfig['teams'][number];
export type Manager = Team['managers'][number];
export type Policy = VigiaConfig['policies'][number];
export type KeywordPolicy = Extract<Policy, { kind: 'keyword' }>;
export type FilePolicy = Extract<Policy, { kind: 'file' }>;
export type SentimentPolicy = Extract<Policy, { kind: 'sentiment' }>;
export type SentimentSettings = VigiaConfig['sentiment'];
export type AnalyticsSettings = VigiaConfig['analytics'];
export type PolicyDirection = z.output<typeof DirectionSchema>;

/** Where a message sits: policies apply by direction and, when they list teams, by the line's team. */
export interface PolicyScope {
  direction: 'inbound' | 'outbound';
  team?: string;
}

/** True when the policy applies to a message in this scope. */
export function appliesTo(policy: Pick<Policy, 'teams' | 'direction'>, scope: PolicyScope): boolean {
  if (policy.direction !== 'both' && policy.direction !== scope.direction) return false;
  return policy.teams === undefined || (scope.team !== undefined && policy.teams.includes(scope.team));
}

// ── Parsing and validation ───────────────────────────────────────────────────────────────────────

/** Parses and validates YAML (or JSON) text; `fileName` prefixes every error. */
export function parseVigiaConfig(text: string, fileName: string): VigiaConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigFileError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${fileName}:${line}:${col}: ${firstLine(error.message)}`;
      }),
    );
  }
  return validateVigiaConfig(document.toJS({ maxAliasCount: 100 }), fileName);
}

/** Validates an already parsed value (e.g. `JSON.parse` of `VIGIA_CONFIG_JSON`). */
export function validateVigiaConfig(raw: unknown, fileName: string): VigiaConfig {
  if (raw === null || raw === undefined) throw new ConfigFileError([`${fileName}: is empty (expected lines, teams and policies)`]);
  const result = VigiaConfigSchema.safeParse(raw, { reportInput: true });
  const problems = [...(result.success ? [] : result.error.issues.flatMap(describeIssue)), ...crossReferenceProblems(raw)];
  if (problems.length > 0) {
    const sections = isRecord(raw) ? Object.keys(raw) : [];
    problems.sort((a, b) => comparePaths(a.path, b.path, sections));
    throw new ConfigFileError(problems.map((problem) => `${fileName}: ${at(problem.path, problem.message)}`));
  }
  return result.data!;
}

/** Reads and validates the config file: `file`, else `$VIGIA_CONFIG`, else `vigia.config.yaml` (from the working directory). */
export function loadVigiaConfig(file?: string): VigiaConfig {
  const name = file ?? process.env.VIGIA_CONFIG ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(resolve(process.cwd(), name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigFileError([`${name}: file not found (set VIGIA_CONFIG to use another file)`]);
    throw new ConfigFileError([`${name}: cannot be read (${code ?? (error as Error).message})`]);
  }
  return parseVigiaConfig(text, name);
}

let environmentConfig: VigiaConfig | undefined;

/**
 * The config for a Lambda: `VIGIA_CONFIG_JSON`, which the CDK replaces at bundle time (esbuild
 * `define` of the literal `process.env.VIGIA_CONFIG_JSON`, so keep that exact expression), else
 * the file via {@link loadVigiaConfig} (local stack, CLI). Parsed once per process.
 *
 * The Lambda bundles have no YAML parser: PipelineFunction replaces `yaml` with a stub that throws
 * a ConfigurationError (infra/bundling/yaml-unavailable.ts), so a function only ever reads the
 * inlined JSON. Import nothing else from `yaml` here without adding it to that stub.
 */
export function configFromEnvironment(): VigiaConfig {
  if (environmentConfig) return environmentConfig;
  const inlined = process.env.VIGIA_CONFIG_JSON;
  if (inlined !== undefined && inlined !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(inlined);
    } catch (error) {
      throw new ConfigFileError([`VIGIA_CONFIG_JSON: is not JSON (${(error as Error).message})`]);
    }
    environmentConfig = validateVigiaConfig(raw, 'VIGIA_CONFIG_JSON');
  } else {
    environmentConfig = loadVigiaConfig();
  }
  return environmentConfig;
}

/** Forgets the memoized {@link configFromEnvironment} result (tests, `vigia` reloading the file). */
export function resetConfigFromEnvironment(): void {
  environmentConfig = undefined;
}

// ── Look-ups ─────────────────────────────────────────────────────────────────────────────────────

const lineIndex = new WeakMap<VigiaConfig, Map<string, Line>>();
const teamIndex = new WeakMap<VigiaConfig, Map<string, Team>>();

/** The configured line for a phone number ID, or undefined for a line the config does not list. */
export function lineOf(config: VigiaConfig, phoneNumberId: string): Line | undefined {
  let index = lineIndex.get(config);
  if (!index) lineIndex.set(config, (index = new Map(config.lines.map((line) => [line.phoneNumberId, line]))));
  return index.get(phoneNumberId);
}

export function teamOf(config: VigiaConfig, teamId: string): Team | undefined {
  let index = teamIndex.get(config);
  if (!index) teamIndex.set(config, (index = new Map(config.teams.map((team) => [team.id, team]))));
  return index.get(teamId);
}

// ── Error formatting ─────────────────────────────────────────────────────────────────────────────

type Path = ReadonlyArray<PropertyKey>;

/** `policies[1].regex[0]`. */
export function formatPath(path: Path): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`)).join('');
}

const at = (path: Path, message: string) => (path.length === 0 ? message : `${formatPath(path)}: ${message}`);

interface Problem {
  path: Path;
  message: string;
}

/** Document order: top-level sections as they appear in the file, then list indexes. */
function comparePaths(a: Path, b: Path, sections: string[]): number {
  for (let depth = 0; depth < Math.min(a.length, b.length); depth++) {
    const [x, y] = [a[depth], b[depth]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (depth === 0 && typeof x === 'string' && typeof y === 'string') return sections.indexOf(x) - sections.indexOf(y);
    return 0;
  }
  return 0;
}

const oneOf = (values: readonly unknown[], input: unknown) =>
  input === undefined ? `is required (one of ${values.join(', ')})` : `must be one of ${values.join(', ')}, got ${quote(input)}`;

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown field' }));
    case 'invalid_type':
      return [{ path: issue.path, message: describeType(issue.expected, input, issue.path.length === 0) }];
    case 'invalid_value':
      return [{ path: issue.path, message: oneOf(issue.values, input) }];
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        // The issue's input is the whole item; its path already ends with the discriminator key.
        return [{ path: issue.path, message: oneOf(options, isRecord(input) ? input[discriminator] : undefined) }];
      }
      return [{ path: issue.path, message: issue.message }];
    }
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

function describeType(expected: string, input: unknown, root: boolean): string {
  if (root) return 'must be a mapping with lines, teams and policies';
  if (input === undefined) return 'is required';
  switch (expected) {
    case 'object':
      return `must be a mapping, got ${describeValue(input)}`;
    case 'array':
      return `must be a list, got ${describeValue(input)}`;
    case 'string':
      return typeof input === 'number' ? `must be a string — quote it ("${String(input)}"): YAML reads it as a number` : `must be a string, got ${describeValue(input)}`;
    case 'number':
      return `must be a number, got ${describeValue(input)}`;
    case 'boolean':
      return `must be true or false, got ${describeValue(input)}`;
    default:
      return `must be ${expected}, got ${describeValue(input)}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return quote(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

// ── Cross-references: unique ids, known teams (checked on the raw value so every problem shows) ─

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function crossReferenceProblems(raw: unknown): Problem[] {
  if (!isRecord(raw)) return [];
  const problems: Problem[] = [];
  const problem = (path: Path, message: string) => problems.push({ path, message });
  const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : undefined);
  const lines = list('lines');
  const teams = list('teams');
  const policies = list('policies');

  const unique = (items: unknown[] | undefined, section: string, field: string, what: string) => {
    const seen = new Map<string, number>();
    items?.forEach((item, index) => {
      const value = isRecord(item) ? item[field] : undefined;
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else problem([section, index, field], `duplicate ${what} ${quote(value)} (already used by ${section}[${first}])`);
    });
  };
  unique(lines, 'lines', 'phoneNumberId', 'phoneNumberId');
  unique(teams, 'teams', 'id', 'team id');
  unique(policies, 'policies', 'id', 'policy id');

  // Reference checks only make sense when the teams section itself is a list.
  if (raw.teams !== undefined && !teams) return problems;
  const teamIds = new Set((teams ?? []).map((team) => (isRecord(team) ? team.id : undefined)).filter((id): id is string => typeof id === 'string'));
  const known = teamIds.size > 0 ? `teams: ${[...teamIds].join(', ')}` : 'no teams are defined';
  const checkTeam = (path: Path, value: unknown) => {
    if (typeof value === 'string' && !teamIds.has(value)) problem(path, `unknown team ${quote(value)} (${known})`);
  };
  lines?.forEach((line, index) => {
    if (isRecord(line)) checkTeam(['lines', index, 'team'], line.team);
  });
  policies?.forEach((policy, index) => {
    if (isRecord(policy) && Array.isArray(policy.teams)) policy.teams.forEach((team, teamIndex) => checkTeam(['policies', index, 'teams', teamIndex], team));
  });
  return problems;
}
