import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { MEDIA_RETENTION_MS, type MediaItem } from './media';
import { GraphApiError, type GraphMediaApi, type MediaInfo } from './adapters/graph-media-api';
import type { MediaRepository, StoredMedia } from './ports/media-repository';

/** Where verified files go, under their content address. */
export interface MediaStore {
  /** `retention`: the object's `vigia-retention` tag (`hold` for a file of a held message). @default 'expire' */
  put(file: string, size: number, sha256: string, contentType: string, metadata: Record<string, string>, retention?: 'expire' | 'hold'): Promise<string>;
}

export interface FetchMediaDependencies {
  media: MediaRepository;
  graph: GraphMediaApi;
  store: MediaStore;
  now?: () => Date;
  /** Waits between attempts on retriable failures (5xx, 429, network, stalls). @default [1000, 4000, 15000] */
  retryDelaysMs?: number[];
  /** A download with no bytes for this long is abandoned and retried. @default 30000 */
  idleTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Scratch space for one file at a time (Lambda's /tmp). @default os.tmpdir() */
  scratchDir?: string;
}

export type FetchOutcome = 'stored' | 'already_stored' | 'failed' | 'expired' | 'unknown_media';

export interface FetchResult {
  outcome: FetchOutcome;
  mediaId: string;
  hashVerified?: boolean | null;
  reason?: string;
}

/** Statuses on the download URL that mean "this URL is no longer good": fetch a fresh one. */
const STALE_URL = new Set([401, 403, 404, 410]);
const HEAD_BYTES = 64 * 1024;
/** Automatic retries after a failed fetch (the sweeper re-queues), doubling up to 6 hours. */
const BACKOFF_BASE_MS = 15 * 60 * 1000;
const BACKOFF_MAX_MS = 6 * 3600 * 1000;

/**
 * Downloads one media file from the Graph API into the archive, verifying Meta's sha256 and
 * sniffing the real type. Idempotent: a stored item is left alone. A failure that outlasts
 * the retries marks the item `failed` with its reason and a next-attempt time, never throws
 * for expected Graph API trouble — so the queue is not blocked and the sweeper retries later.
 */
export async function fetchMedia(mediaId: string, deps: FetchMediaDependencies): Promise<FetchResult> {
  const now = deps.now ?? (() => new Date());
  const item = await deps.media.get(mediaId);
  if (!item) return { outcome: 'unknown_media', mediaId };
  if (item.state === 'stored') return { outcome: 'already_stored', mediaId, hashVerified: item.hashVerified };
  if (item.state === 'expired') return { outcome: 'expired', mediaId, reason: item.lastError };
  if (now().getTime() - Date.parse(item.createdAt) > MEDIA_RETENTION_MS) {
    const reason = 'not stored within the 7 days Meta keeps media';
    await deps.media.markExpired(item, reason);
    return { outcome: 'expired', mediaId, reason };
  }

  try {
    const stored = await downloadWithRetries(item, deps);
    await deps.media.markStored(item, stored);
    return { outcome: 'stored', mediaId, hashVerified: stored.hashVerified };
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    const reason = error.message;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** item.attempts);
    await deps.media.markFailed(item, reason, new Date(now().getTime() + delay).toISOString());
    return { outcome: 'failed', mediaId, reason };
  }
}

async function downloadWithRetries(item: MediaItem, deps: FetchMediaDependencies): Promise<StoredMedia> {
  const delays = deps.retryDelaysMs ?? [1_000, 4_000, 15_000];
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let retriesUsed = 0;
  let urlRefreshes = 0;
  let mismatchRetried = false;
  for (;;) {
    const file = join(deps.scratchDir ?? tmpdir(), `vigia-media-${randomUUID()}`);
    try {
      const info = await deps.graph.getMediaInfo(item.mediaId, item.lineId);
      const stored = await downloadOnce(item, info, file, deps);
      if (stored.hashVerified === false && !mismatchRetried) {
        // One more download before accepting a mismatch: a truncated transfer is the usual cause.
        mismatchRetried = true;
        continue;
      }
      const contentType = stored.sniffedMime ?? stored.declaredMime ?? 'application/octet-stream';
      return { ...stored, s3Key: await deps.store.put(file, stored.size, stored.sha256, contentType, objectMetadata(item, stored), item.heldExpiresAt !== undefined ? 'hold' : 'expire') };
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      if (error.status !== undefined && STALE_URL.has(error.status) && error.message.startsWith('media download') && urlRefreshes < 2) {
        urlRefreshes += 1; // expired or revoked URL: the next loop asks the Graph API for a fresh one
        continue;
      }
      if (error.retriable && retriesUsed < delays.length) {
        await sleep(delays[retriesUsed++]);
        continue;
      }
      throw error;
    } finally {
      await rm(file, { force: true });
    }
  }
}

/** Streams the download to a scratch file, hashing, counting and keeping the head for sniffing. */
async function downloadOnce(item: MediaItem, info: MediaInfo, file: string, deps: FetchMediaDependencies): Promise<Omit<StoredMedia, 's3Key'>> {
  const source = await deps.graph.download(info.url);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  const idleTimeoutMs = deps.idleTimeoutMs ?? 30_000;
  let idle: NodeJS.Timeout | undefined;
  const armIdleTimer = () => {
    clearTimeout(idle);
    idle = setTimeout(() => source.destroy(new GraphApiError(`media download stalled: no bytes for ${idleTimeoutMs} ms`, undefined, true)), idleTimeoutMs);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      if (headLength < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      armIdleTimer();
      callback(null, chunk);
    },
  });
  armIdleTimer();
  try {
    await pipeline(source, meter, createWriteStream(file));
  } catch (error) {
    throw error instanceof GraphApiError ? error : new GraphApiError(`media download: ${(error as Error).message}`, undefined, true);
  } finally {
    clearTimeout(idle);
  }

  const sha256 = hash.digest('hex');
  const expected = toHex(info.sha256 ?? item.declaredSha256);
  const sniffed = await fileTypeFromBuffer(Buffer.concat(head));
  return {
    sha256,
    hashVerified: expected === undefined ? null : expected === sha256,
    sniffedMime: sniffed?.mime,
    sniffedExtension: sniffed?.ext,
    size,
    declaredSize: info.fileSize,
    declaredMime: info.mimeType ?? item.declaredMime,
    declaredSha256: info.sha256 ?? item.declaredSha256,
  };
}

/** Meta sends sha256 as hex or base64; anything else cannot match (returned as-is). */
export function toHex(sha256: string | undefined): string | undefined {
  if (!sha256) return undefined;
  if (/^[0-9a-f]{64}$/i.test(sha256)) return sha256.toLowerCase();
  const bytes = Buffer.from(sha256, 'base64');
  return bytes.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(sha256) ? bytes.toString('hex') : sha256;
}

function objectMetadata(item: MediaItem, stored: Omit<StoredMedia, 's3Key'>): Record<string, string> {
  const ascii = (value: string) => value.replace(/[^\x20-\x7e]/g, '?').slice(0, 256);
  return Object.fromEntries(
    Object.entries({
      'media-id': item.mediaId,
      'message-id': item.messageId,
      'declared-mime': stored.declaredMime,
      'sniffed-mime': stored.sniffedMime,
      'hash-verified': String(stored.hashVerified),
    }).flatMap(([key, value]) => (value === undefined ? [] : [[key, ascii(value)]])),
  );
}
