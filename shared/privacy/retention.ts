import type { NormalizedRecord } from '../capture/records';

/**
 * Retention and legal holds (docs/privacy.md, docs/data-model.md "Retention").
 *
 * Every record is written with `expiresAt` (epoch seconds: its own time + `retention.days`), which
 * DynamoDB's TTL deletes after it passes. A record covered by a legal hold gets `heldExpiresAt`
 * instead — the same value, which TTL ignores — and gets it back as `expiresAt` when the last hold
 * covering it is released. Objects in the archive bucket are tagged `vigia-retention=expire` when
 * written; the lifecycle rules expire only objects with that tag, and a hold re-tags its objects
 * `vigia-retention=hold` (S3 lifecycle filters cannot exclude a tag, so expiry is opt-in per object).
 */

export const DAY_SECONDS = 86_400;

/** The object tag the archive bucket's lifecycle rules filter on. */
export const RETENTION_TAG_KEY = 'vigia-retention';
export type RetentionTag = 'expire' | 'hold';
/** `x-amz-tagging` of every new raw, rejected and media object. */
export const EXPIRE_TAGGING = `${RETENTION_TAG_KEY}=expire`;

/** Epoch seconds `days` after an ISO instant; undefined for an unreadable time. */
export function expiresAtFor(iso: string | undefined, days: number): number | undefined {
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  if (Number.isNaN(time) || time <= 0) return undefined;
  return Math.floor(time / 1000) + days * DAY_SECONDS;
}

/** What an item or record is about: its corporate line and the contact's identifiers (phone number, BSUID). */
export interface Subject {
  lineId?: string;
  contactIds: string[];
}

export type HoldScope = 'contact' | 'line' | 'conversation';

/** A legal hold: suspends expiry and erasure of everything it covers until it is released. */
export interface LegalHold {
  /** `contact:<id>`, `line:<id>` or `conversation:<line>:<contact>`. */
  id: string;
  scope: HoldScope;
  lineId?: string;
  /** The contact as given. */
  contactId?: string;
  /** Every identifier of the contact known when the hold was placed (phone number and BSUID). */
  contactIds?: string[];
  reason: string;
  by: string;
  at: string;
}

export function holdId(scope: HoldScope, target: { lineId?: string; contactId?: string }): string {
  if (scope === 'contact') return `contact:${target.contactId}`;
  if (scope === 'line') return `line:${target.lineId}`;
  return `conversation:${target.lineId}:${target.contactId}`;
}

export function holdCovers(hold: LegalHold, subject: Subject): boolean {
  const contacts = new Set(hold.contactIds ?? (hold.contactId ? [hold.contactId] : []));
  const contactMatches = subject.contactIds.some((id) => contacts.has(id));
  if (hold.scope === 'line') return subject.lineId !== undefined && subject.lineId === hold.lineId;
  if (hold.scope === 'contact') return contactMatches;
  return contactMatches && subject.lineId === hold.lineId;
}

export function coveringHold(holds: readonly LegalHold[], subject: Subject): LegalHold | undefined {
  return holds.find((hold) => holdCovers(hold, subject));
}

const present = (...values: unknown[]): string[] => [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];

/** The line and contact of a normalized record (change events and errors name no contact). */
export function recordSubject(record: NormalizedRecord): Subject {
  switch (record.kind) {
    case 'message':
      return { lineId: record.lineId, contactIds: present(record.contactId, record.contactUserId) };
    case 'status':
      // A group send's receipt names the group (recipient) and the participant it is about.
      return { lineId: record.lineId, contactIds: present(record.recipientId, record.recipientUserId, record.recipientParticipantId, record.recipientParticipantUserId) };
    case 'contact':
      return { lineId: record.lineId, contactIds: present(record.contactId, record.waId, record.userId) };
    case 'identity_link':
      // Both identifiers: a hold on either covers the link, an erasure of either skips it.
      return { lineId: record.lineId, contactIds: present(record.from, record.to) };
    case 'call':
      return { lineId: record.lineId, contactIds: present(record.contactId, record.contactUserId) };
    default:
      return { lineId: record.lineId, contactIds: [] };
  }
}

/** The line and contact of a stored item (any entity of the archive table). */
export function itemSubject(item: Record<string, unknown>): Subject {
  const lineId = [item.lineId, item.statusLineId].find((value): value is string => typeof value === 'string');
  if (item.entity === 'identity_link') return { lineId, contactIds: present(item.from, item.to) };
  return {
    lineId,
    contactIds: present(item.contactId, item.contactUserId, item.recipientId, item.recipientUserId, item.recipientParticipantId, item.recipientParticipantUserId, item.waId, item.userId),
  };
}

/** The time a record is about (message, status, profile, sync or identity change time); undefined when it has none. */
export function recordTime(record: NormalizedRecord): string | undefined {
  if (record.kind === 'message' || record.kind === 'status' || record.kind === 'call') return record.timestamp === new Date(0).toISOString() ? undefined : record.timestamp;
  if (record.kind === 'contact' || record.kind === 'identity_link') return record.timestamp;
  return undefined;
}

/** `expiresAt`, or `heldExpiresAt` under a hold; empty without retention. */
export interface ExpiryAttributes {
  expiresAt?: number;
  heldExpiresAt?: number;
}

/** How a projection dates the records it writes. */
export type RecordExpiry = (record: NormalizedRecord) => ExpiryAttributes;

/**
 * The expiry of each record of one raw webhook: its own time (or the webhook's receive time) plus
 * `days`, as `heldExpiresAt` when a hold covers the record. No retention: no attribute.
 */
export function recordExpiry(days: number | undefined, holds: readonly LegalHold[], receivedAt: string | undefined): RecordExpiry {
  return (record) => {
    if (days === undefined) return {};
    const at = expiresAtFor(recordTime(record) ?? receivedAt ?? new Date().toISOString(), days) ?? expiresAtFor(new Date().toISOString(), days)!;
    return coveringHold(holds, recordSubject(record)) ? { heldExpiresAt: at } : { expiresAt: at };
  };
}

/** Expiry of something that has no record of its own (a projection marker, a change event): the receive time. */
export function expiryAt(days: number | undefined, iso: string | undefined, held: boolean): ExpiryAttributes {
  if (days === undefined) return {};
  const at = expiresAtFor(iso ?? new Date().toISOString(), days) ?? expiresAtFor(new Date().toISOString(), days)!;
  return held ? { heldExpiresAt: at } : { expiresAt: at };
}
