/**
 * Turns a WhatsApp webhook notification into the records Vigia archives (shared/capture/records.ts).
 *
 * Two passes per item:
 * 1. the strict schema (schema.ts) says whether the item is what Meta documents; a mismatch
 *    becomes a human-readable entry in `issues`;
 * 2. a tolerant reader (below) extracts whatever is usable, field by field, so a mismatching
 *    item is still archived. Only items that cannot be keyed at all (no id) fall back to a
 *    `change_event` carrying the raw item.
 *
 * Nothing throws for an input that passed `checkEnvelope`.
 */
import * as z from 'zod';
import type {
  CallRecord,
  ChangeErrorRecord,
  ChangeEventRecord,
  ContactRecord,
  Direction,
  IdentityLinkRecord,
  MediaReference,
  MessageRecord,
  NormalizedRecord,
  NormalizeResult,
  Source,
  StatusRecord,
  WhatsAppError,
} from '../records';
import { checkEnvelope } from './envelope';
import {
  CallSchema,
  CallStatusSchema,
  HistoryMetadataSchema,
  KNOWN_FIELDS,
  MetadataSchema,
  StateSyncItemSchema,
  StatusSchema,
  TimestampSchema,
  ValueContactSchema,
  WebhookErrorSchema,
  messageSchemaFor,
} from './schema';

export type { NormalizeResult } from '../records';

/** Used when a message or status has no readable timestamp (an issue is reported alongside). */
const UNKNOWN_TIME = new Date(0).toISOString();

// ---------------------------------------------------------------------------------------------
// Tolerant readers: every field is optional and an invalid field reads as undefined instead of
// failing the whole item. They only describe what the mapping below uses.
// ---------------------------------------------------------------------------------------------

function tolerant<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}
const str = tolerant(z.string());
const bool = tolerant(z.boolean());
const anyRecord = tolerant(z.record(z.string(), z.unknown()));
const timestamp = tolerant(TimestampSchema);
/** Error codes are numbers; a digit string is accepted too. */
const code = tolerant(z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]));

const ErrorReader = z.looseObject({
  code,
  title: str,
  message: str,
  href: str,
  details: str,
  error_data: tolerant(z.looseObject({ details: str })),
});
const errorList = tolerant(z.array(z.unknown()));

const MediaReader = tolerant(
  z.looseObject({
    id: str,
    mime_type: str,
    sha256: str,
    filename: str,
    caption: str,
    voice: bool,
    animated: bool,
  }),
);
const ContextReader = tolerant(
  z.looseObject({ id: str, from: str, forwarded: bool, frequently_forwarded: bool }),
);
const titled = tolerant(z.looseObject({ title: str }));

/** Type-specific bodies, shared by messages and by the new content of an `edit`. */
const contentShape = {
  context: ContextReader,
  text: tolerant(z.looseObject({ body: str })),
  image: MediaReader,
  audio: MediaReader,
  video: MediaReader,
  document: MediaReader,
  sticker: MediaReader,
  location: tolerant(z.looseObject({ name: str, address: str })),
  interactive: tolerant(
    z.looseObject({
      type: str,
      button_reply: titled,
      list_reply: titled,
      nfm_reply: tolerant(z.looseObject({ body: str })),
    }),
  ),
  button: tolerant(z.looseObject({ text: str })),
  order: tolerant(z.looseObject({ text: str })),
  system: tolerant(
    z.looseObject({ body: str, type: str, wa_id: str, new_wa_id: str, user_id: str, previous_user_id: str, customer: str }),
  ),
  reaction: tolerant(z.looseObject({ message_id: str, emoji: str })),
  revoke: tolerant(z.looseObject({ original_message_id: str })),
};
const ContentReader = z.looseObject({ type: str, ...contentShape });
type ContentRead = z.infer<typeof ContentReader>;

const MessageReader = z.looseObject({
  ...contentShape,
  id: z.string().min(1),
  type: str,
  timestamp,
  from: str,
  from_user_id: str,
  from_parent_user_id: str,
  to: str,
  to_user_id: str,
  /** Seen on some `user_changed_user_id` samples instead of `system.user_id` / `system.previous_user_id`. */
  user_id: str,
  previous_user_id: str,
  referral: anyRecord,
  errors: errorList,
  history_context: tolerant(z.looseObject({ status: str })),
  edit: tolerant(z.looseObject({ original_message_id: str, message: tolerant(ContentReader) })),
});
type MessageRead = z.infer<typeof MessageReader>;

