import middy from '@middy/core';
import * as z from 'zod';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { redrive } from '../../shared/compliance/redrive';
import { redriveDependencies } from './dependencies';

const logger = functionLogger('vigia-redrive');
const dependencies = redriveDependencies((alertId, error) =>
  logger.error('alert still not delivered; the next run retries', { alertId, error: error.name, message: error.message }),
);

/**
 * The schedule's event (EventBridge's own fields are ignored) may shorten the grace periods: the
 * local stack runs with 0 at start, when nothing of an earlier process can still be running.
 */
const Event = z.looseObject({ graceSeconds: z.number({ error: 'graceSeconds must be a number' }).min(0, { error: 'graceSeconds must not be negative' }).optional() });

/** Hourly (EventBridge schedule); locally every VIGIA_REDRIVE_SECONDS and at start. */
export const handler = middy(async (event: unknown) => {
  const parsed = Event.safeParse(event ?? {});
  if (!parsed.success) throw new Error(`unreadable re-drive event: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const grace = parsed.data.graceSeconds;
  const settings = grace === undefined ? dependencies.settings : { ...dependencies.settings, checkGraceMs: grace * 1000, notifyGraceMs: grace * 1000 };
  const summary = await redrive({ ...dependencies, settings });
  // Gauges published every run (0 included) so the alarms always have data.
  metrics.addMetric(VIGIA_METRICS.uncheckedMessages, MetricUnit.Count, summary.uncheckedMessages);
  metrics.addMetric(VIGIA_METRICS.unnotifiedAlerts, MetricUnit.Count, summary.unnotifiedAlerts);
  metrics.addMetric(VIGIA_METRICS.checksRedriven, MetricUnit.Count, summary.checksRedriven.length);
  metrics.addMetric(VIGIA_METRICS.alertDeliveryFailed, MetricUnit.Count, summary.alertDeliveryFailures.length);
  if (summary.checksGivenUp.length > 0) {
    logger.error('messages still unchecked after every re-drive: look at their flow failures (vigia messages --json)', { messageIds: summary.checksGivenUp.slice(0, 50) });
  }
  return {
    checksRedriven: summary.checksRedriven.length,
    uncheckedMessages: summary.uncheckedMessages,
    checksGivenUp: summary.checksGivenUp.length,
    unnotifiedAlerts: summary.unnotifiedAlerts,
    alertsDelivered: summary.alertsDelivered.length,
    alertDeliveryFailures: summary.alertDeliveryFailures.length,
  };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
