import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { prepare } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const env = loadEnv(ArchiveTableEnv);
const deps = { archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE), config: configFromEnvironment() };

export const handler = flowTask('Prepare', (state) => prepare(state, deps));
