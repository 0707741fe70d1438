import { alertPublisherFor } from '../../shared/adapters/alert-publishers';
import { DynamoDbAlertRepository } from '../../shared/adapters/dynamodb-alert-repository';
import { dynamoDbClient } from '../../shared/clients';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { notify } from './flow-tasks';
import { flowTask } from './task-handler';

const env = loadEnv(ArchiveTableEnv.extend({ ALERTS_TOPIC_ARN: required() }));
const deps = {
  alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  publisher: alertPublisherFor(env.ALERTS_TOPIC_ARN),
  config: configFromEnvironment(),
};

export const handler = flowTask('Notify', (state) => notify(state, deps));
