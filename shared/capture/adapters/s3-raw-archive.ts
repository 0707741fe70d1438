import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ARCHIVE_PREFIXES } from '../../resources/definitions';
import { EXPIRE_TAGGING } from '../../privacy/retention';
import { layoutPrefixes, rawKeyFor, receiveDayOfKey, startAfterDay } from '../raw-key';
import type { RawArchive, RawObjectSummary, RawWebhookMetadata, RejectedWebhookMetadata, StoredRawWebhook } from '../ports/raw-archive';

/**
 * Raw bodies in the archive bucket, content-addressed within the receive day:
 * `raw/h=<h>/dt=YYYY-MM-DD/<sha256 of the body>.json`, `<h>` the sha256's first hex digit (16
 * prefixes for S3 to spread a day's writes over; shared/capture/raw-key.ts). A retry of the same
 * delivery on the same day overwrites identical bytes (idempotent); the projection is idempotent
 * across days anyway. Bodies archived before that layout stay at `raw/dt=YYYY-MM-DD/<sha256>.json`
 * and are listed with the others.
 */
export class S3RawArchive implements RawArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  static keyFor(prefix: string, body: Buffer, receivedAt: string): string {
    return rawKeyFor(prefix, createHash('sha256').update(body).digest('hex'), receivedAt);
  }

  async putRaw(body: Buffer, metadata: RawWebhookMetadata): Promise<string> {
    const key = S3RawArchive.keyFor(ARCHIVE_PREFIXES.raw, body, metadata.receivedAt);
    await this.put(key, body, { signature: metadata.signature, 'received-at': metadata.receivedAt });
    return key;
  }

  async putRejected(body: Buffer, metadata: RejectedWebhookMetadata): Promise<string> {
    const key = S3RawArchive.keyFor(ARCHIVE_PREFIXES.rejected, body, metadata.receivedAt);
    // S3 user metadata must be ASCII; reasons are ours, but keep them safe and short.
    const reason = metadata.reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
    await this.put(key, body, { signature: metadata.signature, 'received-at': metadata.receivedAt, reason });
    return key;
  }

  async getRaw(key: string): Promise<StoredRawWebhook> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const body = Buffer.from(await response.Body!.transformToByteArray());
    const meta = response.Metadata ?? {};
    return { key, body, metadata: { signature: meta.signature, receivedAt: meta['received-at'] } };
  }

  /**
   * Both layouts, merged oldest day first (each of the 17 listings — `raw/dt=` and `raw/h=0/` …
   * `raw/h=f/` — is in day order already, so one page of each is held at a time, nothing sorted).
   * Objects under raw/ in neither layout are not listed.
   */
  async *listRaw(options: { sinceDay?: string } = {}): AsyncIterable<RawObjectSummary> {
    const listings = layoutPrefixes(ARCHIVE_PREFIXES.raw).map((prefix) => this.list(prefix, options.sinceDay ? startAfterDay(prefix, options.sinceDay) : undefined)[Symbol.asyncIterator]());
    const heads = await Promise.all(listings.map((listing) => listing.next()));
    const order = (object: RawObjectSummary) => `${receiveDayOfKey(object.key) ?? ''}\u0000${object.key}`;
    for (;;) {
      let next = -1;
      for (let i = 0; i < heads.length; i += 1) {
        if (heads[i]!.done) continue;
        if (next < 0 || order(heads[i]!.value) < order(heads[next]!.value)) next = i;
      }
      if (next < 0) return;
      yield heads[next]!.value;
      heads[next] = await listings[next]!.next();
    }
  }

  private async *list(prefix: string, startAfter: string | undefined): AsyncIterable<RawObjectSummary> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, StartAfter: token ? undefined : startAfter }));
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, size: object.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async put(key: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.s3.send(
      // Tagged for the retention lifecycle rules, which expire only tagged objects (a legal hold re-tags them).
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', Metadata: metadata, Tagging: EXPIRE_TAGGING }),
    );
  }
}
