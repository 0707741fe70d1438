import type * as z from 'zod';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbConversationReader } from '../../shared/capture/adapters/dynamodb-conversation-reader';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { ArchiveBucketEnv, ArchiveTableEnv, EndpointEnv, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { S3PresignedLinks } from '../../shared/console/adapters/s3-presigned-links';
import type { ConsoleDependencies } from '../../shared/console/ports';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';

/**
 * The console API's environment: the archive table (read; alerts and the audit log written) and
 * bucket (media links signed with the function's role: it needs s3:GetObject on `media/`).
 */
export const ConsoleApiEnv = ArchiveTableEnv.extend(ArchiveBucketEnv.shape).extend(EndpointEnv.shape);
export type ConsoleApiEnv = z.infer<typeof ConsoleApiEnv>;

/** The console's repositories and the config (validated once, at cold start). */
export function consoleApiDependencies(): ConsoleDependencies {
  const env = loadEnv(ConsoleApiEnv);
  const db = dynamoDbClient();
  return {
    config: configFromEnvironment(),
    alerts: new DynamoDbAlertRepository(db, env.ARCHIVE_TABLE),
    messages: new DynamoDbArchiveRepository(db, env.ARCHIVE_TABLE),
    conversations: new DynamoDbConversationReader(db, env.ARCHIVE_TABLE),
    media: new DynamoDbMediaRepository(db, env.ARCHIVE_TABLE),
    mediaLinks: new S3PresignedLinks(s3Client(), env.ARCHIVE_BUCKET),
    audit: new DynamoDbPrivacyRepository(db, env.ARCHIVE_TABLE),
  };
}
