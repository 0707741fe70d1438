import * as z from 'zod';
import { tableAuditLog } from '../../shared/evidence/adapters/audit-log';
import { KmsDigestSigner } from '../../shared/evidence/adapters/kms-signer';
import { S3EvidenceBucket } from '../../shared/evidence/adapters/s3-evidence-bucket';
import type { SealDependencies } from '../../shared/evidence/seal';
import type { VerifyOptions } from '../../shared/evidence/verify';
import { ArchiveBucketEnv, ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { dynamoDbClient, s3Client } from '../../shared/platform/clients';

/** The signing key's ARN (EVIDENCE_KEY_ID): named in every digest, and what `vigia evidence public-key` exports. */
const EvidenceEnv = z.object({ ...ArchiveBucketEnv.shape, ...ArchiveTableEnv.shape, EVIDENCE_KEY_ID: required() });
/** The stage (VIGIA_STAGE) is recorded in each digest. */
const SealEnv = EvidenceEnv.extend({ VIGIA_STAGE: required() });

/** The archive bucket, the audit log (the table) and the KMS signing key. */
function evidenceStores(env: { ARCHIVE_BUCKET: string; ARCHIVE_TABLE: string; EVIDENCE_KEY_ID: string }) {
  return {
    bucket: new S3EvidenceBucket(s3Client(), env.ARCHIVE_BUCKET),
    audit: tableAuditLog(new DynamoDbPrivacyRepository(dynamoDbClient(), env.ARCHIVE_TABLE)),
    signer: new KmsDigestSigner(env.EVIDENCE_KEY_ID),
  };
}

/** What the hourly seal needs (validated once, at cold start). */
export function sealDependencies(): SealDependencies {
  const env = loadEnv(SealEnv);
  return { ...evidenceStores(env), stage: env.VIGIA_STAGE };
}

export type VerifyDependencies = Pick<VerifyOptions, 'bucket' | 'audit' | 'retentionDays'> & { signer: Pick<KmsDigestSigner, 'keyId' | 'publicKeyPem'> };

/**
 * What the daily verification needs (validated once, at cold start): the stores, the signing key
 * (its public key only) and `retention.days` of the inlined config (a sealed object missing after
 * that long expired: not tampering).
 */
export function verifyDependencies(): VerifyDependencies {
  const env = loadEnv(EvidenceEnv);
  return { ...evidenceStores(env), retentionDays: configFromEnvironment().retention?.days };
}
