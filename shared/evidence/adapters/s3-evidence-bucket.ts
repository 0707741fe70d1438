import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isMissingObject } from '../../platform/objects';
import { S3ArchiveObjects } from '../../privacy/adapters/s3-archive-objects';
import type { EvidenceBucket, StoredObject } from '../ports/evidence-bucket';

/** The archive bucket on S3 (or s3rver locally). Under Object Lock, what is written here is kept as the bucket's default retention says. */
export class S3EvidenceBucket implements EvidenceBucket {
  /** The archive bucket's objects as the privacy operations list them: the same listing. */
  private readonly objects: S3ArchiveObjects;

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {
    this.objects = new S3ArchiveObjects(s3, bucket);
  }

  list(prefix: string): AsyncIterable<StoredObject> {
    return this.objects.list(prefix);
  }

  async open(key: string): Promise<Readable | undefined> {
    try {
      return (await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))).Body as Readable;
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<Buffer | undefined> {
    const body = await this.open(key);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async write(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }
}
