/**
 * Values shared by more than one stack. They live here, not in either stack, so that the
 * StatefulStack (which owns the ingest queue) and the PipelineStack (which owns the ingest
 * function) cannot drift apart: the queue's visibility timeout is derived from the function's
 * timeout and batching window.
 */
import { fileURLToPath } from 'node:url';
import { Duration, Size } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import type { StageSettings, VigiaConfig } from '../shared/config/vigia-config';

/** Repository root: the esbuild project root and the home of `package-lock.json`. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Prefix of every stack name: `Vigia-<stage>-<Part>`. The CLI finds stacks by these names. */
export const STACK_NAME_PREFIX = 'Vigia';

export const WEBHOOK_FUNCTION = {
  memorySize: 256,
  timeout: Duration.seconds(10),
} as const;

export const INGEST_FUNCTION = {
  memorySize: 512,
  timeout: Duration.seconds(60),
  batchSize: 10,
  maxBatchingWindow: Duration.seconds(1),
} as const;

/**
 * AWS guidance for SQS event sources: visibility timeout ≥ 6 × function timeout + batching window,
 * so a message is not redelivered while a throttled or retried invocation still holds it.
 */
export const INGEST_QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(
  6 * INGEST_FUNCTION.timeout.toSeconds() + INGEST_FUNCTION.maxBatchingWindow.toSeconds(),
);

/** Deliveries of one message before it moves to the dead-letter queue. */
export const INGEST_MAX_RECEIVE_COUNT = 5;

/**
 * Downloads one media file (image, audio, video, document, sticker) from the Graph API into
 * `media/`. One file per invocation: the download streams to a scratch file in /tmp while it is
 * hashed, then goes up once (multipart above 5 MB) to its content address `media/sha256/<hex>`,
 * so memory stays flat whatever the file size, and a slow file never delays another.
 * /tmp holds one file of at most 100 MB at a time; 1024 MiB leaves headroom (a leftover file
 * from a crashed attempt in a reused execution environment, the runtime's own use).
 */
export const MEDIA_FETCH_FUNCTION = {
  memorySize: 1024,
  timeout: Duration.minutes(5),
  batchSize: 1,
  ephemeralStorageSize: Size.mebibytes(1024),
} as const;

/** Same rule as the ingest queue: ≥ 6 × the consumer's timeout (no batching window here). */
export const MEDIA_QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(6 * MEDIA_FETCH_FUNCTION.timeout.toSeconds());

/** Deliveries of one media message before it moves to the dead-letter queue. */
export const MEDIA_MAX_RECEIVE_COUNT = 3;

/**
 * Meta keeps inbound media for 7 days: a media message older than that cannot succeed, so the
 * queue keeps messages exactly that long (instead of SQS's default 4 days).
 */
export const MEDIA_QUEUE_RETENTION = Duration.days(7);

/**
 * Re-queues media still pending and publishes the `MediaOverdue` metric, on a schedule.
 */
export const MEDIA_SWEEPER_FUNCTION = {
  memorySize: 256,
  timeout: Duration.minutes(2),
  /** Rendered as the EventBridge expression `rate(1 hour)`. */
  scheduleRate: Duration.hours(1),
} as const;

/**
 * The compliance flow (infra/constructs/compliance-flow.ts): one Express execution per message.
 * Express executions are stopped after 5 minutes in total; the state machine's own timeout
 * (`COMPLIANCE_FLOW.timeout`, 4 min 30 s) ends a slow run first, as an execution that Step
 * Functions counts as timed out (ExecutionsTimedOut, alarmed on), 30 s before that hard limit.
 *
 * Worst case, every task running into its Lambda timeout, media path (a Lambda timeout is a
 * `States.TaskFailed`; the Lambda service-error retries are not counted, they fail fast):
 *
 *     Prepare                                                  30 s
 *   + FetchMedia: 60 s, 5 s wait, 60 s (one retry)            125 s   (caught: goes on to Checks)
 *   + Checks: RuleChecks 30 s ∥ SentimentCheck 30 s
 *             ∥ FileContentCheck 30 s                          30 s   (a timeout is not retried)
 *   + Record                                                   30 s
 *   + Notify                                                   30 s
 *   = 245 s (4 min 5 s), inside the flow's 270 s timeout and Express's 5 minutes.
 *
 * A message without media: 120 s. When the flow's timeout does cut a run (no RecordFailure then:
 * ComplianceFlowTimedOutAlarm is the trace), the message is checked again when its media is
 * stored or by a re-run. Not counted:
 * RecordFailure after a failed task (30 s, retried twice at 2 s and 4 s: up to 96 s), Notify's
 * retries of throttling errors (fast failures, at most 7 s of waits; COMPLIANCE_NOTIFY_RETRY), and a
 * SentimentCheck that throws a Comprehend throttling error after nearly 30 s on every attempt
 * (5 attempts and up to 30 s of jittered waits: up to 180 s).
 */