const StatusReader = z.looseObject({
  id: z.string().min(1),
  status: str,
  timestamp,
  recipient_id: str,
  recipient_user_id: str,
  recipient_participant_id: str,
  participant_recipient_id: str,
  recipient_participant_user_id: str,
  errors: errorList,
  pricing: anyRecord,
  conversation: anyRecord,
});

const ContactReader = z.looseObject({
  wa_id: str,
  user_id: str,
  parent_user_id: str,
  profile: tolerant(z.looseObject({ name: str, username: str, country_code: str })),
});
type ContactRead = z.infer<typeof ContactReader>;

/** Durations are seconds: a number, or a digit string. */
const seconds = tolerant(z.union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]));

const CallReader = z.looseObject({
  id: z.string().min(1),
  event: str,
  timestamp,
  direction: str,
  from: str,
  from_user_id: str,
  to: str,
  to_user_id: str,
  status: str,
  start_time: timestamp,
  end_time: timestamp,
  duration: seconds,
  errors: errorList,
});

const CallStatusReader = z.looseObject({
  id: z.string().min(1),
  status: str,
  timestamp,
  recipient_id: str,
  recipient_user_id: str,
  errors: errorList,
});

const StateSyncReader = z.looseObject({
  type: str,
  action: str,
  contact: tolerant(z.looseObject({ full_name: str, first_name: str, phone_number: str })),
  metadata: tolerant(z.looseObject({ timestamp })),
});

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Records go to DynamoDB: leave out keys whose value is undefined instead of storing them. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** "" counts as absent (wa_id, from and order text can all be empty strings). */
function present(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

function toIso(ts: string | number | undefined): string | undefined {
  if (ts === undefined) return undefined;
  const ms = Number(ts) * 1000;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Strict validation: reports how `raw` departs from what Meta documents. Never blocks archiving. */
function check(schema: z.ZodType, raw: unknown, label: string, issues: string[]): void {
  const r = schema.safeParse(raw, { reportInput: true });
  if (r.success) return;
  const text = r.error.issues
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join('.') : '(item)';
      // A union (e.g. `interactive`) only says "Invalid input" when the whole object is missing.
      const message = i.code === 'invalid_union' && i.input === undefined ? 'missing' : i.message;
      return `${path}: ${message}`;
    })
    .join('; ');
  issues.push(`${label}: ${text}`);
}

