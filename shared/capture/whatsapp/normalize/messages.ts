/** Messages (`messages[]`, `message_echoes[]`, history threads) as message records. */
import type { Direction, MediaReference, MessageRecord, Source } from '../../records';
import { messageSchemaFor } from '../schema';
import { type Change, changeEvent, check, compact, isRecord, type Json, present, toErrors, toIso, UNKNOWN_TIME } from './change';
import { identityLink, senderContact } from './contacts';
import { type ContentRead, MEDIA_TYPES, type MediaType, type MessageRead, MessageReader } from './readers';

/** How a message sits in the conversation; decided by the field it came in. */
export interface Placement {
  direction: Direction;
  source: Source;
  contactId?: string;
  contactUserId?: string;
}

function isMediaType(t: string | undefined): t is MediaType {
  return (MEDIA_TYPES as readonly (string | undefined)[]).includes(t);
}

function contentMedia(c: ContentRead): MediaReference | undefined {
  if (!isMediaType(c.type)) return undefined;
  const body = c[c.type];
  if (!body?.id) return undefined;
  return compact<MediaReference>({
    mediaId: body.id,
    mimeType: body.mime_type,
    sha256: body.sha256,
    filename: body.filename,
    caption: body.caption,
    voice: body.voice,
    animated: body.animated,
  });
}

function contentText(c: ContentRead): string | undefined {
  const location = c.location
    ? [present(c.location.name), present(c.location.address)].filter(Boolean).join(', ')
    : undefined;
  const candidates = [
    c.text?.body,
    isMediaType(c.type) ? c[c.type]?.caption : undefined,
    c.interactive?.button_reply?.title,
    c.interactive?.list_reply?.title,
    c.interactive?.nfm_reply?.body,
    c.button?.text,
    c.order?.text,
    c.system?.body,
    location,
  ];
  return candidates.map(present).find((s) => s !== undefined);
}

/** Validates a message strictly (issues only) and reads it tolerantly; undefined when it has no id. */
export function readMessage(change: Change, raw: unknown, where: string): MessageRead | undefined {
  const type = isRecord(raw) ? raw.type : undefined;
  const label = isRecord(raw) && typeof raw.id === 'string' ? `${where} (${raw.id})` : where;
  check(messageSchemaFor(type), raw, label, change.out.issues);

  const r = MessageReader.safeParse(raw);
  if (!r.success) {
    change.out.issues.push(`${where}: message without an id cannot be keyed; kept as a change event`);
    change.out.records.push(changeEvent(change.field, change.lineId, raw));
    return undefined;
  }
  return r.data;
}

/**
 * `system` messages that change the customer's identifier: `user_changed_user_id` (previous BSUID
 * → new BSUID; the message is the new BSUID's) and `user_changed_number` (old → new phone number).
 * Returns the identifiers the message should be recorded under, when they differ from the sender's.
 */
function systemIdentity(change: Change, m: MessageRead): { contactId: string; contactUserId?: string } | undefined {
  if (m.type !== 'system' || !m.system) return undefined;
  const system = m.system;
  const timestamp = toIso(m.timestamp);
  if (system.type === 'user_changed_user_id') {
    const newId = present(system.user_id) ?? present(m.user_id);
    const previous = [present(system.previous_user_id), present(m.previous_user_id), present(m.from_user_id)].find(
      (id) => id !== undefined && id !== newId,
    );
    if (newId === undefined) return undefined;
    if (previous !== undefined) identityLink(change, previous, newId, 'user_changed_user_id', timestamp);
    return { contactId: newId, contactUserId: newId };
  }
  if (system.type === 'user_changed_number') {
    const newNumber = present(system.wa_id) ?? present(system.new_wa_id);
    // Legacy payloads name the old number in `customer`; `from` is the old number otherwise.
    const old = [present(m.from), present(system.customer)].find((id) => id !== undefined && id !== newNumber);
    if (newNumber !== undefined && old !== undefined) identityLink(change, old, newNumber, 'user_changed_number', timestamp);
  }
  return undefined;
}

