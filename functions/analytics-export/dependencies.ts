import * as z from 'zod';
import { DynamoDbAnalyticsSource } from '../../shared/analytics/adapters/dynamodb-analytics-source';
import { S3AnalyticsStore } from '../../shared/analytics/adapters/s3-analytics-store';
import type { ExportDependencies } from '../../shared/analytics/export';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';

const AnalyticsExportEnv = z.object({ ...ArchiveTableEnv.shape, ANALYTICS_BUCKET: required(3) });

/** What the export needs, from the environment and the inlined config (validated once, at cold start). */
export function analyticsExportDependencies(): ExportDependencies & { bucket: string } {
  const env = loadEnv(AnalyticsExportEnv);
  return {
    bucket: env.ANALYTICS_BUCKET,
    source: new DynamoDbAnalyticsSource(dynamoDbClient(), env.ARCHIVE_TABLE),
    store: new S3AnalyticsStore(s3Client(), env.ANALYTICS_BUCKET),
    config: configFromEnvironment(),
  };
}

/**
 * The invocation payload: `{ "since": "YYYY-MM-DD" }` on demand (`vigia export --stage`), or the
 * EventBridge scheduled event (no `since`: the incremental export).
 */
export const ExportRequestSchema = z.object({
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-01')
    .optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;
