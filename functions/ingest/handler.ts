import middy from '@middy/core';
import * as z from 'zod';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { messageQueueFor } from '../../shared/media/adapters/message-queues';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { disclosureStarterFor } from '../../shared/privacy/adapters/disclosure-starter';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3ArchiveObjects } from '../../shared/privacy/adapters/s3-archive-objects';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';
import { ArchiveBucketEnv, ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { COMPLIANCE_CHECKS } from '../../shared/config/compliance-checks';
import { logger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { projectRawWebhook } from '../../shared/capture/project-raw-webhook';
import { rawKeysFromNotification } from './s3-event';

const env = loadEnv(
  ArchiveBucketEnv.extend(ArchiveTableEnv.shape).extend({
    MEDIA_QUEUE_URL: required(),
    COMPLIANCE_STATE_MACHINE_ARN: required(),
    /** The first-contact disclosure function (name or ARN; `local://disclosure` locally); unset when disclosure is off. */
    DISCLOSURE_FUNCTION: required().optional(),
    /** `retention.days` of the config: records get `expiresAt` (docs/privacy.md); unset: nothing expires. */
    RETENTION_DAYS: z.coerce.number().int().positive().optional(),
    /** Which messages are checked (complianceChecksOf the config): all, live (not history) or none. */
    COMPLIANCE_CHECKS: z.enum(COMPLIANCE_CHECKS, { error: `must be one of ${COMPLIANCE_CHECKS.join(', ')}` }).default('all'),
  }),
);
const dependencies = {
  archive: new S3RawArchive(s3Client(), env.ARCHIVE_BUCKET),
  repository: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  // Erasure tombstones and legal holds: an erased contact's records are never projected again.
  privacy: new DynamoDbPrivacyRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  retentionDays: env.RETENTION_DAYS,
  rawTagger: new S3ArchiveObjects(s3Client(), env.ARCHIVE_BUCKET),
  media: { repository: new DynamoDbMediaRepository(dynamoDbClient(), env.ARCHIVE_TABLE), queue: messageQueueFor(env.MEDIA_QUEUE_URL) },
  compliance: env.COMPLIANCE_CHECKS === 'none' ? undefined : complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN),
  checkHistory: env.COMPLIANCE_CHECKS === 'all',
  disclosure: env.DISCLOSURE_FUNCTION ? disclosureStarterFor(env.DISCLOSURE_FUNCTION) : undefined,
};
const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  metrics.addMetric('NotificationsReceived', MetricUnit.Count, 1);
  for (const rawKey of rawKeysFromNotification(record.body)) {
    const summary = await projectRawWebhook(rawKey, dependencies);
    metrics.addMetric('RecordsProjected', MetricUnit.Count, summary.created);
    metrics.addMetric('DuplicateRecords', MetricUnit.Count, summary.duplicates);
    if (summary.conflicts > 0) metrics.addMetric('ConflictingRecords', MetricUnit.Count, summary.conflicts);
    // A field Vigia keeps only as a change event (a new Meta field, or one not yet projected): seen, not silently parked.
    for (const [field, count] of countBy(summary.unprojectedFields ?? [])) {
      metrics.addMetric(`${VIGIA_METRICS.unprojectedChangesPrefix}${metricSafe(field)}`, MetricUnit.Count, count);
    }
    if (summary.issues.length > 0 || summary.error) {
      logger.warn('raw webhook projected with issues', { rawKey, issues: summary.issues.slice(0, 5), error: summary.error });
    }
  }
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** A Meta field name as part of a metric name (CloudWatch allows letters, digits and a few symbols). */
function metricSafe(field: string): string {
  return field.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || 'unnamed';
}

/** SQS (S3 notifications for raw/) → projection; failed objects are reported individually for retry. */
export const handler = middy(async (event: SQSEvent) => processPartialResponse(event, processRecord, processor))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
