/**
 * Compliance: policies from the deployment config, the checks the flow runs on every new message,
 * and the alerts they raise. The Step Functions flow (infra/constructs/compliance-flow.ts) passes
 * these shapes between its tasks; the local stack runs the same definition.
 */

import type { CheckResultsByKind, PolicyKindName } from './policies/registry';

export type Severity = 'low' | 'medium' | 'high';
export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/** A policy kind's name (shared/compliance/policies/registry.ts). */
export type PolicyKind = PolicyKindName;

export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';

/** Comprehend's DetectSentiment shape, also produced by the offline analyzer. */
export interface SentimentResult {
  sentiment: SentimentLabel;
  scores: { Positive: number; Negative: number; Neutral: number; Mixed: number };
  languageCode: string;
  /** Who decided: the offline analyzer alone, or Amazon Comprehend. */
  analyzer: 'offline' | 'comprehend';
}

/** What the flow knows about a message: read once by the Prepare task. */
export interface MessageContext {
  messageId: string;
  lineId: string;
  /** From the config's lines; undefined for a line the config does not list. */
  employee?: string;
  team?: string;
  contactId?: string;
  direction: 'inbound' | 'outbound';
  source: string;
  type: string;
  text?: string;
  timestamp: string;
  /** Media to fetch before the file checks. */
  mediaId?: string;
}

/** The file as the file rules see it (from the media item once stored). */
export interface FileFacts {
  state: 'pending' | 'stored' | 'failed' | 'expired';
  filename?: string;
  extension?: string;
  declaredMime?: string;
  sniffedMime?: string;
  size?: number;
  hashVerified?: boolean | null;
  /** Where the stored file is in the archive bucket (`media/…`): what FileContentCheck reads. */
  s3Key?: string;
}

/** What FileContentCheck made of the file's text, kept on the message record (`compliance.fileText`). */
export type FileTextSummary =
  | { scanned: true; format: string; chars: number; truncated: boolean }
  | { scanned: false; reason: string };

/**
 * Output of the checks, one result per policy kind under its name; stored on the message record
 * whether or not anything hit.
 */
export type CheckResults = CheckResultsByKind & {
  /** The text inside the file (CSV, XLSX, DOCX, ODS/ODT, PDF) that the kinds looking into files read, or why none was read. */
  fileText?: FileTextSummary;
  /** A check that could not run (e.g. Comprehend throttled after retries): name → error. */
  errors?: Record<string, string>;
};

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** What a reviewer does to an alert (the console's actions; the CLI has acknowledge and resolve). */
export type AlertAction = 'acknowledge' | 'assign' | 'resolve' | 'reopen';

/** The conclusion of a resolved alert. */
export type AlertOutcome = 'violation' | 'no_violation' | 'coaching';

export interface AlertEvent {
  /** The status after the event (an assignment keeps the status). */
  status: AlertStatus;
  by: string;
  at: string;
  note?: string;
  /** The action taken (absent on the opening event and on events written before actions existed). */
  action?: AlertAction;
  /** `assign`: the console user (e-mail) now responsible. */
  assignee?: string;
  /** `resolve`: the conclusion. */
  outcome?: AlertOutcome;
}

export interface Alert {
  /** Deterministic: one alert per (message, policy) however often the flow runs. */
  id: string;
  messageId: string;
  lineId: string;
  employee?: string;
  team?: string;
  contactId?: string;
  policyId: string;
  kind: PolicyKind;
  severity: Severity;
  evidence: Record<string, unknown>;
  status: AlertStatus;
  /** Append-only audit trail: open, then acknowledgements, assignments, resolutions and reopenings. */
  history: AlertEvent[];
  createdAt: string;
  /** Who is responsible for the review (a console user's e-mail), once assigned. */
  assignee?: string;
  /** The conclusion, while resolved (a reopening clears it; the trail keeps it). */
  outcome?: AlertOutcome;
  /**
   * A `history` backfill message raised it: kept for review (status open), never notified —
   * nobody is told about a conversation months old (`vigia alerts --backfill`).
   */
  backfill?: boolean;
  /** The subscriptions (ids, see subscriptionsFromConfig) it has been delivered to, one publish each. */
  deliveredTo?: string[];
  /** Set once it has been delivered to every subscription that matched it (none may have). */
  notifiedAt?: string;
}

/**
 * The state passed along the compliance flow. Every Lambda task receives the whole state as its
 * payload and returns it extended (`outputPath: $.Payload`), except inside the `Checks` parallel
 * branches, whose outputs land in `checks` as an array.
 *
 *   Prepare → HasMedia? → FetchMedia → Checks [RuleChecks | SentimentCheck | HasStoredFile? → FileContentCheck] → Record → Notify → Done
 *   any Catch → RecordFailure → Failed
 */
export interface FlowState {
  messageId: string;
  /** Set by Prepare. Absent when the message is not (yet) in the archive. */
  context?: MessageContext;
  /** Set by FetchMedia (or Prepare when the file is already stored). */
  file?: FileFacts;
  /** Set by the Catch of FetchMedia: the file could not be fetched now (retried by the media sweeper). */
  mediaError?: { Error: string; Cause?: string };
  /**
   * Outputs of the Checks branches: `{ keyword, file, pii }` from RuleChecks, `{ sentiment }` or
   * `{ sentimentError }` from SentimentCheck, `{ fileText, keyword, pii }` or `{ fileContentError }`
   * from FileContentCheck. A kind found in two branches (the text and the file's text) is merged by Record.
   */
  checks?: Array<Partial<CheckResults> & { sentimentError?: { Error: string; Cause?: string }; fileContentError?: { Error: string; Cause?: string } }>;
  /**
   * Set by Record: every alert of the message's checks, created by this run or an earlier one —
   * Notify decides from each alert's stored deliveries what is still to send.
   */
  alertIds?: string[];
  /** Set by a Catch before RecordFailure. */
  failure?: { Error: string; Cause?: string };
}

/** Exact state names of the compliance flow (CDK defines them, the local runner maps them). */
export const FLOW_STATES = {
  prepare: 'Prepare',
  hasMedia: 'HasMedia',
  fetchMedia: 'FetchMedia',
  checks: 'Checks',
  ruleChecks: 'RuleChecks',
  sentimentCheck: 'SentimentCheck',
  sentimentFailed: 'SentimentFailed',
  hasStoredFile: 'HasStoredFile',
  fileContentCheck: 'FileContentCheck',
  fileContentFailed: 'FileContentFailed',
  noFileText: 'NoFileText',
  record: 'Record',
  notify: 'Notify',
  recordFailure: 'RecordFailure',
  done: 'Done',
  failed: 'Failed',
} as const;
