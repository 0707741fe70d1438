import { AthenaClient } from '@aws-sdk/client-athena';
import * as z from 'zod';
import { AthenaQueryEngine } from '../../shared/analytics/adapters/athena-engine';
import { S3AnalyticsStore } from '../../shared/analytics/adapters/s3-analytics-store';
import { ExportOverviewSource, inlinedQueries } from '../../shared/analytics/overview-source';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbConversationReader } from '../../shared/capture/adapters/dynamodb-conversation-reader';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { ArchiveBucketEnv, ArchiveTableEnv, EndpointEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { S3PresignedLinks } from '../../shared/console/adapters/s3-presigned-links';
import type { OverviewDependencies, OverviewSource } from '../../shared/console/overview';
import type { ConsoleDependencies } from '../../shared/console/ports';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { AdaptersByScheme } from '../../shared/platform/adapters-by-scheme';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';

/**
 * The console API's environment: the archive table (read; alerts and the audit log written) and
 * bucket (media links signed with the function's role: it needs s3:GetObject on `media/`), and
 * where the overview's queries run: ANALYTICS_WORKGROUP (the Athena workgroup; the local stack's
 * `local://…`), ANALYTICS_DATABASE (the Glue database) and ANALYTICS_BUCKET (the export's
 * watermark). Without ANALYTICS_WORKGROUP the overview answers `no-export`.
 */
export const ConsoleApiEnv = z.object({
  ...ArchiveTableEnv.shape,
  ...ArchiveBucketEnv.shape,
  ...EndpointEnv.shape,
  ANALYTICS_WORKGROUP: z.string().min(1).optional(), ANALYTICS_DATABASE: z.string().min(1).optional(), ANALYTICS_BUCKET: z.string().min(3).optional() });
export type ConsoleApiEnv = z.infer<typeof ConsoleApiEnv>;

const AthenaOverviewEnv = z.object({ ANALYTICS_DATABASE: required(1), ANALYTICS_BUCKET: required(3) });

/** Each Athena query of the overview gives up after this long (the function's timeout is 15 s; the three run at once). */
export const OVERVIEW_QUERY_TIMEOUT_MS = 11_000;

/**
 * The overview's source by ANALYTICS_WORKGROUP: a workgroup name is Athena in that workgroup (the
 * Glue database ANALYTICS_DATABASE, the watermark in ANALYTICS_BUCKET); the local stack registers
 * `local://` (DuckDB over its export) before it imports the handler.
 */
export const overviewSources = new AdaptersByScheme<OverviewSource>((workGroup) => {
  const env = loadEnv(AthenaOverviewEnv);
  const engine = new AthenaQueryEngine(new AthenaClient({}), { workGroup, database: env.ANALYTICS_DATABASE, firstPollMs: 200, maxPollMs: 1_000, timeoutMs: OVERVIEW_QUERY_TIMEOUT_MS });
  // Inlined by esbuild (OVERVIEW_QUERIES_DEFINE): the bundle has no .sql files.
  const inlined = process.env.VIGIA_OVERVIEW_QUERIES_JSON;
  return new ExportOverviewSource({
    store: new S3AnalyticsStore(s3Client(), env.ANALYTICS_BUCKET),
    ...(inlined ? { queries: inlinedQueries(inlined) } : {}),
    withEngine: (use) => use(engine),
    // The Glue tables always exist: without a watermark nothing was exported, no query is run.
    requireWatermark: true,
    parallel: true,
  });
});

/** What the console API's routes use: the console's dependencies and the overview's source. */
export type ConsoleApiDependencies = ConsoleDependencies & OverviewDependencies;

/** The console's repositories and the config (validated once, at cold start). */
export function consoleApiDependencies(): ConsoleApiDependencies {
  const env = loadEnv(ConsoleApiEnv);
  const db = dynamoDbClient();
  return {
    config: configFromEnvironment(),
    alerts: new DynamoDbAlertRepository(db, env.ARCHIVE_TABLE),
    messages: new DynamoDbArchiveRepository(db, env.ARCHIVE_TABLE),
    conversations: new DynamoDbConversationReader(db, env.ARCHIVE_TABLE),
    media: new DynamoDbMediaRepository(db, env.ARCHIVE_TABLE),
    mediaLinks: new S3PresignedLinks(s3Client(), env.ARCHIVE_BUCKET),
    audit: new DynamoDbPrivacyRepository(db, env.ARCHIVE_TABLE),
    ...(env.ANALYTICS_WORKGROUP ? { overview: overviewSources.resolve(env.ANALYTICS_WORKGROUP) } : {}),
  };
}