function toErrors(list: unknown[] | undefined): WhatsAppError[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((raw) => {
    const e = ErrorReader.safeParse(raw);
    if (!e.success) return {};
    return compact<WhatsAppError>({
      code: e.data.code,
      title: e.data.title,
      message: e.data.message,
      details: e.data.error_data?.details ?? e.data.details,
      href: e.data.href,
    });
  });
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
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

// ---------------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------------

interface Output {
  records: NormalizedRecord[];
  issues: string[];
  /** Identity links already emitted in this webhook (reason, line, from, to): one record each. */
  links: Set<string>;
}

/** What every item of one change shares. */
interface Change {
  field: string;
  wabaId?: string;
  lineId: string;
  lineDisplayNumber?: string;
  /** `value.contacts[]`, read tolerantly, for sender lookups. */
  contacts: ContactRead[];
  out: Output;
}

/** How a message sits in the conversation; decided by the field it came in. */
interface Placement {
  direction: Direction;
  source: Source;
  contactId?: string;
  contactUserId?: string;
}

function changeEvent(field: string, lineId: string | undefined, payload: unknown): ChangeEventRecord {
  return compact<ChangeEventRecord>({
    kind: 'change_event',
    field,
    lineId,
    payload: isRecord(payload) ? payload : { value: payload },
  });
}

export function normalizeWebhook(envelope: unknown): NormalizeResult {
  const checked = checkEnvelope(envelope);
  if (!checked.ok) return { records: [], issues: [`envelope rejected: ${checked.reason}`], unprojectedFields: [] };

  const out: Output = { records: [], issues: [], links: new Set() };
  const unprojectedFields: string[] = [];
  checked.envelope.entry.forEach((entry, i) => {
    const wabaId = typeof entry.id === 'string' ? entry.id : undefined;
    entry.changes.forEach((change, j) => {
      const where = `entry[${i}].changes[${j}]`;
      const before = out.records.length;
      const linksBefore = new Set(out.links);
      try {
        normalizeChange(change.field, change.value, wabaId, where, out);
      } catch (err) {
        // Safety net: a bug in the mapping must not cost Meta's data. Keep the change whole.
        out.records.length = before;
        out.links = linksBefore;
        out.records.push(changeEvent(change.field, undefined, change.value));
        out.issues.push(`${where}: normalization failed (${String(err)}); kept as a change event`);
      }
      if (out.records.slice(before).every((record) => record.kind === 'change_event')) unprojectedFields.push(change.field);
    });
  });
  return { records: out.records, issues: out.issues, unprojectedFields };
}

function normalizeChange(field: string, value: unknown, wabaId: string | undefined, where: string, out: Output) {
  const metadata = isRecord(value) && isRecord(value.metadata) ? value.metadata : undefined;
  const lineId = typeof metadata?.phone_number_id === 'string' ? present(metadata.phone_number_id) : undefined;

  if (!KNOWN_FIELDS.has(field)) {
    out.records.push(changeEvent(field, lineId, value));
    return;
  }
  if (!isRecord(value) || lineId === undefined) {
    out.issues.push(`${where}: "${field}" change without value.metadata.phone_number_id; kept as a change event`);
    out.records.push(changeEvent(field, undefined, value));
    return;
  }
  check(MetadataSchema, metadata, `${where}.value.metadata`, out.issues);

  const before = out.records.length;
  let unreadable = false;
  const list = (key: string): unknown[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    out.issues.push(`${where}.value.${key} is not an array`);
    unreadable = true;
    return [];
  };

  const contacts = list('contacts');
  const change: Change = {
    field,
    wabaId,
    lineId,
    lineDisplayNumber: typeof metadata?.display_phone_number === 'string' ? metadata.display_phone_number : undefined,
    contacts: contacts.flatMap((c) => {
      const r = ContactReader.safeParse(c);
      return r.success ? [r.data] : [];
    }),
    out,
  };

  contacts.forEach((c, k) => contactItem(change, c, `${where}.value.contacts[${k}]`));

  switch (field) {
    case 'messages':
      list('messages').forEach((m, k) => inboundMessage(change, m, `${where}.value.messages[${k}]`, 'cloud_api'));
      list('statuses').forEach((s, k) => statusItem(change, s, `${where}.value.statuses[${k}]`));
      break;
    case 'smb_message_echoes':
      list('message_echoes').forEach((m, k) => echoMessage(change, m, `${where}.value.message_echoes[${k}]`, 'business_app'));
      break;
    case 'history':
      list('history').forEach((h, k) => historyChunk(change, h, `${where}.value.history[${k}]`));
      // Media follow-up of a backfill: media ids for placeholders of the last 14 days, the
      // customer's (`messages`) and the business's (`message_echoes`).
      list('messages').forEach((m, k) => inboundMessage(change, m, `${where}.value.messages[${k}]`, 'history'));
      list('message_echoes').forEach((m, k) => echoMessage(change, m, `${where}.value.message_echoes[${k}]`, 'history'));
      break;
    case 'smb_app_state_sync':
      list('state_sync').forEach((s, k) => stateSyncItem(change, s, `${where}.value.state_sync[${k}]`));
      break;
    case 'standby':
      standbyChange(change, value, where, list);
      break;
    case 'calls':
      list('calls').forEach((c, k) => callItem(change, c, `${where}.value.calls[${k}]`));
      list('statuses').forEach((s, k) => {
        if (isRecord(s) && s.type === 'call') callStatusItem(change, s, `${where}.value.statuses[${k}]`);
        else statusItem(change, s, `${where}.value.statuses[${k}]`);
      });
      keepOtherKeys(change, value, ['calls', 'statuses']);
      break;
  }
  changeErrors(change, list('errors'), `${where}.value.errors`);
  dateWebhookContacts(out.records.slice(before));

  if (unreadable || out.records.length === before) {
    if (!unreadable) out.issues.push(`${where}: "${field}" change carried nothing recognisable; kept as a change event`);
    out.records.push(changeEvent(field, lineId, value));
  }
}

/** Keys of a value every field shares (handled above, or metadata only). */
const COMMON_VALUE_KEYS = new Set(['messaging_product', 'metadata', 'contacts', 'errors']);

/** Anything else a new-style value carries is kept as a change event rather than dropped. */
function keepOtherKeys(change: Change, value: Json, handled: string[]) {
  const other = Object.entries(value).filter(([key]) => !COMMON_VALUE_KEYS.has(key) && !handled.includes(key));
  if (other.length > 0) change.out.records.push(changeEvent(change.field, change.lineId, Object.fromEntries(other)));
}

/**
 * `standby`: the conversation while Meta Business Agent holds it. The customer's messages are
 * inbound, the agent's replies (`message_echoes`) outbound, both with source `business_agent`.
 * Accepted in a `standby` object, a list of them, or directly on the value; control changes
 * (`messaging_handovers`) are kept as change events.
 */
function standbyChange(change: Change, value: Json, where: string, list: (key: string) => unknown[]) {
  const containers: { at: string; content: Json }[] = [{ at: `${where}.value`, content: value }];
  const standby = value.standby;
  if (isRecord(standby)) containers.push({ at: `${where}.value.standby`, content: standby });
  else if (Array.isArray(standby)) {
    standby.forEach((item, k) => {
      if (isRecord(item)) containers.push({ at: `${where}.value.standby[${k}]`, content: item });
      else {
        change.out.issues.push(`${where}.value.standby[${k}] is not an object; kept as a change event`);
        change.out.records.push(changeEvent(change.field, change.lineId, item));
      }
    });
  } else if (standby !== undefined) {
    change.out.issues.push(`${where}.value.standby is not an object; kept as a change event`);
    change.out.records.push(changeEvent(change.field, change.lineId, { standby }));
  }
  for (const { at, content } of containers) {
    const items = (key: string): unknown[] => {
      if (content === value) return list(key);
      const v = content[key];
      if (v === undefined) return [];
      if (Array.isArray(v)) return v;
      change.out.issues.push(`${at}.${key} is not an array; kept as a change event`);
      change.out.records.push(changeEvent(change.field, change.lineId, { [key]: v }));
      return [];
    };
    if (content !== value && Array.isArray(content.contacts)) {
      content.contacts.forEach((c, k) => {
        contactItem(change, c, `${at}.contacts[${k}]`);
        const r = ContactReader.safeParse(c);
        if (r.success) change.contacts.push(r.data);
      });
    }
    items('messages').forEach((m, k) => inboundMessage(change, m, `${at}.messages[${k}]`, 'business_agent'));
    items('message_echoes').forEach((m, k) => echoMessage(change, m, `${at}.message_echoes[${k}]`, 'business_agent'));
    items('statuses').forEach((s, k) => statusItem(change, s, `${at}.statuses[${k}]`));
    items('messaging_handovers').forEach((h) => change.out.records.push(changeEvent('messaging_handovers', change.lineId, h)));
    if (content !== value) {
      if (Array.isArray(content.errors)) changeErrors(change, content.errors, `${at}.errors`);
      keepOtherKeys(change, content, ['messages', 'message_echoes', 'statuses', 'messaging_handovers']);
    }
  }
  keepOtherKeys(change, value, ['standby', 'messages', 'message_echoes', 'statuses', 'messaging_handovers']);
}

function changeErrors(change: Change, list: unknown[], where: string) {
  if (list.length === 0) return;
  list.forEach((e, k) => {
    check(WebhookErrorSchema, e, `${where}[${k}]`, change.out.issues);
  });
  change.out.records.push(
    compact<ChangeErrorRecord>({
      kind: 'change_error',
      field: change.field,
      lineId: change.lineId,
      errors: toErrors(list) ?? [],
    }),
  );
}

function contactItem(change: Change, raw: unknown, where: string) {
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
function identityLink(change: Change, from: string, to: string, reason: IdentityLinkRecord['reason'], timestamp?: string) {
  const key = JSON.stringify([reason, change.lineId, from, to]);
  if (change.out.links.has(key)) return;
  change.out.links.add(key);
  change.out.records.push(compact<IdentityLinkRecord>({ kind: 'identity_link', lineId: change.lineId, from, to, reason, timestamp }));
}

/** Validates a message strictly (issues only) and reads it tolerantly; undefined when it has no id. */
function readMessage(change: Change, raw: unknown, where: string): MessageRead | undefined {
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

/** The `value.contacts[]` entry describing this sender, when one does. */
function senderContact(change: Change, m: MessageRead): ContactRead | undefined {
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

function inboundMessage(change: Change, raw: unknown, where: string, source: Source) {
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
function echoMessage(change: Change, raw: unknown, where: string, source: Source) {
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

/** The customer a history thread is about: `threads[].id` (phone number) and/or `threads[].context.user_id` (BSUID). */
interface ThreadCustomer {
  id?: string;
  userId?: string;
}

function historyDirection(m: MessageRead, thread: ThreadCustomer, business: string | undefined): Direction {
  const from = present(m.from);
  const to = present(m.to);
  const fromUserId = present(m.from_user_id);
  const toUserId = present(m.to_user_id);
  if (from !== undefined && from === business) return 'outbound';
  if ((from !== undefined && from === thread.id) || (fromUserId !== undefined && fromUserId === thread.userId)) return 'inbound';
  if ((to !== undefined && to === thread.id) || (toUserId !== undefined && toUserId === thread.userId)) return 'outbound';
  // Only customers have BSUIDs: a BSUID sender is the customer, a BSUID recipient too.
  if (fromUserId !== undefined) return 'inbound';
  if (toUserId !== undefined) return 'outbound';
  // The thread is named after the customer: a sender other than the customer is the business.
  if (from !== undefined && thread.id !== undefined) return 'outbound';
  return 'inbound';
}

function historyChunk(change: Change, raw: unknown, where: string) {
  const { out } = change;
  if (!isRecord(raw)) {
    out.issues.push(`${where}: history chunk is not an object; kept as a change event`);
    out.records.push(changeEvent(change.field, change.lineId, raw));
    return;
  }
  if (raw.metadata !== undefined) {
    check(HistoryMetadataSchema, raw.metadata, `${where}.metadata`, out.issues);
    out.records.push(changeEvent(change.field, change.lineId, raw.metadata));
  }
  const threads = Array.isArray(raw.threads) ? raw.threads : [];
  threads.forEach((thread, t) => {
    const tWhere = `${where}.threads[${t}]`;
    if (!isRecord(thread) || !Array.isArray(thread.messages)) {
      out.issues.push(`${tWhere}: thread without a messages array; kept as a change event`);
      out.records.push(changeEvent(change.field, change.lineId, thread));
      return;
    }
    const customer: ThreadCustomer = {
      id: typeof thread.id === 'string' ? present(thread.id) : undefined,
      userId: isRecord(thread.context) && typeof thread.context.user_id === 'string' ? present(thread.context.user_id) : undefined,
    };
    if (customer.id === undefined && customer.userId === undefined) out.issues.push(`${tWhere}: thread without an id or context.user_id`);
    thread.messages.forEach((rawMessage, k) => {
      const mWhere = `${tWhere}.messages[${k}]`;
      const m = readMessage(change, rawMessage, mWhere);
      if (!m) return;
      const direction = historyDirection(m, customer, change.lineDisplayNumber);
      const [phone, userId] = direction === 'inbound' ? [present(m.from), present(m.from_user_id)] : [present(m.to), present(m.to_user_id)];
      const contactId = customer.id ?? customer.userId ?? phone ?? userId;
      if (contactId === undefined) out.issues.push(`${mWhere} (${m.id}): customer unknown (no thread id, context.user_id, from or to)`);
      emitMessage(change, m, rawMessage as Json, mWhere, {
        direction,
        source: 'history',
        contactId,
        contactUserId: userId ?? customer.userId,
      });
    });
  });
  if (Array.isArray(raw.errors)) changeErrors(change, raw.errors, `${where}.errors`);
}

/**
 * `value.contacts[]` carries no time of its own; give each profile the time of the newest
 * message or status about that contact in the same change, so the newest profile wins in the
 * archive whatever order webhooks arrive in.
 */
function dateWebhookContacts(records: NormalizedRecord[]) {
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

function emitMessage(change: Change, m: MessageRead, payload: Json, where: string, placement: Placement) {
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

/**
 * An object keyed by its `id` (a status, a call event): checked against its contract schema, read
 * leniently, or kept as a change event when it has no id to key it by. Its timestamp as ISO.
 */
function readKeyed<R extends z.ZodType<{ id: string; timestamp?: string | number }>>(
  change: Change,
  raw: unknown,
  where: string,
  contract: { schema: z.ZodType; reader: R; what: string },
): { data: z.output<R>; label: string; timestamp: string | undefined } | undefined {
  const { out } = change;
  const label = isRecord(raw) && typeof raw.id === 'string' ? `${where} (${raw.id})` : where;
  check(contract.schema, raw, label, out.issues);
  const r = contract.reader.safeParse(raw);
  if (!r.success) {
    out.issues.push(`${where}: ${contract.what} without an id cannot be keyed; kept as a change event`);
    out.records.push(changeEvent(change.field, change.lineId, raw));
    return undefined;
  }
  const timestamp = toIso(r.data.timestamp);
  if (timestamp === undefined) out.issues.push(`${label}: no readable timestamp; using ${UNKNOWN_TIME}`);
  return { data: r.data, label, timestamp };
}

function statusItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: StatusSchema, reader: StatusReader, what: 'status' });
  if (!read) return;
  const { data: s, timestamp } = read;
  out.records.push(
    compact<StatusRecord>({
      kind: 'status',
      messageId: s.id,
      lineId: change.lineId,
      status: s.status ?? 'unknown',
      timestamp: timestamp ?? UNKNOWN_TIME,
      recipientId: s.recipient_id,
      recipientUserId: s.recipient_user_id,
      recipientParticipantId: present(s.recipient_participant_id) ?? present(s.participant_recipient_id),
      recipientParticipantUserId: present(s.recipient_participant_user_id),
      errors: toErrors(s.errors),
      pricing: s.pricing,
      conversation: s.conversation,
      payload: raw as Json,
    }),
  );
}

/**
 * A Calling API event (`calls[]`): connect or terminate. The customer is the caller of a
 * USER_INITIATED call and the callee of a BUSINESS_INITIATED one (phone number, else BSUID).
 */
function callItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: CallSchema, reader: CallReader, what: 'call' });
  if (!read) return;
  const { data: c, label, timestamp } = read;
  const business = change.lineDisplayNumber;
  const direction: Direction | undefined =
    c.direction === 'USER_INITIATED'
      ? 'inbound'
      : c.direction === 'BUSINESS_INITIATED'
        ? 'outbound'
        : business !== undefined && c.from === business
          ? 'outbound'
          : business !== undefined && c.to === business
            ? 'inbound'
            : undefined;
  if (direction === undefined) out.issues.push(`${label}: call direction unknown (direction "${c.direction ?? ''}")`);
  const [phone, userId] =
    direction === 'outbound' ? [present(c.to), present(c.to_user_id)] : [present(c.from), present(c.from_user_id)];
  const event = present(c.event);
  out.records.push(
    compact<CallRecord>({
      kind: 'call',
      id: c.id,
      lineId: change.lineId,
      contactId: phone ?? userId,
      contactUserId: userId,
      direction,
      event,
      status: present(c.status),
      startedAt: toIso(c.start_time) ?? (event === 'connect' ? timestamp : undefined),
      endedAt: toIso(c.end_time) ?? (event === 'terminate' ? timestamp : undefined),
      durationSeconds: c.duration,
      timestamp: timestamp ?? UNKNOWN_TIME,
      errors: toErrors(c.errors),
      payload: raw as Json,
    }),
  );
}

/** `statuses[]` with `type: "call"` on the calls field: how a business-initiated call progresses (RINGING, ACCEPTED, REJECTED…). */
function callStatusItem(change: Change, raw: Json, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: CallStatusSchema, reader: CallStatusReader, what: 'call status' });
  if (!read) return;
  const { data: s, timestamp } = read;
  out.records.push(
    compact<CallRecord>({
      kind: 'call',
      id: s.id,
      lineId: change.lineId,
      contactId: present(s.recipient_id) ?? present(s.recipient_user_id),
      contactUserId: present(s.recipient_user_id),
      // Only business-initiated calls report their progress this way.
      direction: 'outbound',
      event: 'status',
      status: present(s.status),
      timestamp: timestamp ?? UNKNOWN_TIME,
      errors: toErrors(s.errors),
      payload: raw,
    }),
  );
}

function stateSyncItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  check(StateSyncItemSchema, raw, where, out.issues);

  const r = StateSyncReader.safeParse(raw);
  const item = r.success ? r.data : undefined;
  const phone = present(item?.contact?.phone_number);
  if (!item || item.type !== 'contact' || phone === undefined) {
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
