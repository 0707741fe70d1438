import { DynamoDbArchiveRepository } from '../../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbAlertRepository } from '../../../shared/compliance/adapters/dynamodb-alert-repository';
import { ArchiveTableEnv, loadEnv } from '../../../shared/config/env';
import { dynamoDbClient } from '../../../shared/platform/clients';

/** The Record function's composition root (RecordFailure runs the same function). */
export function recordDependencies() {
  const env = loadEnv(ArchiveTableEnv);
  return {
    archive: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    alerts: new DynamoDbAlertRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  };
}
