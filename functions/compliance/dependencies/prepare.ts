import { DynamoDbArchiveRepository } from '../../../shared/capture/adapters/dynamodb-archive-repository';
import { ArchiveTableEnv, loadEnv } from '../../../shared/config/env';
import { configFromEnvironment } from '../../../shared/config/vigia-config';
import { dynamoDbClient } from '../../../shared/platform/clients';

/**
 * The Prepare function's composition root. Each task function has its own module here, so its
 * bundle carries only the adapters it uses (the sentiment analyzer alone is over 600 KB).
 */
export function prepareDependencies() {
  const env = loadEnv(ArchiveTableEnv);
  return { archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE), config: configFromEnvironment() };
}
