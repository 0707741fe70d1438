/**
 * Custom CloudWatch metrics that alarms watch. The functions publish them with Powertools
 * Metrics (EMF) and the stacks alarm on them: both sides must use these exact names, so both
 * import this file — runtime code never imports infra/. No imports on purpose.
 */
export const VIGIA_METRICS = {
  /** Powertools `namespace` (shared/observability/powertools.ts; POWERTOOLS_METRICS_NAMESPACE on the functions). */
  namespace: 'Vigia',
  /**
   * Dimensions of every Vigia EMF metric. Powertools adds `service` to each metric; its value is
   * the `serviceName` given to `new Metrics(...)` in shared/observability/powertools.ts (it wins over the
   * POWERTOOLS_SERVICE_NAME variable). A metric with other or extra dimensions is another metric
   * for CloudWatch, and the alarms would not see it.
   */
  dimensions: { service: 'vigia' },
  /** Published by the media sweeper: media items not stored 24 h after their webhook (a gauge). */
  mediaOverdue: 'MediaOverdue',
  /** Published by media fetch: a downloaded file whose SHA-256 differs from the webhook's (a count). */
  mediaHashMismatch: 'MediaHashMismatch',
  /** Published by the disclosure function: a first-contact disclosure sent (a count). */
  disclosureSent: 'DisclosureSent',
  /** Published by the disclosure function: the Cloud API refused or failed a disclosure (a count; alarmed). */
  disclosureSendFailed: 'DisclosureSendFailed',
  /** Published by the notice function: a notice e-mail that could not be sent (a count; alarmed). */
  noticeSendFailed: 'NoticeSendFailed',
  /**
   * Published by the webhook function: a POST whose X-Hub-Signature-256 did not verify (a count;
   * alarmed). Every other outcome is published as `Webhook_<outcome>` too.
   */
  webhookBadSignature: 'Webhook_bad_signature',
  /**
   * Published by the sentiment check: Amazon Comprehend throttled a DetectSentiment call after the
   * SDK's own retries (a count; alarmed). The flow retries the task; the sentiment is reported as
   * failed if it keeps failing.
   */
  comprehendThrottled: 'ComprehendThrottled',
  /**
   * Published by the webhook function for every archived webhook: the changes (messages, echoes,
   * statuses, history, app state) it carried for one line (a count). The one metric with an extra
   * dimension, `lineDimension`, set to Meta's phone number ID: one capture-gap alarm per configured
   * line watches `{ ...dimensions, [lineDimension]: phoneNumberId }`.
   */
  lineEventsReceived: 'LineEventsReceived',
  /** The extra dimension of `lineEventsReceived`. */
  lineDimension: 'LineId',
  /**
   * Published by the webhook function: a body Meta signed that is not a usable WhatsApp webhook
   * (not JSON, not a WhatsApp Business Account envelope), kept under `rejected/` and answered 200
   * so Meta does not resend it for 7 days (a count; alarmed).
   */
  webhookRejected: 'Webhook_rejected_archived',
  /**
   * Published by the ingest function, one metric per webhook field (`UnprojectedChanges_<field>`):
   * changes kept only as change events, not projected into messages, statuses, contacts or calls.
   */
  unprojectedChangesPrefix: 'UnprojectedChanges_',
  /**
   * Published by the re-drive every run (0 included): messages whose compliance check has not
   * completed an hour after they were archived (a gauge; alarmed).
   */
  uncheckedMessages: 'UncheckedMessages',
  /** Published by the re-drive: flows it started again for unchecked messages (a count). */
  checksRedriven: 'ChecksRedriven',
  /**
   * Published by the re-drive every run (0 included): alerts not delivered to every matching
   * subscription after the grace period, found by the re-drive (a count; alarmed).
   */
  unnotifiedAlerts: 'UnnotifiedAlerts',
  /** Published by the re-drive: alerts it could not deliver either (a count; the next run retries). */
  alertDeliveryFailed: 'AlertDeliveryFailed',
} as const;
