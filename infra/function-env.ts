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
} as const;