export function inboundMessage(change: Change, raw: unknown, where: string, source: Source) {
  const m = readMessage(change, raw, where);
  if (!m) return;
  const changed = systemIdentity(change, m);
  if (changed) {
    emitMessage(change, m, raw as Json, where, { direction: 'inbound', source, ...changed });
    return;
  }
  // A history media follow-up can be either side of the conversation.
  if (source === 'history' && m.from !== undefined && m.from === change.lineDisplayNumber) {
    emitMessage(change, m, raw as Json, where, {
      direction: 'outbound',
      source,
      contactId: present(m.to) ?? present(m.to_user_id),
      contactUserId: present(m.to_user_id),
    });
    return;
  }
  const sender = senderContact(change, m);
  const contactId =
    present(m.from) ?? present(m.from_user_id) ?? present(sender?.wa_id) ?? present(sender?.user_id);
  if (contactId === undefined) change.out.issues.push(`${where} (${m.id}): sender unknown (no from, from_user_id or contact)`);
  emitMessage(change, m, raw as Json, where, {
    direction: 'inbound',
    source,
    contactId,
    contactUserId: present(m.from_user_id) ?? present(sender?.user_id),
  });
}

/** Business → customer: `from` is the business, `to`/`to_user_id` the customer. */
export function echoMessage(change: Change, raw: unknown, where: string, source: Source) {
  const m = readMessage(change, raw, where);
  if (!m) return;
  let contactId = present(m.to) ?? present(m.to_user_id);
  const business = change.lineDisplayNumber;
  // Some published samples (pywa) swap from/to. The customer is whichever side is not the business.
  if (business !== undefined && m.to === business && present(m.from) !== undefined && m.from !== business) {
    change.out.issues.push(`${where} (${m.id}): echo "to" is the business number; using "from" as the customer`);
    contactId = m.from;
  }
  const profile = change.contacts.find((c) => contactId !== undefined && c.wa_id === contactId);
  if (contactId === undefined) change.out.issues.push(`${where} (${m.id}): customer unknown (no to or to_user_id)`);
  emitMessage(change, m, raw as Json, where, {
    direction: 'outbound',
    source,
    contactId,
    contactUserId: present(m.to_user_id) ?? present(profile?.user_id),
  });
}

export function emitMessage(change: Change, m: MessageRead, payload: Json, where: string, placement: Placement) {
  const type = m.type ?? 'unknown';
  const timestamp = toIso(m.timestamp);
  if (timestamp === undefined) change.out.issues.push(`${where} (${m.id}): no readable timestamp; using ${UNKNOWN_TIME}`);

  // For an edit, the text and media are those of the new content.
  const edited = type === 'edit' ? m.edit?.message : undefined;
  const content: ContentRead = edited ?? m;
  const context = m.context ?? edited?.context;

  change.out.records.push(
    compact<MessageRecord>({
      kind: 'message',
      id: m.id,
      lineId: change.lineId,
      lineDisplayNumber: change.lineDisplayNumber,
      wabaId: change.wabaId,
      contactId: placement.contactId,
      contactUserId: placement.contactUserId,
      direction: placement.direction,
      source: placement.source,
      type,
      timestamp: timestamp ?? UNKNOWN_TIME,
      text: contentText(content),
      contextId: context?.id,
      contextFrom: context?.from,
      forwarded: context?.forwarded,
      frequentlyForwarded: context?.frequently_forwarded,
      referral: m.referral,
      media: contentMedia(content),
      reactionTo: m.reaction?.message_id,
      emoji: m.reaction ? (m.reaction.emoji ?? '') : undefined,
      editOf: m.edit?.original_message_id,
      revokes: m.revoke?.original_message_id,
      errors: toErrors(m.errors),
      historyStatus: m.history_context?.status,
      unsupportedType: isRecord(payload.unsupported) && typeof payload.unsupported.type === 'string' ? payload.unsupported.type : undefined,
      groupId: typeof payload.group_id === 'string' ? payload.group_id : undefined,
      payload,
    }),
  );
}
