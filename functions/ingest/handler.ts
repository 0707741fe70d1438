import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { projectRawWebhook } from '../../shared/capture/project-raw-webhook';
import { ingestDependencies } from './dependencies';
import { rawKeysFromNotification } from './s3-event';

const dependencies = ingestDependencies();
const logger = functionLogger('vigia-ingest');
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
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
