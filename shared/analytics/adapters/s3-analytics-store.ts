import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AnalyticsStore } from '../ports/analytics';

/**
 * The analytics bucket. `readJson` lists the exact key before reading it: the export function may
 * list only that key (s3:ListBucket with an `s3:prefix` condition), and without a list right S3
 * answers a missing key with 403 instead of 404.
 */
export class S3AnalyticsStore implements AnalyticsStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.byteLength, ContentType: contentType }));
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    const listing = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }));
    if (!(listing.Contents ?? []).some((object) => object.Key === key)) return undefined;
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await response.Body!.transformToString('utf8')) as T;
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    await this.put(key, body, 'application/json');
  }
}
