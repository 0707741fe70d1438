import middy from '@middy/core';
import * as z from 'zod';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { alertPublisherFor } from '../../shared/compliance/adapters/alert-publishers';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { logger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { redrive } from '../../shared/compliance/redrive';

const seconds = (fallback: number) => z.coerce.number({ error: 'must be a number of seconds' }).min(0, { error: 'must not be negative' }).default(fallback);
const env = loadEnv(
  ArchiveTableEnv.extend({
    COMPLIANCE_STATE_MACHINE_ARN: required(),
    ALERTS_TOPIC_ARN: required(),
    REDRIVE_CHECK_GRACE_SECONDS: seconds(900),
    REDRIVE_NOTIFY_GRACE_SECONDS: seconds(900),
    REDRIVE_UNCHECKED_ALARM_SECONDS: seconds(3600),
    REDRIVE_MAX_CHECK_REDRIVES: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).default(24),
  }),
);
const dependencies = {
  archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  compliance: complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN),
  publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
  config: configFromEnvironment(),
  settings: {
    checkGraceMs: env.REDRIVE_CHECK_GRACE_SECONDS * 1000,
    notifyGraceMs: env.REDRIVE_NOTIFY_GRACE_SECONDS * 1000,
    uncheckedAlarmAfterMs: env.REDRIVE_UNCHECKED_ALARM_SECONDS * 1000,
    maxCheckRedrives: env.REDRIVE_MAX_CHECK_REDRIVES,
  },
  onDeliveryFailure: (alertId: string, error: Error) => logger.error('alert still not delivered; the next run retries', { alertId, error: error.name, message: error.message }),
};

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
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
