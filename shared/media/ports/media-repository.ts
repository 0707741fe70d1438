import type { MediaItem, MediaState } from '../media';

export type NewMediaItem = Pick<MediaItem, 'mediaId' | 'messageId' | 'lineId' | 'messageType' | 'source' | 'createdAt' | 'declaredMime' | 'filename' | 'extension' | 'declaredSha256' | 'expiresAt' | 'heldExpiresAt'>;

export interface StoredMedia {
  sha256: string;
  hashVerified: boolean | null;
  sniffedMime?: string;
  sniffedExtension?: string;
  size: number;
  declaredSize?: number;
  declaredMime?: string;
  declaredSha256?: string;
  s3Key: string;
}

export interface MediaRepository {
  /** Creates the item in `pending` unless it exists; returns the item as it now is. */
  register(item: NewMediaItem): Promise<MediaItem>;
  get(mediaId: string): Promise<MediaItem | undefined>;
  markStored(item: MediaItem, stored: StoredMedia): Promise<void>;
  markFailed(item: MediaItem, reason: string, nextAttemptAt: string | undefined): Promise<void>;
  markExpired(item: MediaItem, reason: string): Promise<void>;
  /** Items in a state, oldest webhook first. */
  listByState(state: MediaState): Promise<MediaItem[]>;
}
