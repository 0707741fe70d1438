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
  /**
   * On AWS, a capture-gap alarm goes off when no webhook arrives for this line in
   * `ops.captureGapHours`. `false` for a line that may be quiet that long (a spare phone).
   * @default true
   */
  expectTraffic: z.boolean().optional(),
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
   * an international transfer under LGPD — see docs/compliance.md.
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

/**
 * Retention (docs/privacy.md): how long the archive keeps records and files, and why.
 * Absent: nothing expires.
 */
export const RetentionSettingsSchema = z
  .strictObject({
    /**
     * Records (DynamoDB TTL on `expiresAt`) and raw/, rejected/ and media/ objects (S3 lifecycle)
     * expire this many days after the message, status or webhook they hold.
     */
    days: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }),
    /** The legal basis of the retention, named in erasure refusals (e.g. "legal obligation: CLT art. 11"). */
    basis: text.optional(),
    /**
     * Records younger than this many days cannot be erased on a data subject's request: the
     * retention basis requires keeping them (`vigia subject erase` refuses, naming `basis`).
     */
    minimumDays: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }).optional(),
  })
  .refine((retention) => retention.minimumDays === undefined || retention.basis !== undefined, {
    error: 'minimumDays needs a basis (the legal obligation that requires keeping the records), named when an erasure is refused',
    path: ['basis'],
  })
  .refine((retention) => retention.minimumDays === undefined || retention.minimumDays <= retention.days, {
    error: 'minimumDays cannot be more than days (records expire after days)',
    path: ['minimumDays'],
  });

/** The languages of the first-contact disclosure: those the offline language detection tells apart. */
export const DisclosureLanguageSchema = z.enum(['pt', 'es', 'en']);

