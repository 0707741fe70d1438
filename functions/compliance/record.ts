import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv } from '../../shared/config/env';
import { record } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const env = loadEnv(ArchiveTableEnv);
const deps = {
  archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
};

/** Record (and RecordFailure, which invokes this function with `failure` set). */
export const handler = flowTask('Record', (state) => record(state, deps));
