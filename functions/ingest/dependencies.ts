import * as z from 'zod';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import type { IngestDependencies } from '../../shared/capture/project-raw-webhook';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { COMPLIANCE_CHECKS } from '../../shared/config/compliance-checks';
import { ArchiveBucketEnv, ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { messageQueueFor } from '../../shared/media/adapters/message-queues';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';
import { disclosureStarterFor } from '../../shared/privacy/adapters/disclosure-starter';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3ArchiveObjects } from '../../shared/privacy/adapters/s3-archive-objects';

const IngestEnv = z.object({
  ...ArchiveBucketEnv.shape,
  ...ArchiveTableEnv.shape,
  MEDIA_QUEUE_URL: required(),
  COMPLIANCE_STATE_MACHINE_ARN: required(),
  /** The first-contact disclosure function (name or ARN; `local://disclosure` locally); unset when disclosure is off. */
  DISCLOSURE_FUNCTION: z.optional(required()),
  /** `retention.days` of the config: records get `expiresAt` (docs/privacy.md); unset: nothing expires. */
  RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** Which messages are checked (complianceChecksOf the config): all, live (not history) or none. */
  COMPLIANCE_CHECKS: z.enum(COMPLIANCE_CHECKS, { error: `must be one of ${COMPLIANCE_CHECKS.join(', ')}` }).default('all'),
});

/** What projecting a raw webhook needs, from the environment (validated once, at cold start). */
export function ingestDependencies(): IngestDependencies {
  const env = loadEnv(IngestEnv);
  return {
    archive: new S3RawArchive(s3Client(), env.ARCHIVE_BUCKET),
    repository: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    // Erasure tombstones and legal holds: an erased contact's records are never projected again.
    privacy: new DynamoDbPrivacyRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    retentionDays: env.RETENTION_DAYS,
    rawTagger: new S3ArchiveObjects(s3Client(), env.ARCHIVE_BUCKET),
    media: { repository: new DynamoDbMediaRepository(dynamoDbClient(), env.ARCHIVE_TABLE), queue: messageQueueFor(env.MEDIA_QUEUE_URL) },
    compliance: env.COMPLIANCE_CHECKS === 'none' ? undefined : complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN),
    checkHistory: env.COMPLIANCE_CHECKS === 'all',
    disclosure: env.DISCLOSURE_FUNCTION ? disclosureStarterFor(env.DISCLOSURE_FUNCTION) : undefined,
  };
}
