import { createHash } from 'node:crypto';

/** The SHA-256 (hex) and size of a stream's bytes, read once. */
export async function sha256OfStream(stream: AsyncIterable<unknown>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** An S3 answer that the object is not there (GetObject: NoSuchKey; HeadObject and some stores: NotFound or a bare 404). */
export function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}
