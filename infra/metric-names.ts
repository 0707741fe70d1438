/**
 * Custom CloudWatch metrics that alarms watch. The functions publish them with Powertools
 * Metrics (EMF) and the PipelineStack alarms on them: both sides must use these exact names.
 * No imports on purpose: function code may import this file without pulling aws-cdk-lib into
 * its bundle.
 */
export const VIGIA_METRICS = {
  /** Powertools `namespace` (shared/powertools.ts; POWERTOOLS_METRICS_NAMESPACE on the functions). */
  namespace: 'Vigia',
  /**
   * Dimensions of every Vigia EMF metric. Powertools adds `service` to each metric; its value is
   * the `serviceName` given to `new Metrics(...)` in shared/powertools.ts (it wins over the
   * POWERTOOLS_SERVICE_NAME variable). A metric with other or extra dimensions is another metric
   * for CloudWatch, and the alarms would not see it.
   */
  dimensions: { service: 'vigia' },
  /** Published by the media sweeper: media items not stored 24 h after their webhook (a gauge). */
  mediaOverdue: 'MediaOverdue',
  /** Published by media fetch: a downloaded file whose SHA-256 differs from the webhook's (a count). */
  mediaHashMismatch: 'MediaHashMismatch',
} as const;
