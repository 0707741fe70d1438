import { ArchiveTableEnv, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { dynamoDbClient } from '../../shared/platform/clients';
import type { AckDependencies } from '../../shared/privacy/acknowledge-notice';
import { DynamoDbNoticeRepository } from '../../shared/privacy/adapters/dynamodb-notice-repository';
import { noticeSigningKeySource } from '../../shared/privacy/notice-signing-key';

/** The notice settings and records and the link signing key (validated once, at cold start). */
export function noticeAckDependencies(): AckDependencies {
  const env = loadEnv(ArchiveTableEnv);
  return {
    settings: configFromEnvironment().privacy?.employeeNotice,
    notices: new DynamoDbNoticeRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    signingKey: noticeSigningKeySource(),
  };
}
