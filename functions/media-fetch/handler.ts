import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { checksSource } from '../../shared/config/compliance-checks';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { fetchMedia } from '../../shared/media/fetch-media';
import { MediaJob } from '../../shared/media/contracts';
import { parseContract } from '../../shared/platform/contracts';
import { mediaFetchDependencies } from './dependencies';

const { download, complianceFlow, complianceChecks } = mediaFetchDependencies();
const logger = functionLogger('vigia-media-fetch');
const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  const { mediaId } = parseContract(MediaJob, 'media job', record.body);
  const result = await fetchMedia(mediaId, download);
  metrics.addMetric(`Media_${result.outcome}`, MetricUnit.Count, 1);
  if (result.hashVerified === false) {
    metrics.addMetric(VIGIA_METRICS.mediaHashMismatch, MetricUnit.Count, 1);
    logger.warn('media stored but its bytes do not match the sha256 Meta declared', { mediaId });
  }
  if (result.outcome === 'stored') {
    // A file stored on a retry was skipped by its message's compliance run: check it now.
    const item = await download.media.get(mediaId);
    if (item && checksSource(complianceChecks, item.source ?? '')) await complianceFlow.start([item.messageId]);
  }
  if (result.outcome === 'failed' || result.outcome === 'expired') logger.warn('media not stored', { mediaId, outcome: result.outcome, reason: result.reason });
}

/** SQS media jobs (retries, history media) → Graph API download → archive. */
export const handler = middy(async (event: SQSEvent) => processPartialResponse(event, processRecord, processor))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
