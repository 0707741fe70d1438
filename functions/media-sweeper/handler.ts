import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { sweepMedia } from '../../shared/media/sweep-media';
import { mediaSweeperDependencies } from './dependencies';

const dependencies = mediaSweeperDependencies();
const logger = functionLogger('vigia-media-sweeper');

/** Hourly (EventBridge schedule): retries, expiry, and the MediaOverdue metric the alarm watches. */
export const handler = middy(async () => {
  const result = await sweepMedia(dependencies);
  // Published every run (0 included) so the alarm always has data.
  metrics.addMetric(VIGIA_METRICS.mediaOverdue, MetricUnit.Count, result.overdue.length);
  metrics.addMetric('MediaRequeued', MetricUnit.Count, result.requeued.length);
  metrics.addMetric('MediaExpired', MetricUnit.Count, result.expired.length);
  for (const item of result.overdue) {
    logger.warn('media not stored 24 h after its webhook', {
      mediaId: item.mediaId,
      messageId: item.messageId,
      state: item.state,
      ageHours: Math.round((Date.now() - Date.parse(item.createdAt)) / 3_600_000),
      lastError: item.lastError,
    });
  }
  return { requeued: result.requeued.length, expired: result.expired.length, overdue: result.overdue.length };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
