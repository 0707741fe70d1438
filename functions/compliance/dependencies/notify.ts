import { alertPublisherFor } from '../../../shared/compliance/adapters/alert-publishers';
import { DynamoDbAlertRepository } from '../../../shared/compliance/adapters/dynamodb-alert-repository';
import { ArchiveTableEnv, loadEnv, required } from '../../../shared/config/env';
import { configFromEnvironment } from '../../../shared/config/vigia-config';
import { dynamoDbClient } from '../../../shared/platform/clients';

/** The Notify function's composition root: the alerts and the topic their notifications go to. */
export function notifyDependencies() {
  const env = loadEnv(ArchiveTableEnv.extend({ ALERTS_TOPIC_ARN: required() }));
  return {
    alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
    config: configFromEnvironment(),
  };
}