export const COMPLIANCE_FLOW = {
  /** The state machine's `TimeoutSeconds`: under the 5-minute Express limit, with margin. */
  timeout: Duration.seconds(270),
} as const;

/**
 * The compliance flow's functions. Each runs once per message inside the Express state machine
 * (see the budget above `COMPLIANCE_FLOW`).
 */
export const COMPLIANCE_FUNCTIONS = {
  /** Reads the message (and its media item) from the table. */
  prepare: { memorySize: 256, timeout: Duration.seconds(30) },
  /**
   * Downloads one media file, like the media-fetch function (same memory and /tmp), but within
   * 60 s instead of 5 min: a file too big or too slow for that is left to the media queue, where
   * the media sweeper re-queues it, the media-fetch function (5 min) stores it and re-runs the flow.
   */
  fetchMedia: {
    memorySize: MEDIA_FETCH_FUNCTION.memorySize,
    timeout: Duration.seconds(60),
    ephemeralStorageSize: MEDIA_FETCH_FUNCTION.ephemeralStorageSize,
  },
  /** Keyword and file rules: CPU only, on one message. */
  ruleChecks: { memorySize: 256, timeout: Duration.seconds(30) },
  /**
   * Reads the stored file (at most 25 MB) and extracts its text within the extraction limits
   * (shared/media/text-extraction: 50 MB inflated, 10 s), then runs the keyword and pii policies
   * over it. The memory leaves room for a PDF's parser beside the file and the text.
   */
  fileContentCheck: { memorySize: 1024, timeout: Duration.seconds(30) },
  /** One Comprehend DetectSentiment call (the SDK's own retries included), possibly in another region. */
  sentimentCheck: { memorySize: 256, timeout: Duration.seconds(30) },
  /** Writes the check results and the alerts (one conditional write per alert). */
  record: { memorySize: 256, timeout: Duration.seconds(30) },
  /** One SNS publish per alert and matching subscription, each recorded on the alert. */
  notify: { memorySize: 256, timeout: Duration.seconds(30) },
} as const;

/**
 * `Notify`'s retry of throttling, KMS and 5xx errors (NOTIFY_RETRYABLE_ERRORS: errors that come
 * back fast, not timeouts): three more attempts after at most 1, 2 and 4 s of jittered waits. What
 * still fails is delivered by the re-drive (REDRIVE_FUNCTION).
 */
export const COMPLIANCE_NOTIFY_RETRY = {
  maxAttempts: 3,
  interval: Duration.seconds(1),
  backoffRate: 2,
} as const;

/**
 * The re-drive (functions/redrive): starts the compliance flow again for messages whose check has
 * not completed `checkGrace` after they were archived, and delivers alerts still undelivered
 * `notifyGrace` after they were raised. Hourly; a message is re-driven at most `maxCheckRedrives`
 * times (then it stays counted by `UncheckedMessages` and alarmed on, for a person to look at).
 */
export const REDRIVE_FUNCTION = {
  memorySize: 256,
  timeout: Duration.minutes(5),
  scheduleRate: Duration.hours(1),
  /** A flow takes at most 4 min 30 s (COMPLIANCE_FLOW): one still running is not started again. */
  checkGrace: Duration.minutes(15),
  notifyGrace: Duration.minutes(15),
  /** Messages unchecked this long after they were archived are counted (`UncheckedMessages`, alarmed). */
  uncheckedAlarmAfter: Duration.hours(1),
  maxCheckRedrives: 24,
} as const;

/** `FetchMedia`'s retry of a failed task (a Lambda timeout included): once, after 5 s. */
export const COMPLIANCE_FETCH_MEDIA_RETRY = {
  maxAttempts: 1,
  interval: Duration.seconds(5),
} as const;

/**
 * The webhook API alarms (PipelineStack), over 5-minute periods: the 4xx rate above 10 % in 3
 * periods in a row (ignoring periods with fewer than 20 requests), the 5xx rate above 5 % in 3
 * periods in a row, and 5 or more bad signatures in one period.
 */
export const WEBHOOK_ALARMS = {
  period: Duration.minutes(5),
  evaluationPeriods: 3,
  clientErrorRatePercent: 10,
  clientErrorMinimumRequests: 20,
  serverErrorRatePercent: 5,
  badSignatures: 5,
} as const;

/** Stage names become part of stack names, the secret name and resource names. */
const STAGE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * Returns the stage if it is valid; throws otherwise (before any construct is created).
 */
