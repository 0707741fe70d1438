import * as z from 'zod';
import { ArchiveBucketEnv, ArchiveTableEnv, loadEnv } from '../../config/env';
import { dynamoDbClient, s3Client } from '../../platform/clients';
import { whatsAppSecretsSource } from '../../platform/secrets';
import type { FetchMediaDependencies } from '../fetch-media';
import { DynamoDbMediaRepository } from './dynamodb-media-repository';
import { DEFAULT_GRAPH_API_URL, FetchGraphMediaApi } from './graph-media-api';
import { S3MediaStore } from './s3-media-store';

const MediaDownloadEnv = z.object({
  ...ArchiveBucketEnv.shape,
  ...ArchiveTableEnv.shape,
  WHATSAPP_GRAPH_API_URL: z.url().default(DEFAULT_GRAPH_API_URL),
  /** Waits between in-invocation retries, e.g. "1000,4000,15000". */
  MEDIA_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 1000,4000,15000')
    .default('1000,4000,15000')
    .transform((value) => value.split(',').map(Number)),
  MEDIA_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

/**
 * What a media download needs, from the environment (validated once, at cold start): the media
 * queue's function and the compliance flow's FetchMedia task download the same way.
 */
export function mediaDownloadDependencies(): FetchMediaDependencies {
  const env = loadEnv(MediaDownloadEnv);
  const secrets = whatsAppSecretsSource();
  return {
    media: new DynamoDbMediaRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    store: new S3MediaStore(s3Client(), env.ARCHIVE_BUCKET),
    graph: new FetchGraphMediaApi(env.WHATSAPP_GRAPH_API_URL, async () => {
      const { accessToken } = await secrets();
      if (!accessToken) throw new Error('the WhatsApp secret has no accessToken: media cannot be downloaded');
      return accessToken;
    }),
    retryDelaysMs: env.MEDIA_RETRY_DELAYS_MS,
    idleTimeoutMs: env.MEDIA_IDLE_TIMEOUT_MS,
  };
}