const webUrl = z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${quote(issue.input)}` });

/**
 * The usage-policy notice e-mailed to each line's employee (docs/privacy.md), with a
 * personal, single-use acknowledgement link.
 */
export const EmployeeNoticeSchema = z
  .strictObject({
    /** Version of the usage policy. A line without an acknowledgement for this version gets the notice. */
    policyVersion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
      error: (issue) =>
        typeof issue.input === 'number'
          ? `must be a string — quote it ("${String(issue.input)}"): YAML reads it as a number`
          : `must be 1–40 letters, digits, dots, hyphens or underscores (e.g. "2026-11"), got ${quote(issue.input)}`,
    }),
    /** Where the policy is published (the e-mail links to it). */
    policyUrl: webUrl.optional(),
    /** The policy itself, sent in the e-mail (instead of or besides policyUrl). */
    policyText: text.optional(),
    /** Sender of the notice e-mails: an address of an identity verified in Amazon SES. */
    from: email,
    /**
     * The SES identity the functions may send as (`ses:SendEmail` is granted on its ARN only): the
     * verified domain or e-mail address.
     * @default - the domain of `from`
     */
    sesIdentity: z
      .string()
      .regex(/^(?:[^@\s]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/, {
        error: (issue) => `must be a domain or an e-mail address verified in SES, got ${quote(issue.input)}`,
      })
      .optional(),
    /** @default "WhatsApp usage policy <policyVersion>: please confirm you have read it" */
    subject: text.optional(),
    /** Days an acknowledgement link stays valid. @default 30 */
    linkValidDays: z.number().int({ error: 'must be a whole number of days' }).min(1, { error: 'must be between 1 and 365' }).max(365, { error: 'must be between 1 and 365' }).default(30),
    /**
     * Base URL of the acknowledgement link (a custom domain in front of the API).
     * @default - the HTTP API's URL on AWS; the local stack's URL locally
     */
    publicUrl: webUrl.optional(),
  })
  .refine((notice) => notice.policyUrl !== undefined || notice.policyText !== undefined, { error: 'needs policyUrl or policyText (or both)' });

/** The notice a contact gets, once, the first time they write to a line (docs/privacy.md). */
export const DisclosureSettingsSchema = z
  .strictObject({
    /** @default true */
    enabled: z.boolean().default(true),
    /** A contact who wrote again this many days after their last disclosure gets it again. @default 365 */
    renewDays: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }).default(365),
    /** The notice per language (pt, es, en): at least one; WhatsApp allows 4,096 characters. */
    text: z
      .strictObject({
        pt: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
        es: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
        en: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
      })
      .refine((texts) => Object.values(texts).some((value) => value !== undefined), { error: 'needs at least one of pt, es, en' }),
    /**
     * The language used when the contact's cannot be told (or has no text).
     * @default - pt when given, else the first of es, en given
     */
    defaultLanguage: DisclosureLanguageSchema.optional(),
  })
  .refine((disclosure) => disclosure.defaultLanguage === undefined || disclosure.text[disclosure.defaultLanguage] !== undefined, {
    error: (issue) => `has no text for it: add text.${String((issue.input as { defaultLanguage?: string }).defaultLanguage)}`,
    path: ['defaultLanguage'],
  });

/** Privacy operations (docs/privacy.md). Absent: no notice, no disclosure. */
export const PrivacySettingsSchema = z.strictObject({
  employeeNotice: EmployeeNoticeSchema.optional(),
  disclosure: DisclosureSettingsSchema.optional(),
});

/**
 * Optional WORM storage of the archive bucket (S3 Object Lock, default retention on every new
 * object: raw webhooks, rejected bodies and media). Absent: no Object Lock. Once deployed it
 * cannot be turned off for the bucket, and within `days` nobody can delete or overwrite a locked
 * object version: in COMPLIANCE mode not even the account root; in GOVERNANCE mode only a
 * principal with `s3:BypassGovernanceRetention` (which no Vigia role has). Erasure requests for
 * locked objects are refused until their lock ends. See docs/deploy.md "6. WORM: S3 Object Lock".
 */
export const ObjectLockSchema = z.strictObject({
  mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
  /** Days each new object version stays locked (1–36500; e.g. 1825 = 5 years). */
  days: z
    .number()
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be between 1 and 36500' })
    .max(36500, { error: 'must be between 1 and 36500' }),
});

/** The archive bucket's storage options. */
export const ArchiveSettingsSchema = z.strictObject({
  objectLock: ObjectLockSchema.optional(),
});

/**
 * Operations alarms (docs/deploy.md "8. The alarms"): every CloudWatch alarm of the deployment
 * notifies the ops topic, to which these addresses and phones are subscribed.
 */
export const OpsSettingsSchema = z.strictObject({
  /** E-mail addresses subscribed to the ops topic (each confirms the subscription once). @default none */
  email: z
    .array(email)
    .default([])
    .refine((list) => new Set(list).size === list.length, { error: 'lists an address twice (SNS allows one subscription per endpoint)' }),
  /** Phones (E.164) subscribed to the ops topic by SMS. @default none */
  sms: z
    .array(phone)
    .default([])
    .refine((list) => new Set(list).size === list.length, { error: 'lists a phone twice (SNS allows one subscription per endpoint)' }),
  /**
   * Capture gap: a line (without `expectTraffic: false`) from which no webhook arrived for this many
   * hours raises its alarm (1–168).
   * @default 24
   */
  captureGapHours: z
    .number()
    .int({ error: 'must be a whole number of hours' })
    .min(1, { error: 'must be between 1 and 168' })
    .max(168, { error: 'must be between 1 and 168' })
    .default(24),
});

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Same rule as `validateStage` (infra/config.ts), which names stacks after the stage. */
const STAGE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * Per-stage overrides of the deployment defaults (infra/config.ts `stageSettings`): the stage
 * named `prod` keeps logs 365 days and S3 access logs 365 days, any other stage 30 and 90.
 */
export const StageSettingsSchema = z.strictObject({
  /** Retention of every log group (functions, API access logs, state machine). One of LOG_RETENTION_DAYS. */
  logRetentionDays: z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), { error: `must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention periods)` })
    .optional(),
  /** Days the S3 server access logs (access-logs bucket) are kept (1–3653). */
  accessLogRetentionDays: z
    .number()
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be between 1 and 3653' })
    .max(3653, { error: 'must be between 1 and 3653' })
    .optional(),
});

/** How the compliance checks treat what is not live traffic. */
export const ComplianceSettingsSchema = z.strictObject({
  /**
   * `history` backfill (up to 180 days before onboarding): `check` runs the policies over it and
   * records the alerts (marked backfill, status open) without notifying anyone; `skip` leaves it unchecked.
   */
  history: z.enum(['check', 'skip'], { error: 'must be check or skip' }).default('check'),
});

export const VigiaConfigSchema = z.strictObject({
  lines: z.array(LineSchema).default([]),
  teams: z.array(TeamSchema).default([]),
  policies: z.array(PolicySchema).default([]),
  compliance: ComplianceSettingsSchema.default({ history: 'check' }),
  sentiment: SentimentSettingsSchema.default({ analyzer: 'screened', minLetters: 12 }),
  analytics: AnalyticsSettingsSchema.default({ includeText: false, scheduleHours: 1, lookbackDays: 2, firstDay: '2022-01-01' }),
  retention: RetentionSettingsSchema.optional(),
  privacy: PrivacySettingsSchema.optional(),
  archive: ArchiveSettingsSchema.optional(),
  ops: OpsSettingsSchema.default({ email: [], sms: [], captureGapHours: 24 }),
  /** Keyed by stage name (`cdk deploy -c stage=NAME`). */
  stages: z
    .record(
      z.string().regex(STAGE_NAME, { error: (issue) => `must be a stage name (lowercase letters, digits and dashes), got ${quote(issue.input)}` }),
      StageSettingsSchema,
    )
    .optional(),
});

export type VigiaConfig = z.output<typeof VigiaConfigSchema>;
export type ObjectLockSettings = z.output<typeof ObjectLockSchema>;
export type OpsSettings = VigiaConfig['ops'];
export type StageSettings = z.output<typeof StageSettingsSchema>;
export type Line = VigiaConfig['lines'][number];
export type Team = VigiaConfig['teams'][number];
export type Manager = Team['managers'][number];
export type Policy = VigiaConfig['policies'][number];
export type KeywordPolicy = Extract<Policy, { kind: 'keyword' }>;
export type FilePolicy = Extract<Policy, { kind: 'file' }>;
export type SentimentPolicy = Extract<Policy, { kind: 'sentiment' }>;
export type SentimentSettings = VigiaConfig['sentiment'];
export type ComplianceSettings = VigiaConfig['compliance'];
import type { ComplianceChecks } from './compliance-checks';

export { COMPLIANCE_CHECKS, checksSource, type ComplianceChecks } from './compliance-checks';

/** `COMPLIANCE_CHECKS` of the functions for this config (shared/config/compliance-checks.ts). */
export function complianceChecksOf(config: Pick<VigiaConfig, 'policies' | 'compliance'>): ComplianceChecks {
  if (config.policies.length === 0) return 'none';
  return config.compliance.history === 'skip' ? 'live' : 'all';
}
export type AnalyticsSettings = VigiaConfig['analytics'];
export type RetentionSettings = NonNullable<VigiaConfig['retention']>;
export type PrivacySettings = NonNullable<VigiaConfig['privacy']>;
export type EmployeeNoticeSettings = NonNullable<PrivacySettings['employeeNotice']>;
export type DisclosureSettings = NonNullable<PrivacySettings['disclosure']>;
export type DisclosureLanguage = z.output<typeof DisclosureLanguageSchema>;
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
  const problems = [...(result.success ? [] : result.error.issues.flatMap(describeIssue)), ...crossReferenceProblems(raw), ...retentionLockProblems(raw)];
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
    case 'invalid_key':
      // A record key (e.g. a stage name under `stages`): the key schema's own message.
      return [{ path: issue.path, message: issue.issues[0]?.message ?? issue.message }];
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

/**
 * `retention.days` shorter than `archive.objectLock.days`: S3 cannot expire an object version
 * while it is locked, so raw webhooks and media would outlive the retention the config declares
 * (and the table records that point to them).
 */
function retentionLockProblems(raw: unknown): Problem[] {
  if (!isRecord(raw) || !isRecord(raw.retention) || !isRecord(raw.archive) || !isRecord(raw.archive.objectLock)) return [];
  const retentionDays = raw.retention.days;
  const lockDays = raw.archive.objectLock.days;
  if (typeof retentionDays !== 'number' || typeof lockDays !== 'number' || retentionDays >= lockDays) return [];
  return [
    {
      path: ['retention', 'days'],
      message: `must be at least archive.objectLock.days (${lockDays}): a locked object cannot expire before its lock ends, so it would be kept longer than the retention says`,
    },
  ];
}
