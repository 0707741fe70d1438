/**
 * A media file referenced by a message (image, audio, video, document, sticker — also inside
 * echoes, edits and history follow-ups). Meta keeps it for 7 days; Vigia copies it into the
 * archive bucket and records what it really is.
 *
 * pending → stored | failed (with reason; retried with backoff) | expired (Meta no longer has it)
 */
export type MediaState = 'pending' | 'stored' | 'failed' | 'expired';

export const MEDIA_STATES: readonly MediaState[] = ['pending', 'stored', 'failed', 'expired'];

/** Meta deletes webhook media 7 days after the webhook. */
export const MEDIA_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** A file not stored this long after its webhook raises an alarm, well before Meta's limit. */
export const MEDIA_OVERDUE_MS = 24 * 3600 * 1000;

export interface MediaItem {
  mediaId: string;
  messageId: string;
  lineId: string;
  messageType: string;
  /** Source of the message (cloud_api, business_app, business_agent, history). */
  source?: string;
  state: MediaState;
  /** When the webhook carrying the reference was received (ISO). */
  createdAt: string;
  /** As declared by the sender (`mime_type`). */
  declaredMime?: string;
  filename?: string;
  /** Lower-case extension of `filename`, when it has one. */
  extension?: string;
  /** Meta's sha256 (hex or base64) from the webhook or the Graph API. */
  declaredSha256?: string;
  /** Hex sha256 of the stored bytes. */
  sha256?: string;
  /** true: stored bytes match Meta's hash; false: they don't (kept, marked, alarmed); null: Meta gave none. */
  hashVerified?: boolean | null;
  /** Real type from the file's magic bytes (file-type); absent when unknown (e.g. plain text). */
  sniffedMime?: string;
  sniffedExtension?: string;
  /** Stored size in bytes, and what the Graph API announced. */
  size?: number;
  declaredSize?: number;
  /** Archive bucket key (content-addressed). */
  s3Key?: string;
  storedAt?: string;
  attempts: number;
  lastError?: string;
  /** Earliest time of the next automatic retry (failed items). */
  nextAttemptAt?: string;
  /** Retention (epoch seconds): DynamoDB's TTL deletes the item after it; the file is tagged to expire too. */
  expiresAt?: number;
  /** Under a legal hold: the expiry it gets back when the hold is released (the file is tagged `hold`). */
  heldExpiresAt?: number;
}
