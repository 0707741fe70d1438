import { lineOf, type VigiaConfig } from '../config/vigia-config';
import { maskPii, type PiiDetectorName } from '../compliance/policies/pii/detectors';
import type { ExportRow } from './parquet';

/**
 * From archive items (as stored in the table, see docs/data-model.md) to export rows: one pure
 * function per table, named after the columns of shared/analytics/export-schema.ts.
 */

type Item = Record<string, any>;

export interface RowOptions {
  config: VigiaConfig;
  /** `analytics.includeText`: export message bodies. */
  includeText: boolean;
  /** The detectors of the config's pii policies: what they find is exported masked, as alerts show it. */
  maskDetectors?: readonly PiiDetectorName[];
}



const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const integer = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** An ISO 8601 string as a Date; null when absent or unparsable. */
export function instant(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/** employee and team from the config's line; both null for a line the config does not list. */
function lineColumns(config: VigiaConfig, lineId: unknown) {
  const line = typeof lineId === 'string' ? lineOf(config, lineId) : undefined;
  return { employee: line?.employee ?? null, team: line?.team ?? null };
}

/** A string set (DynamoDB SS, read as a Set) or list: its size. */
function sizeOf(value: unknown): number {
  if (value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  return 0;
}

const SCORE_KEYS: Record<string, string> = { POSITIVE: 'Positive', NEGATIVE: 'Negative', NEUTRAL: 'Neutral', MIXED: 'Mixed' };

export function messageRow(item: Item, options: RowOptions): ExportRow {
  const result = item.compliance?.sentiment?.result as { sentiment?: unknown; scores?: Record<string, unknown> } | undefined;
  const sentiment = typeof result?.sentiment === 'string' ? result.sentiment : null;
  const score = sentiment && result?.scores ? result.scores[SCORE_KEYS[sentiment] ?? ''] : undefined;
  const body = text(item.text);
  return {
    message_id: item.id,
    line_id: item.lineId,
    ...lineColumns(options.config, item.lineId),
    contact_id: text(item.contactId),
    direction: text(item.direction),
    source: text(item.source),
    type: text(item.type),
    sent_at: instant(item.timestamp),
    text: options.includeText && body !== null ? maskPii(body, options.maskDetectors ?? []) : null,
    text_length: body === null ? null : [...body].length,
    has_media: item.media !== undefined && item.media !== null,
    media_id: text(item.media?.mediaId),
    reply_to: text(item.contextId),
    forwarded: item.forwarded === true || item.frequentlyForwarded === true,
    edit_of: text(item.editOf),
    revokes: text(item.revokes),
    reaction_to: text(item.reactionTo),
    revoked: sizeOf(item.revokedByIds) > 0,
    latest_status: text(item.latestStatus),
    latest_status_at: instant(item.latestStatusAt),
    sentiment,
    sentiment_score: typeof score === 'number' && Number.isFinite(score) ? score : null,
    alert_count: sizeOf(item.alertIds),
  };
}

export function statusRow(item: Item, message: Item): ExportRow {
  const error = Array.isArray(item.errors) ? (item.errors[0] as Item | undefined) : undefined;
  return {
    message_id: item.messageId ?? message.id,
    line_id: item.lineId ?? message.lineId,
    status: text(item.status),
    status_at: instant(item.timestamp),
    recipient_id: text(item.recipientId) ?? text(item.recipientUserId),
    error_code: integer(error?.code),
    error_title: text(error?.title),
    pricing_category: text(item.pricing?.category),
    billable: bool(item.pricing?.billable),
  };
}

export function alertRow(item: Item, options: RowOptions): ExportRow {
  const history = Array.isArray(item.history) ? (item.history as Item[]) : [];
  const firstAt = (status: string) => instant(history.find((event) => event.status === status)?.at);
  return {
    alert_id: item.id,
    message_id: item.messageId,
    line_id: item.lineId,
    ...lineColumns(options.config, item.lineId),
    contact_id: text(item.contactId),
    policy_id: text(item.policyId),
    kind: text(item.kind),
    severity: text(item.severity),
    status: text(item.status),
    created_at: instant(item.createdAt),
    notified_at: instant(item.notifiedAt),
    acknowledged_at: firstAt('acknowledged'),
    resolved_at: firstAt('resolved'),
  };
}

export function mediaRow(item: Item, options: RowOptions): ExportRow {
  return {
    media_id: item.mediaId,
    message_id: item.messageId,
    line_id: item.lineId,
    ...lineColumns(options.config, item.lineId),
    message_type: text(item.messageType),
    declared_mime: text(item.declaredMime),
    sniffed_mime: text(item.sniffedMime),
    extension: text(item.extension),
    size_bytes: typeof item.size === 'number' && Number.isInteger(item.size) ? BigInt(item.size) : null,
    state: text(item.state),
    hash_verified: bool(item.hashVerified),
    created_at: instant(item.createdAt),
    stored_at: instant(item.storedAt),
  };
}
