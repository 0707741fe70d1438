import { alertPublisherFor } from '../../shared/compliance/adapters/alert-publishers';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { notify } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const env = loadEnv(ArchiveTableEnv.extend({ ALERTS_TOPIC_ARN: required() }));
const deps = {
  alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
  config: configFromEnvironment(),
};

export const handler = flowTask('Notify', (state) => notify(state, deps));
