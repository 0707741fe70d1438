import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ArchiveObjects } from '../ports/subject-rights';
import { RETENTION_TAG_KEY, type RetentionTag } from '../retention';

export interface ArchiveObjectSummary {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * Objects of the archive bucket as the privacy operations handle them: read, delete for good
 * (every version: the bucket is versioned), re-tag for the retention lifecycle, and set S3 Object
 * Lock legal holds where the bucket has Object Lock.
 */
export class S3ArchiveObjects implements ArchiveObjects {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async open(key: string): Promise<Readable> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return response.Body as Readable;
  }

  async *list(prefix: string): AsyncIterable<ArchiveObjectSummary> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Deletes every version and delete marker of the key, so nothing is left to restore. A store
   * without versioning (s3rver locally) gets a plain delete. Returns the versions removed.
   */
  async deleteForGood(key: string): Promise<number> {
    let versions: { VersionId?: string }[];
    try {
      const listing = await this.s3.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key }));
      versions = [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])].filter((version) => (version as { Key?: string }).Key === key);
    } catch (error) {
      if (!isUnsupported(error)) throw error;
      versions = [];
    }
    if (versions.length === 0 || versions.every((version) => !version.VersionId || version.VersionId === 'null')) {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      return Math.max(1, versions.length);
    }
    for (const version of versions) await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: version.VersionId }));
    return versions.length;
  }

  /** Sets the `vigia-retention` tag the lifecycle rules filter on. */
  async tag(key: string, tag: RetentionTag): Promise<void> {
    await this.s3.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: [{ Key: RETENTION_TAG_KEY, Value: tag }] } }));
  }

  async retentionTag(key: string): Promise<string | undefined> {
    const response = await this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    return response.TagSet?.find((tag) => tag.Key === RETENTION_TAG_KEY)?.Value;
  }

  /** S3 Object Lock legal hold (only on a bucket created with Object Lock). */
  async objectLockLegalHold(key: string, on: boolean): Promise<void> {
    await this.s3.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, LegalHold: { Status: on ? 'ON' : 'OFF' } }));
  }
}

function isUnsupported(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NotImplemented' || name === 'MethodNotAllowed' || status === 405 || status === 501;
}
