import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { DynamoDbMediaRepository } from '../../shared/adapters/dynamodb-media-repository';
import { DEFAULT_GRAPH_API_URL, FetchGraphMediaApi } from '../../shared/adapters/graph-media-api';
import { S3MediaStore } from '../../shared/adapters/s3-media-store';
import { dynamoDbClient, s3Client } from '../../shared/clients';
import { ArchiveBucketEnv, ArchiveTableEnv, loadEnv } from '../../shared/config/env';
import { logger, metrics } from '../../shared/powertools';
import { whatsAppSecretsSource } from '../../shared/secrets';
import { VIGIA_METRICS } from '../../infra/metric-names';
import { fetchMedia } from './fetch-media';

const env = loadEnv(
  ArchiveBucketEnv.extend(ArchiveTableEnv.shape).extend({
    WHATSAPP_GRAPH_API_URL: z.url().default(DEFAULT_GRAPH_API_URL),
    /** Waits between in-invocation retries, e.g. "1000,4000,15000". */
    MEDIA_RETRY_DELAYS_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 1000,4000,15000')
      .default('1000,4000,15000')
      .transform((value) => value.split(',').map(Number)),
    MEDIA_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  }),
);
const secrets = whatsAppSecretsSource();
const dependencies = {
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
const processor = new BatchProcessor(EventType.SQS);
const MediaJobBody = z.object({ mediaId: z.string().min(1) });

async function processRecord(record: SQSRecord): Promise<void> {
  const { mediaId } = MediaJobBody.parse(JSON.parse(record.body));
  const result = await fetchMedia(mediaId, dependencies);
  metrics.addMetric(`Media_${result.outcome}`, MetricUnit.Count, 1);
  if (result.hashVerified === false) {
    metrics.addMetric(VIGIA_METRICS.mediaHashMismatch, MetricUnit.Count, 1);
    logger.warn('media stored but its bytes do not match the sha256 Meta declared', { mediaId });
  }
  if (result.outcome === 'failed' || result.outcome === 'expired') logger.warn('media not stored', { mediaId, outcome: result.outcome, reason: result.reason });
}

/** SQS media jobs → Graph API download → archive. Unexpected errors fail only that record. */
export const handler = middy(async (event: SQSEvent) => processPartialResponse(event, processRecord, processor))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
