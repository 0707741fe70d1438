import { ArchiveBucketEnv, loadEnv } from '../../../shared/config/env';
import { configFromEnvironment } from '../../../shared/config/vigia-config';
import type { FileContentDependencies } from '../../../shared/compliance/file-content-check';
import { piiFingerprintKeySource } from '../../../shared/compliance/policies/pii/fingerprint-key';
import { S3MediaStore } from '../../../shared/media/adapters/s3-media-store';
import { s3Client } from '../../../shared/platform/clients';

/** The FileContentCheck function's composition root: the archived files (media/) and the fingerprint key. */
export function fileContentDependencies(): FileContentDependencies {
  const env = loadEnv(ArchiveBucketEnv);
  return { config: configFromEnvironment(), files: new S3MediaStore(s3Client(), env.ARCHIVE_BUCKET), fingerprintKey: piiFingerprintKeySource() };
}
