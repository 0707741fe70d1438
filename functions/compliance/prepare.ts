import { DynamoDbArchiveRepository } from '../../shared/adapters/dynamodb-archive-repository';
import { dynamoDbClient } from '../../shared/clients';
import { ArchiveTableEnv, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { prepare } from './flow-tasks';
import { flowTask } from './task-handler';

const env = loadEnv(ArchiveTableEnv);
const deps = { archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE), config: configFromEnvironment() };

export const handler = flowTask('Prepare', (state) => prepare(state, deps));
