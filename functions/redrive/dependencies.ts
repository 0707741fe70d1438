import * as z from 'zod';
import { alertPublisherFor } from '../../shared/compliance/adapters/alert-publishers';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import type { RedriveDependencies } from '../../shared/compliance/redrive';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { dynamoDbClient } from '../../shared/platform/clients';

const seconds = (fallback: number) => z.coerce.number({ error: 'must be a number of seconds' }).min(0, { error: 'must not be negative' }).default(fallback);
const RedriveEnv = z.object({
  ...ArchiveTableEnv.shape,
  COMPLIANCE_STATE_MACHINE_ARN: required(),
  ALERTS_TOPIC_ARN: required(),
  /** The console's URL for the links in alert e-mails and SMS (the CloudFront distribution's on AWS); optional. */
  CONSOLE_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  REDRIVE_CHECK_GRACE_SECONDS: seconds(900),
  REDRIVE_NOTIFY_GRACE_SECONDS: seconds(900),
  REDRIVE_UNCHECKED_ALARM_SECONDS: seconds(3600),
  REDRIVE_MAX_CHECK_REDRIVES: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).default(24),
});

/** The stored state, the flow and the alert topic, and the grace periods (validated once, at cold start). */
export function redriveDependencies(onDeliveryFailure: RedriveDependencies['onDeliveryFailure']): RedriveDependencies {
  const env = loadEnv(RedriveEnv);
  return {
    archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    compliance: complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN),
    publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
    config: configFromEnvironment(),
    // Read at each delivery: the local stack sets it once its server listens (local/handler-environment.ts).
    consoleUrl: () => process.env.CONSOLE_URL || env.CONSOLE_URL,
    settings: {
      checkGraceMs: env.REDRIVE_CHECK_GRACE_SECONDS * 1000,
      notifyGraceMs: env.REDRIVE_NOTIFY_GRACE_SECONDS * 1000,
      uncheckedAlarmAfterMs: env.REDRIVE_UNCHECKED_ALARM_SECONDS * 1000,
      maxCheckRedrives: env.REDRIVE_MAX_CHECK_REDRIVES,
    },
    onDeliveryFailure,
  };
}
