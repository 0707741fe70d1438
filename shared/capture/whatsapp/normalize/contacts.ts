/** Who the messages are with: contact profiles, state-sync contacts and the links between a person's identifiers. */
import type { ContactRecord, IdentityLinkRecord, NormalizedRecord } from '../../records';
import { StateSyncItemSchema, ValueContactSchema } from '../schema';
import { type Change, changeEvent, check, compact, present, toIso, UNKNOWN_TIME } from './change';
import { type ContactRead, ContactReader, type MessageRead, StateSyncReader } from './readers';

export function contactItem(change: Change, raw: unknown, where: string) {
  check(ValueContactSchema, raw, where, change.out.issues);
  const r = ContactReader.safeParse(raw);
  const c = r.success ? r.data : undefined;
  const contactId = present(c?.wa_id) ?? present(c?.user_id);
  if (!c || contactId === undefined) {
    change.out.issues.push(`${where}: contact without wa_id or user_id; kept as a change event`);
    change.out.records.push(changeEvent(change.field, change.lineId, raw));
    return;
  }
  change.out.records.push(
    compact<ContactRecord>({
      kind: 'contact',
      lineId: change.lineId,
      contactId,
      waId: present(c.wa_id),
      userId: present(c.user_id),
      parentUserId: present(c.parent_user_id),
      name: present(c.profile?.name),
      username: present(c.profile?.username),
      countryCode: present(c.profile?.country_code),
      origin: 'webhook',
    }),
  );
  // The same person under a phone number and a BSUID: dated with the contact (dateWebhookContacts).
  const waId = present(c.wa_id);
  const userId = present(c.user_id);
  if (waId !== undefined && userId !== undefined && waId !== userId) identityLink(change, waId, userId, 'contact_profile');
}

/** One `identity_link` record per (reason, line, from, to) in a webhook. */
export function identityLink(change: Change, from: string, to: string, reason: IdentityLinkRecord['reason'], timestamp?: string) {
  const key = JSON.stringify([reason, change.lineId, from, to]);
  if (change.out.links.has(key)) return;
  change.out.links.add(key);
  change.out.records.push(compact<IdentityLinkRecord>({ kind: 'identity_link', lineId: change.lineId, from, to, reason, timestamp }));
}

/** The `value.contacts[]` entry describing this sender, when one does. */
export function senderContact(change: Change, m: MessageRead): ContactRead | undefined {
  const from = present(m.from);
  const fromUserId = present(m.from_user_id);
  const match = change.contacts.find(
    (c) => (from !== undefined && c.wa_id === from) || (fromUserId !== undefined && c.user_id === fromUserId),
  );
  if (match) return match;
  // Meta sends one profile per sender. Without a phone number to compare, the only one is the sender.
  const only = change.contacts.length === 1 ? change.contacts[0] : undefined;
  return only && (from === undefined || present(only.wa_id) === undefined) ? only : undefined;
}

export function stateSyncItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  check(StateSyncItemSchema, raw, where, out.issues);

  const r = StateSyncReader.safeParse(raw);
  const item = r.success ? r.data : undefined;
  const phone = present(item?.contact?.phone_number);
  if (item?.type !== 'contact' || phone === undefined) {
    out.issues.push(`${where}: not a contact with a phone_number; kept as a change event`);
    out.records.push(changeEvent(change.field, change.lineId, raw));
    return;
  }
  out.records.push(
    compact<ContactRecord>({
      kind: 'contact',
      lineId: change.lineId,
      contactId: phone,
      name: present(item.contact?.full_name) ?? present(item.contact?.first_name),
      origin: 'state_sync',
      action: item.action,
      timestamp: toIso(item.metadata?.timestamp),
    }),
  );
}

/**
 * `value.contacts[]` carries no time of its own; give each profile the time of the newest
 * message or status about that contact in the same change, so the newest profile wins in the
 * archive whatever order webhooks arrive in.
 */
export function dateWebhookContacts(records: NormalizedRecord[]) {
  const latest = new Map<string, string>();
  let newestInChange: string | undefined;
  for (const record of records) {
    const at = record.kind === 'message' || record.kind === 'status' || record.kind === 'call' ? record.timestamp : undefined;
    if (!at || at === UNKNOWN_TIME) continue;
    const contact =
      record.kind === 'message' || record.kind === 'call' ? record.contactId : record.kind === 'status' ? record.recipientId : undefined;
    if (contact && (latest.get(contact) ?? '') < at) latest.set(contact, at);
    if ((newestInChange ?? '') < at) newestInChange = at;
  }
  for (const record of records) {
    if (record.kind === 'contact' && record.origin === 'webhook' && !record.timestamp) {
      const at = latest.get(record.contactId) ?? (record.userId ? latest.get(record.userId) : undefined) ?? newestInChange;
      if (at) record.timestamp = at;
    }
    if (record.kind === 'identity_link' && record.reason === 'contact_profile' && !record.timestamp) {
      const at = latest.get(record.from) ?? latest.get(record.to) ?? newestInChange;
      if (at) record.timestamp = at;
    }
  }
}
