import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ARCHIVE_PREFIXES } from '../../resources/definitions';
import { RETENTION_TAG_KEY, type RetentionTag } from '../../privacy/retention';

/**
 * Media files in the archive bucket, content-addressed: `media/sha256/<hex>`, streamed from a
 * verified local file in one PutObject with a known length: the SDK sends it chunk by chunk, so
 * memory stays flat whatever the size (WhatsApp media is at most 100 MB; S3 takes 5 GB per PUT).
 */
export class S3MediaStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  static keyFor(sha256: string): string {
    return `${ARCHIVE_PREFIXES.media}sha256/${sha256}`;
  }

  /** `retention` is the object's `vigia-retention` tag: the lifecycle rules expire only `expire` (docs/privacy.md). */
  async put(file: string, size: number, sha256: string, contentType: string, metadata: Record<string, string>, retention: RetentionTag = 'expire'): Promise<string> {
    const key = S3MediaStore.keyFor(sha256);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
        Metadata: metadata,
        Tagging: `${RETENTION_TAG_KEY}=${retention}`,
        // S3 checks the bytes it receives against the hash we computed while downloading.
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
      }),
    );
    return key;
  }

  async open(key: string): Promise<Readable> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return response.Body as Readable;
  }
}
