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
} as const;
