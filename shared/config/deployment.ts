import * as z from 'zod';
import { email, phone, quote } from './fields';

/** `archive`, `ops` and `stages`: how the deployment stores, alarms and keeps its logs. */

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

/** `stages`, keyed by stage name (`cdk deploy -c stage=NAME`). */
export const StagesSchema = z.record(
  z.string().regex(STAGE_NAME, { error: (issue) => `must be a stage name (lowercase letters, digits and dashes), got ${quote(issue.input)}` }),
  StageSettingsSchema,
);
