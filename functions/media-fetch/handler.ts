import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { loadEnv, required } from '../../shared/config/env';
import { checksSource, COMPLIANCE_CHECKS } from '../../shared/config/compliance-checks';
import { logger, metrics } from '../../shared/observability/powertools';
import { mediaFetchDependencies } from './dependencies';
import { fetchMedia } from '../../shared/media/fetch-media';
import { MediaJob, parseContract } from '../../shared/platform/contracts';

const dependencies = mediaFetchDependencies();
const env = loadEnv(
  z.object({
    COMPLIANCE_STATE_MACHINE_ARN: required(),
    /** Which messages are checked (shared/config/compliance-checks.ts). */
    COMPLIANCE_CHECKS: z.enum(COMPLIANCE_CHECKS, { error: `must be one of ${COMPLIANCE_CHECKS.join(', ')}` }).default('all'),
  }),
);
const complianceFlow = complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN);
const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  const { mediaId } = parseContract(MediaJob, 'media job', record.body);
  const result = await fetchMedia(mediaId, dependencies);
  metrics.addMetric(`Media_${result.outcome}`, MetricUnit.Count, 1);
  if (result.hashVerified === false) {
    metrics.addMetric(VIGIA_METRICS.mediaHashMismatch, MetricUnit.Count, 1);
    logger.warn('media stored but its bytes do not match the sha256 Meta declared', { mediaId });
  }
  if (result.outcome === 'stored') {
    // A file stored on a retry was skipped by its message's compliance run: check it now.
    const item = await dependencies.media.get(mediaId);
    if (item && checksSource(env.COMPLIANCE_CHECKS, item.source ?? '')) await complianceFlow.start([item.messageId]);
  }
  if (result.outcome === 'failed' || result.outcome === 'expired') logger.warn('media not stored', { mediaId, outcome: result.outcome, reason: result.reason });
}

/** SQS media jobs (retries, history media) → Graph API download → archive. */
export const handler = middy(async (event: SQSEvent) => processPartialResponse(event, processRecord, processor))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
