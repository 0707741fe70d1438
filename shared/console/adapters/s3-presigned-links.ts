import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MediaLinks } from '../ports';

/** The longest a media link may last: the console asks for a new one whenever it shows the file again. */
export const MAX_MEDIA_LINK_SECONDS = 300;

/**
 * Presigned S3 GET URLs, signed with the function's own credentials: whoever has the URL can
 * download that object until it expires, nothing else. The client's endpoint decides the URL
 * (the bucket's regional endpoint on AWS, s3rver path-style locally).
 */
export class S3PresignedLinks implements MediaLinks {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async link(key: string, seconds: number, filename?: string): Promise<{ url: string; expiresAt: string }> {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_MEDIA_LINK_SECONDS) throw new RangeError(`a media link lasts 1 to ${MAX_MEDIA_LINK_SECONDS} seconds, not ${seconds}`);
    const signingDate = this.now();
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(filename ? { ResponseContentDisposition: `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"` } : {}),
    });
    const url = await getSignedUrl(this.s3, command, { expiresIn: seconds, signingDate });
    return { url, expiresAt: new Date(signingDate.getTime() + seconds * 1000).toISOString() };
  }
}
