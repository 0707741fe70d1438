import * as z from 'zod';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { messageQueueFor } from '../../shared/media/adapters/message-queues';
import type { SweepDependencies } from '../../shared/media/sweep-media';
import { dynamoDbClient } from '../../shared/platform/clients';

/** The media records and the media queue (validated once, at cold start). */
export function mediaSweeperDependencies(): SweepDependencies {
  const env = loadEnv(z.object({ ...ArchiveTableEnv.shape, MEDIA_QUEUE_URL: required() }));
  return {
    media: new DynamoDbMediaRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    queue: messageQueueFor(env.MEDIA_QUEUE_URL),
  };
}
