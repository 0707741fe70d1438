import { alertPublisherFor } from '../../../shared/compliance/adapters/alert-publishers';
import { DynamoDbAlertRepository } from '../../../shared/compliance/adapters/dynamodb-alert-repository';
import * as z from 'zod';
import { ArchiveTableEnv, loadEnv, required } from '../../../shared/config/env';
import { configFromEnvironment } from '../../../shared/config/vigia-config';
import { dynamoDbClient } from '../../../shared/platform/clients';

/** The console's URL for the links in alert e-mails and SMS (the CloudFront distribution's on AWS); optional. */
const CONSOLE_URL = z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional());

/** The Notify function's composition root: the alerts, the topic their notifications go to, the console they link to. */
export function notifyDependencies() {
  const env = loadEnv(z.object({ ...ArchiveTableEnv.shape, ALERTS_TOPIC_ARN: required(), CONSOLE_URL }));
  return {
    alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
    config: configFromEnvironment(),
    // Read at each delivery: the local stack sets it once its server listens (local/handler-environment.ts).
    consoleUrl: () => process.env.CONSOLE_URL || env.CONSOLE_URL,
  };
}
