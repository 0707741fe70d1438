/**
 * Runs one media fetch in a process of its own — what a media-fetch Lambda does — and prints
 * the peak of live memory (sampled after garbage collection) as JSON. Needs --expose-gc.
 * Env: DYNAMODB_ENDPOINT, S3_ENDPOINT, TABLE, BUCKET, GRAPH_URL, ACCESS_TOKEN, MEDIA_ID.
 */
import { fetchMedia } from '../../shared/media/fetch-media';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { FetchGraphMediaApi } from '../../shared/media/adapters/graph-media-api';
import { S3MediaStore } from '../../shared/media/adapters/s3-media-store';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';

const env = process.env as Record<string, string>;
const gc = (globalThis as { gc?: () => void }).gc!;
const db = createDynamoDbClient(env.DYNAMODB_ENDPOINT);
const s3 = createS3Client(env.S3_ENDPOINT);
const media = new DynamoDbMediaRepository(db, env.TABLE);
await media.register({ mediaId: env.MEDIA_ID, messageId: `wamid.${env.MEDIA_ID}`, lineId: 'L1', messageType: 'document', createdAt: new Date().toISOString(), declaredMime: 'application/pdf' });

gc();
const baseline = process.memoryUsage();
let peak = 0;
const sample = () => {
  gc();
  const usage = process.memoryUsage();
  peak = Math.max(peak, usage.arrayBuffers - baseline.arrayBuffers + Math.max(0, usage.heapUsed - baseline.heapUsed));
};
const sampler = setInterval(sample, 20);
const result = await fetchMedia(env.MEDIA_ID, {
  media,
  graph: new FetchGraphMediaApi(env.GRAPH_URL, async () => env.ACCESS_TOKEN),
  store: new S3MediaStore(s3, env.BUCKET),
});
clearInterval(sampler);
sample();
process.stdout.write(JSON.stringify({ result, peakBytes: peak }));
db.destroy();
s3.destroy();
