import type * as z from 'zod';
import { DirectionSchema, nonEmptyList, SeveritySchema, slug, text } from '../../config/fields';
import type { ConsoleLanguage } from '../../config/schema';
import type { FileFacts, FLOW_STATES, MessageContext, Severity } from '../model';
import type { PolicyScope } from './scope';
import type { Redaction } from '../normalize-text';
import type { PiiFinding } from './pii/detectors/detector';

/**
 * What a policy kind is made of (one folder per kind beside this file, listed in ./registry.ts):
 * its config schema, its check, and the words people read about its alerts. The config, the
 * compliance flow, alerts, notifications and the CLI go through the registry, never a switch on
 * the kind (docs/compliance.md, "Adding a policy kind").
 */

/** The fields every policy has; a kind's schema spreads them beside its `kind` literal and its own fields. */
export const policyFields = {
  id: slug,
  severity: SeveritySchema,
  /** Team ids the policy applies to. @default every team, and lines without a team */
  teams: nonEmptyList(slug).optional(),
  /** @default both */
  direction: DirectionSchema.default('both'),
  description: text.optional(),
};

export interface PolicyBase {
  kind: string;
  id: string;
  severity: Severity;
  teams?: string[];
  direction: z.output<typeof DirectionSchema>;
  description?: string;
}

export interface PolicyHit {
  policyId: string;
  severity: Severity;
}

/** A kind's result on one message, kept on its record under the kind's name (`compliance.<kind>`). */
export interface CheckResult<Hit extends PolicyHit = PolicyHit> {
  hits: Hit[];
  /** Why the check could not judge the message (no text, file not stored…). */
  skipped?: string;
}

/** What the RuleChecks task hands every rule check. */
export interface RuleInput {
  context: MessageContext;
  scope: PolicyScope;
  /** The message's file, once FetchMedia ran. */
  file?: FileFacts;
  /** Why FetchMedia could not fetch it. */
  mediaError?: { Error: string };
  /** The deployment's keyed hash of a found value (HMAC), so alerts can name it without storing it. */
  fingerprint: Fingerprint;
  /** The personal data the config's pii detectors find in a text, masked: what excerpts must not show whole. */
  redactionsOf: (text: string) => readonly Redaction[];
}

/** The keyed hash of a found value under the deployment's fingerprint key (pii/detectors `fingerprint`). */
export type Fingerprint = (finding: Pick<PiiFinding, 'detector' | 'normalized'>) => string;

/** What FileContentCheck hands a kind that looks inside files: the text extracted from the message's stored file. */
export interface FileTextInput {
  text: string;
  context: MessageContext;
  scope: PolicyScope;
  file: FileFacts;
  fingerprint: Fingerprint;
  redactionsOf: (text: string) => readonly Redaction[];
}

export type PolicyCheck<Policy, Result> =
  /**
   * Compiled once per config, then run on every message by the RuleChecks task: synchronous,
   * no AWS. Returns undefined when the message has nothing for this kind to look at.
   */
  | { readonly runsIn: typeof FLOW_STATES.ruleChecks; compile(policies: Policy[]): (input: RuleInput) => Result | undefined }
  /**
   * Run by a flow state of its own, which the state machine defines (infra/constructs/compliance-flow.ts)
   * and a task of ../flow-tasks.ts implements: for a check that calls a service and must be retried apart.
   */
  | { readonly runsIn: typeof FLOW_STATES.sentimentCheck };

type PolicySchema = z.ZodType<PolicyBase>;

export interface PolicyKindDefinition<Schema extends PolicySchema = PolicySchema, Result extends CheckResult = CheckResult> {
  readonly kind: z.output<Schema>['kind'];
  /** `policies[]` items of this kind: `kind: z.literal(…)`, {@link policyFields} and the kind's own fields. */
  readonly schema: Schema;
  readonly check: PolicyCheck<z.output<Schema>, Result>;
  /**
   * Also looks inside files: compiled once per config and run by FileContentCheck over the text
   * extracted from the message's file (CSV, XLSX, DOCX, ODS/ODT, PDF). Its result is merged with
   * the check's (hits appended) by Record. Undefined when the policies have nothing to look for.
   */
  readonly fileText?: { compile(policies: z.output<Schema>[]): (input: FileTextInput) => Result | undefined };
  /** The kind in words, as the e-mail's first line names the alert: "a keyword alert", "um alerta de palavra-chave", "una alerta de palabra clave". */
  readonly alertName: Record<ConsoleLanguage, string>;
  /** The alert's evidence for one hit: what a reviewer needs to judge it, stored on the alert. */
  evidence(hit: Result['hits'][number], result: Result): Record<string, unknown>;
  /** The evidence in words in `vigia alerts`; undefined when the evidence is not of this kind's shape. */
  evidenceText(evidence: Record<string, unknown>): string | undefined;
  /**
   * The evidence line of the e-mail, and the SMS body when the alert has no excerpt, in the
   * manager's language (pt, es or en: `manager.language ?? console.defaultLanguage`).
   */
  notificationText(evidence: Record<string, unknown>, language: ConsoleLanguage): string | undefined;
  /** What `vigia policies check` says of a policy, before its teams and direction. */
  describe(policy: z.output<Schema>): string[];
  /**
   * `vigia policies check --text` / `--file`: what this kind's policies (possibly none) make of a
   * sample text, or of the text inside a sample file (`source: 'file'`, kinds with {@link fileText} only), one line each.
   */
  sampleCheck?(policies: z.output<Schema>[], text: string, scope: PolicyScope, source: 'text' | 'file'): string[];
}
