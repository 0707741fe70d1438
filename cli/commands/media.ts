import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fetchMedia, type FetchResult } from '../../shared/media/fetch-media';
import { isOverdue } from '../../shared/media/sweep-media';
import { MEDIA_STATES, type MediaItem, type MediaState } from '../../shared/media/media';
import { CliError, UsageError } from '../errors';
import { printTable } from '../table';
import type { Target } from '../target';

/** `vigia media [--state S] [--json]`: media items, oldest webhook first (the state is checked when parsed). */
export async function listMedia(target: Target, options: { state?: MediaState; json: boolean }, out: (line: string) => void): Promise<void> {
  const states = options.state ? [options.state] : MEDIA_STATES;
  const items = (await Promise.all(states.map((state) => target.media.listByState(state)))).flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (options.json) for (const item of items) out(JSON.stringify(mediaJson(item)));
  else printTable(['CREATED', 'STATE', 'MEDIA', 'TYPE', 'FILE', 'MIME', 'SIZE', 'CHECKS'], items.map(mediaRow), 'No media match.', out);
}

export function mediaJson(item: MediaItem): Record<string, unknown> {
  return {
    mediaId: item.mediaId,
    messageId: item.messageId,
    state: item.state,
    hashVerified: item.hashVerified ?? null,
    sha256: item.sha256 ?? null,
    declaredMime: item.declaredMime ?? null,
    sniffedMime: item.sniffedMime ?? null,
    extension: item.extension ?? null,
    size: item.size ?? null,
    sniffedExtension: item.sniffedExtension ?? null,
    declaredSize: item.declaredSize ?? null,
    filename: item.filename ?? null,
    messageType: item.messageType,
    lineId: item.lineId,
    createdAt: item.createdAt,
    storedAt: item.storedAt ?? null,
    attempts: item.attempts,
    lastError: item.lastError ?? null,
    nextAttemptAt: item.nextAttemptAt ?? null,
    overdue: isOverdue(item),
  };
}

function mediaRow(item: MediaItem): string[] {
  const hash = item.hashVerified === true ? 'hash ok' : item.hashVerified === false ? 'HASH MISMATCH' : item.state === 'stored' ? 'no hash from Meta' : '';
  const type = item.sniffedMime && item.sniffedMime !== item.declaredMime ? `${item.declaredMime ?? '?'} (really ${item.sniffedMime})` : (item.declaredMime ?? '?');
  const checks = [hash, isOverdue(item) ? 'OVERDUE (>24 h)' : '', item.lastError && item.state !== 'stored' ? `— ${item.lastError}` : ''];
  return [
    item.createdAt,
    item.state,
    item.mediaId,
    item.messageType,
    item.filename ? `"${item.filename}"` : '-',
    type,
    item.size !== undefined ? `${item.size} B` : '-',
    checks.filter(Boolean).join('  '),
  ];
}

/** `vigia media get MEDIA_ID --out FILE`: the archived bytes, checked against their address. */
export async function getMedia(target: Target, mediaId: string, outFile: string): Promise<string> {
  const item = await target.media.get(mediaId);
  if (!item) throw new CliError(`no media item ${mediaId}`);
  if (item.state !== 'stored' || !item.s3Key) throw new CliError(`media ${mediaId} is ${item.state}${item.lastError ? ` (${item.lastError})` : ''}: nothing archived to download`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(await target.mediaStore.open(item.s3Key), meter, createWriteStream(outFile));
  const sha256 = hash.digest('hex');
  if (sha256 !== item.sha256) throw new CliError(`downloaded bytes of ${mediaId} have sha256 ${sha256}, the archive recorded ${item.sha256}`);
  return `wrote ${size} bytes of ${mediaId} to ${outFile} (sha256 ${sha256})`;
}

/** `vigia media retry [MEDIA_ID…]`: fetches failed (and still pending) items now, in this process. */
export async function retryMedia(target: Target, mediaIds: string[], out: (line: string) => void, env: Record<string, string | undefined> = process.env): Promise<FetchResult[]> {
  // Interactive: shorter waits than the function's, same variable to change them.
  const retryDelaysMs = (env.MEDIA_RETRY_DELAYS_MS ?? '500,2000').split(',').map(Number);
  if (retryDelaysMs.some((delay) => !Number.isInteger(delay) || delay < 0)) throw new UsageError('MEDIA_RETRY_DELAYS_MS must be comma-separated milliseconds, e.g. 500,2000');
  const ids = mediaIds.length > 0 ? mediaIds : [...(await target.media.listByState('failed')), ...(await target.media.listByState('pending'))].map((item) => item.mediaId);
  const graph = await target.graph();
  const results: FetchResult[] = [];
  for (const mediaId of ids) {
    const result = await fetchMedia(mediaId, { media: target.media, graph, store: target.mediaStore, retryDelaysMs });
    results.push(result);
    out(`${mediaId}: ${result.outcome}${result.hashVerified === false ? ' (hash mismatch)' : ''}${result.reason ? ` — ${result.reason}` : ''}`);
  }
  return results;
}
