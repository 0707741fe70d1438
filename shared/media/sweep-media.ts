import { MEDIA_OVERDUE_MS, MEDIA_RETENTION_MS, type MediaItem } from './media';
import type { MediaRepository } from './ports/media-repository';
import type { MessageQueue } from './ports/message-queue';
import { encodeContract } from '../platform/contracts';
import { MediaJob } from './contracts';

export interface SweepDependencies {
  media: MediaRepository;
  queue: MessageQueue;
  now?: () => Date;
}

export interface SweepResult {
  requeued: string[];
  expired: string[];
  /** Not stored 24 h after the webhook: alarm material, well before Meta's 7-day limit. */
  overdue: MediaItem[];
}

/** A pending item untouched this long lost its job (crash, lost message): queue it again. */
const STUCK_PENDING_MS = 15 * 60 * 1000;

/**
 * Periodic pass over media not yet stored: retries failed downloads whose backoff has passed,
 * re-queues stuck pending ones, expires what Meta no longer keeps, and reports what is overdue.
 */
export async function sweepMedia(deps: SweepDependencies): Promise<SweepResult> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const result: SweepResult = { requeued: [], expired: [], overdue: [] };
  const candidates = [...(await deps.media.listByState('pending')), ...(await deps.media.listByState('failed'))];
  for (const item of candidates) {
    const age = now - Date.parse(item.createdAt);
    if (age > MEDIA_RETENTION_MS) {
      await deps.media.markExpired(item, `not stored within the 7 days Meta keeps media${item.lastError ? ` (last error: ${item.lastError})` : ''}`);
      result.expired.push(item.mediaId);
      continue;
    }
    if (age > MEDIA_OVERDUE_MS) result.overdue.push(item);
    const due = item.state === 'failed' ? !item.nextAttemptAt || Date.parse(item.nextAttemptAt) <= now : age > STUCK_PENDING_MS;
    if (due) result.requeued.push(item.mediaId);
  }
  if (result.requeued.length > 0) await deps.queue.send(result.requeued.map((mediaId) => encodeContract(MediaJob, { mediaId })));
  return result;
}

export function isOverdue(item: MediaItem, now = Date.now()): boolean {
  return item.state !== 'stored' && item.state !== 'expired' && now - Date.parse(item.createdAt) > MEDIA_OVERDUE_MS;
}
