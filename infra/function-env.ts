/**
 * Names of the environment variables the infrastructure sets on the functions. No imports on
 * purpose: function code may import this file without pulling aws-cdk-lib into its bundle.
 */
export const FUNCTION_ENV = {
  /** Name of the archive bucket (set by `bindArchiveBucketPrefix`). */
  archiveBucket: 'ARCHIVE_BUCKET',
  /** Name of the archive table (set by `bindArchiveTable`). */
  archiveTable: 'ARCHIVE_TABLE',
  /** ARN of the `vigia/<stage>/whatsapp` secret (set by `bindSecret`). */
  whatsappSecretArn: 'WHATSAPP_SECRET_ARN',
  /** URL of the media queue (set by `bindQueueSender` on the ingest and media-sweeper functions). */
  mediaQueueUrl: 'MEDIA_QUEUE_URL',
  /**
   * Graph API base URL, e.g. `https://graph.facebook.com/v25.0` (media-fetch function). Set only
   * when the PipelineStack is given `graphApiUrl`; otherwise the function uses its own default.
   */
  graphApiUrl: 'WHATSAPP_GRAPH_API_URL',
  /**
   * ARN of the compliance state machine (set by `bindStateMachine` on the ingest and media-fetch
   * functions, which start one execution per new message or newly stored file).
   */
  complianceStateMachineArn: 'COMPLIANCE_STATE_MACHINE_ARN',
  /**
   * Which messages go through the compliance checks: `all`, `live` or `none`
   * (shared/config/compliance-checks.ts), from the config, on the functions that start the flow.
   */
  complianceChecks: 'COMPLIANCE_CHECKS',
  /** ARN of the alerts topic (set by `bindTopicPublisher` on the compliance notify function). */
  alertsTopicArn: 'ALERTS_TOPIC_ARN',
  /** Name of the analytics bucket (set on the analytics-export function with its grants, infra/constructs/analytics-export.ts). */
  analyticsBucket: 'ANALYTICS_BUCKET',
  /** ARN of the first-contact disclosure function, which ingest invokes asynchronously (infra/constructs/contact-disclosure.ts). */
  disclosureFunction: 'DISCLOSURE_FUNCTION',
  /** ARN of the `vigia/<stage>/notice-signing` secret: the HMAC key of the acknowledgement links (infra/constructs/employee-notice.ts). */
  noticeSecretArn: 'NOTICE_SECRET_ARN',
  /** ARN of the secret holding the HMAC key of personal-data fingerprints (RuleChecks, FileContentCheck; infra/constructs/compliance-flow.ts). */
  piiSecretArn: 'PII_SECRET_ARN',
  /** Base URL of the acknowledgement links: the HTTP API's URL or the config's `publicUrl` (notice function). */
  publicUrl: 'VIGIA_PUBLIC_URL',
  /**
   * The manager console's base URL (`console.url`, else the console distribution's), on the
   * functions that write alert notifications (compliance notify, re-drive): the alert deep link is
   * `<CONSOLE_URL>/#/alerts/<id>` (infra/constructs/manager-console.ts).
   */
  consoleUrl: 'CONSOLE_URL',
  /** How the notice function sends e-mail: `ses` (`local://outbox` in the local stack). */
  noticeMailer: 'NOTICE_MAILER',
  /** ARN of the evidence signing key (KMS, ECC_NIST_P256, SIGN_VERIFY), on the seal and verify functions (infra/constructs/tamper-evidence.ts). */
  evidenceKeyId: 'EVIDENCE_KEY_ID',
  /** The deployment's stage, recorded in each digest the seal function writes. */
  stage: 'VIGIA_STAGE',
} as const;

/**
 * Build-time constants: esbuild replaces these expressions in the bundle (`bundling.define`), so
 * the value is part of the code, not of the function configuration.
 */
export const FUNCTION_DEFINES = {
  /**
   * The deployment config (`VigiaConfig`) as a JSON string, inlined into the compliance functions
   * that apply the policies. Code reads `process.env.VIGIA_CONFIG_JSON`: replaced by the literal in
   * a bundle, an ordinary environment variable when run unbundled (local stack, tests).
   */
  vigiaConfigJson: 'process.env.VIGIA_CONFIG_JSON',
} as const;
