import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import type { WebhookDependencies } from '../../shared/capture/receive-webhook';
import { ArchiveBucketEnv, loadEnv } from '../../shared/config/env';
import { s3Client } from '../../shared/platform/s3-client';
import { whatsAppSecretsSource } from '../../shared/platform/secrets';

/** The secrets that check signatures and the raw archive (validated once, at cold start). */
export function webhookDependencies(): WebhookDependencies {
  const env = loadEnv(ArchiveBucketEnv);
  return {
    secrets: whatsAppSecretsSource(),
    archive: new S3RawArchive(s3Client(), env.ARCHIVE_BUCKET),
  };
}
