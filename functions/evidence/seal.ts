import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVIDENCE_METRICS } from '../../shared/evidence/metric-names';
import { sealDigest } from '../../shared/evidence/seal';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { sealDependencies } from './dependencies';

const dependencies = sealDependencies();
const logger = functionLogger('vigia-evidence-seal');

/** What the seal returns (and `vigia evidence seal --stage` prints): where the digest is, never any object's content. */
export interface SealSummary {
  sealed: boolean;
  key?: string;
  sequence?: number;
  leaves?: number;
  periodFrom?: string;
  periodTo?: string;
  reason?: string;
}

/**
 * Hourly (EventBridge schedule) and on demand (`vigia evidence seal --stage`, an empty payload;
 * the event is ignored): seals one signed, chained digest of what was stored since the last one.
 */
export const handler = middy(async (): Promise<SealSummary> => {
  const result = await sealDigest(dependencies);
  // Published every run (0 included): the alarm breaches on two hours without a digest, or without data.
  metrics.addMetric(EVIDENCE_METRICS.digestsSealed, MetricUnit.Count, result.sealed ? 1 : 0);
  if (!result.sealed) {
    logger.info('nothing to seal', { reason: result.reason, latest: result.latest?.key });
    return { sealed: false, reason: result.reason };
  }
  const { digest } = result;
  const summary = { sealed: true, key: result.key, sequence: digest.sequence, leaves: digest.leaves, periodFrom: digest.period.from, periodTo: digest.period.to };
  logger.info('digest sealed', { ...summary, counts: digest.counts });
  return summary;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