export function validateStage(stage: unknown): string {
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage)) {
    throw new Error(
      `Invalid stage ${JSON.stringify(stage)}: use 1-32 lowercase letters, digits and dashes, ` +
        'starting and ending with a letter or digit (e.g. "dev", "prod", "pr-42"). ' +
        'Set it with `cdk synth -c stage=<name>`.',
    );
  }
  return stage;
}

/**
 * What differs between stages, after `stageSettings` applied the config's `stages.<stage>` over
 * the defaults. Everything else is the same in every stage on purpose: the stateful resources are
 * retained, and the stores encrypted and alarmed, in `dev` as in `prod`.
 */
export type DeploymentSettings = Required<StageSettings>;

/** The stage named `prod`: a year of logs (an incident or an audit looks back that far). */
export const PROD_STAGE_DEFAULTS: DeploymentSettings = { logRetentionDays: 365, accessLogRetentionDays: 365 };
/** Any other stage (`dev`, `pr-42`): a month of logs, three months of S3 access logs. */
export const OTHER_STAGE_DEFAULTS: DeploymentSettings = { logRetentionDays: 30, accessLogRetentionDays: 90 };

/** The settings of `stage`: the config's `stages.<stage>` over the defaults of `prod` or of any other stage. */
export function stageSettings(stage: string, config: Pick<VigiaConfig, 'stages'>): DeploymentSettings {
  const defaults = stage === 'prod' ? PROD_STAGE_DEFAULTS : OTHER_STAGE_DEFAULTS;
  const overrides = config.stages?.[stage] ?? {};
  return {
    logRetentionDays: overrides.logRetentionDays ?? defaults.logRetentionDays,
    accessLogRetentionDays: overrides.accessLogRetentionDays ?? defaults.accessLogRetentionDays,
  };
}

/**
 * Context key with the log retention (days) of the log groups under a construct. Each Vigia stack
 * sets it on itself from its `logRetentionDays` prop, so every log group created below it
 * (PipelineFunction's, the state machine's, the API's) gets the stage's retention without each
 * construct passing it down.
 */
export const LOG_RETENTION_CONTEXT = 'vigia:logRetentionDays';

/** Default log retention when no stack sets `LOG_RETENTION_CONTEXT` (a construct tested on its own). */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** The log retention that applies under `scope` (see `LOG_RETENTION_CONTEXT`). */
export function logRetentionOf(scope: IConstruct): logs.RetentionDays {
  const days: unknown = scope.node.tryGetContext(LOG_RETENTION_CONTEXT);
  // RetentionDays' values are the numbers of days themselves.
  return (typeof days === 'number' ? days : DEFAULT_LOG_RETENTION_DAYS) as logs.RetentionDays;
}

/**
 * Tamper evidence (docs/evidence.md): the hourly seal (functions/evidence/seal.ts). A busy day's
 * million objects are listed and, where their key does not name their hash, streamed: up to
 * Lambda's 15 minutes, with memory for the leaf list (compressed as it is made) and the listing.
 */
export const EVIDENCE_SEAL_FUNCTION = {
  memorySize: 1024,
  timeout: Duration.minutes(15),
  /** Rendered as the EventBridge expression `rate(1 hour)`. */
  scheduleRate: Duration.hours(1),
  /**
   * One sealer at a time: the next sequence is decided from the last stored digest, so two runs at
   * once would both write the same sequence (the second overwriting the first's digest).
   */
  reservedConcurrency: 1,
} as const;

/**
 * The daily verification (functions/evidence/verify.ts) of the previous UTC day's digests: every
 * sealed object of that day read and hashed again, so up to Lambda's 15 minutes.
 */
export const EVIDENCE_VERIFY_FUNCTION = {
  memorySize: 1024,
  timeout: Duration.minutes(15),
  /** 03:30 UTC: the day before is sealed whole (its last hourly digest was written after 00:05). */
  schedule: { minute: '30', hour: '3' },
} as const;

/** Alias of a stage's evidence signing key (StatefulStack). */
export function evidenceSigningKeyAlias(stage: string): string {
  return `alias/vigia/${stage}/evidence-signing`;
}

/**
 * Name of the seal function's role. Named, unlike the other roles, because the signing key's
 * policy (StatefulStack) lets this role alone sign, and that stack is deployed before the role
 * exists: it names the role by ARN in a condition (`aws:PrincipalArn`). The region keeps two
 * deployments of a stage in one account apart; at most 58 characters (IAM allows 64).
 */
export function evidenceSealRoleName(stage: string, region: string): string {
  return `vigia-${stage}-seal-${region}`;
}
