import type { NormalizedRecord } from '../capture/records';
import type { RawArchive } from '../capture/ports/raw-archive';
import type { ArchiveItem, ItemKey, ItemSelector, PrivacyRepository } from './ports/subject-rights';
import { normalizeWebhook } from '../capture/whatsapp/normalize';
import { recordSubject } from './retention';
import { isMissingObject } from '../platform/objects';
import { isSubjectReference } from '../resources/subject-index';

/**
 * Finding everything the archive holds about a data subject (a contact) or under a legal hold
 * (a contact, a line, or a conversation: contact on one line).
 */

/** The items found, grouped by what they are (docs/data-model.md). */
export interface SubjectItems {
  /** Every identifier of the contact found (the one given, and its phone number / BSUID). */
  contactIds: string[];
  all: ArchiveItem[];
  messages: ArchiveItem[];
  /** Message items without content: statuses or links arrived, the message never did (or was sent through the Cloud API). */
  stubs: ArchiveItem[];
  /** Statuses of their messages, and their own receipts of group messages the business sent (`recipientParticipantId`/`UserId`). */
  statuses: ArchiveItem[];
  conflicts: ArchiveItem[];
  flowFailures: ArchiveItem[];
  contacts: ArchiveItem[];
  contactSyncs: ArchiveItem[];
  events: ArchiveItem[];
  media: ArchiveItem[];
  alerts: ArchiveItem[];
  /** Call summaries (`CALL#<id>` / `CALL`). */
  calls: ArchiveItem[];
  /** Call event items (`CALL#<id>` / `EVENT#…`): connect, terminate, call statuses. */
  callEvents: ArchiveItem[];
  /** Identity link items (`IDENTITY#<id>`): two identifiers of this person, both directions. */
  identityLinks: ArchiveItem[];
  /** Projection markers of raw webhooks whose records about an erased contact were skipped. */
  rawMarkers: ArchiveItem[];
  /** Raw webhooks the records came from. */
  rawKeys: string[];
  /** The contact index's reference items among them (shared/resources/subject-index.ts): held and erased with their items, never exported. */
  references: ArchiveItem[];
}

const CONTACT_ENTITIES = new Set(['message', 'status', 'contact', 'contact_sync', 'alert', 'call', 'call_event']);

/**
 * Follows the contact's identity links by key (transitively: A→B→C), finds the items naming the
 * contact through the contact index (a whole line's by a Scan),
 * follows the other identifiers the items give (a phone number leads to the BSUID and back,
 * through messages, statuses, profiles and calls) and their links, then reads what hangs off the
 * messages found — their partitions (statuses, conflicts, flow failures), media and alert items —
 * and the whole partition of every call found (summary and events). A group participant's receipt
 * is theirs, but the group message it is about is not: its partition is not read for them.
 */
export async function findSubjectItems(repository: PrivacyRepository, selector: ItemSelector): Promise<SubjectItems> {
  const ids = new Set(selector.contactIds ?? []);
  const links = new Map<string, ArchiveItem>();
  const followed = new Set<string>();
  const followLinks = async () => {
    for (let next = [...ids].filter((id) => !followed.has(id)); next.length > 0; next = [...ids].filter((id) => !followed.has(id))) {
      next.forEach((id) => followed.add(id));
      for (const link of await repository.identityLinks(next)) {
        links.set(`${link.pk}\u0000${link.sk}`, link);
        for (const id of [link.from, link.to]) if (typeof id === 'string' && id !== '') ids.add(id);
      }
    }
  };
  const byKey = new Map<string, ArchiveItem>();
  const add = (item: ArchiveItem) => byKey.set(`${item.pk}\u0000${item.sk}`, item);
  const owned = (item: ArchiveItem) => !isSubjectReference(item) && (String(item.pk).startsWith('CALL#') || (String(item.pk).startsWith('MSG#') && !onlyAsParticipant(item, ids)));
  const partitionsRead = new Set<string>();
  /** The partitions of the items found that are wholly the contact's: a message's statuses, conflicts, flow failures; a call's events. */
  const readOwnedPartitions = async (found: ArchiveItem[]) => {
    const pks = [...new Set(found.filter(owned).map((item) => String(item.pk)))].filter((pk) => !partitionsRead.has(pk));
    pks.forEach((pk) => partitionsRead.add(pk));
    const items = await repository.partitions(pks);
    items.forEach(add);
    return items;
  };
  for (let round = 0; round < 3; round++) {
    await followLinks();
    if (ids.size === 0) {
      (await repository.scanSubject({ lineId: selector.lineId })).forEach(add);
      break;
    }
    const found = await repository.indexedSubject({ lineId: selector.lineId, contactIds: [...ids] });
    found.forEach(add);
    const inPartitions = await readOwnedPartitions(found);
    const before = ids.size;
    for (const item of [...found, ...inPartitions]) {
      if (!CONTACT_ENTITIES.has(String(item.entity))) continue;
      for (const id of aliasesOf(item)) ids.add(id);
    }
    if (ids.size === before) break;
  }
  await followLinks();
  // The links are the person's wherever seen; a conversation (one line) keeps those of its line or of none.
  [...links.values()].filter((link) => selector.lineId === undefined || link.lineId === undefined || link.lineId === selector.lineId).forEach(add);
  await readOwnedPartitions([...byKey.values()]);
  const messageItems = [...byKey.values()].filter((item) => item.sk === 'MSG');
  const extra: ItemKey[] = [
    ...messageItems.flatMap((item) => (item.media?.mediaId ? [{ pk: `MEDIA#${item.media.mediaId}`, sk: 'MEDIA' }] : [])),
    ...messageItems.flatMap((item) => [...((item.alertIds as Set<string> | undefined) ?? [])].map((id) => ({ pk: `ALERT#${id}`, sk: 'ALERT' }))),
  ].filter((key) => !byKey.has(`${key.pk}\u0000${key.sk}`));
  (await repository.getItems(extra)).forEach(add);
  return group([...byKey.values()], [...ids]);
}

/** A group send's receipt: its recipient is the group, its participant the person. */
const isReceipt = (item: ArchiveItem) => item.entity === 'status' && (present(item.recipientParticipantId) || present(item.recipientParticipantUserId));
const present = (value: unknown) => typeof value === 'string' && value !== '';

/** A receipt found for its participant, not for its recipient (the group): the message is someone else's. */
function onlyAsParticipant(item: ArchiveItem, ids: ReadonlySet<string>): boolean {
  return isReceipt(item) && ![item.recipientId, item.recipientUserId].some((id) => typeof id === 'string' && ids.has(id));
}

/**
 * The identifiers one item gives for the same person: a message's or call's contact and BSUID, a
 * status's recipient (a group receipt's participant: its recipient is the group), a profile's
 * wa_id and user id.
 */
function aliasesOf(item: ArchiveItem): string[] {
  const pairs = [
    [item.contactId, item.contactUserId],
    isReceipt(item) ? [item.recipientParticipantId, item.recipientParticipantUserId] : [item.recipientId, item.recipientUserId],
    [item.contactId, item.waId, item.userId],
  ];
  return pairs.flat().filter((value): value is string => typeof value === 'string' && value !== '');
}

function group(items: ArchiveItem[], contactIds: string[]): SubjectItems {
  const of = (test: (item: ArchiveItem) => boolean) => items.filter((item) => !isSubjectReference(item) && test(item));
  const pk = (item: ArchiveItem) => String(item.pk);
  const sk = (item: ArchiveItem) => String(item.sk);
  const result: SubjectItems = {
    contactIds: contactIds.sort(),
    all: items,
    messages: of((item) => pk(item).startsWith('MSG#') && sk(item) === 'MSG' && item.contentHash !== undefined),
    stubs: of((item) => pk(item).startsWith('MSG#') && sk(item) === 'MSG' && item.contentHash === undefined),
    statuses: of((item) => pk(item).startsWith('MSG#') && sk(item).startsWith('STATUS#')),
    conflicts: of((item) => pk(item).startsWith('MSG#') && sk(item).startsWith('CONFLICT#')),
    flowFailures: of((item) => pk(item).startsWith('MSG#') && sk(item).startsWith('FLOW_FAILURE#')),
    contacts: of((item) => pk(item).startsWith('CONTACT#') && sk(item) === 'PROFILE'),
    contactSyncs: of((item) => pk(item).startsWith('CONTACT#') && sk(item).startsWith('SYNC#')),
    events: of((item) => pk(item).startsWith('EVENT#')),
    media: of((item) => pk(item).startsWith('MEDIA#')),
    alerts: of((item) => pk(item).startsWith('ALERT#')),
    calls: of((item) => pk(item).startsWith('CALL#') && sk(item) === 'CALL'),
    callEvents: of((item) => pk(item).startsWith('CALL#') && sk(item).startsWith('EVENT#')),
    identityLinks: of((item) => pk(item).startsWith('IDENTITY#')),
    rawMarkers: of((item) => pk(item).startsWith('RAW#')),
    rawKeys: [],
    references: items.filter(isSubjectReference),
  };
  result.rawKeys = [...new Set(items.map((item) => item.rawKey).filter((key): key is string => typeof key === 'string'))].sort();
  return result;
}

/** A link is stored under each of its identifiers: the data subject gets it once. */
export function distinctLinks(items: ArchiveItem[]): ArchiveItem[] {
  const seen = new Map<string, ArchiveItem>();
  for (const item of [...items].sort((a, b) => String(a.pk).localeCompare(String(b.pk)))) {
    const key = [item.from, item.to].map(String).sort().join('\u0000');
    if (!seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()].sort((a, b) => String(a.timestamp ?? a.seenAt ?? '').localeCompare(String(b.timestamp ?? b.seenAt ?? '')));
}

/** How far a call got, for ordering its statuses at the same second (as `vigia calls` shows them). */
const CALL_STATUS_RANK: Record<string, number> = { RINGING: 1, ACCEPTED: 2, REJECTED: 2 };

/**
 * The contact's calls, one entry each (oldest first), as the export gives them: the summary
 * (direction, status, start, end, duration — as `vigia calls` shows it) and every event item of the
 * call. A call whose summary is missing still gets an entry from its events.
 */
export function callsOf(subject: Pick<SubjectItems, 'calls' | 'callEvents'>): Record<string, unknown>[] {
  const byCall = new Map<string, { summary?: ArchiveItem; events: ArchiveItem[] }>();
  const entry = (pk: unknown) => {
    const key = String(pk);
    if (!byCall.has(key)) byCall.set(key, { events: [] });
    return byCall.get(key)!;
  };
  for (const item of subject.calls) entry(item.pk).summary = item;
  for (const item of subject.callEvents) entry(item.pk).events.push(item);
  const entries = [...byCall].map(([pk, { summary = {}, events }]) => {
    events.sort((a, b) => String(a.timestamp ?? '').localeCompare(String(b.timestamp ?? '')) || String(a.sk).localeCompare(String(b.sk)));
    const first = events[0] ?? {};
    // `<ISO time>#<STATUS>`: the latest by time, then by how far the call got.
    const rank = (status: string) => CALL_STATUS_RANK[status.slice(status.indexOf('#') + 1)] ?? 0;
    const statuses = summary.statusEvents instanceof Set ? [...summary.statusEvents].map(String).sort((a, b) => a.slice(0, 24).localeCompare(b.slice(0, 24)) || rank(a) - rank(b)) : [];
    const latest = statuses.at(-1);
    return {
      id: summary.id ?? first.id ?? pk.slice('CALL#'.length),
      lineId: summary.lineId ?? first.lineId,
      contactId: summary.contactId ?? first.contactId,
      contactUserId: summary.contactUserId ?? first.contactUserId,
      direction: summary.direction ?? first.direction,
      status: summary.terminateStatus ?? (latest === undefined ? undefined : latest.slice(latest.indexOf('#') + 1)),
      startedAt: summary.startTime ?? summary.connectedAt,
      endedAt: summary.endedAt,
      durationSeconds: summary.durationSeconds === undefined ? undefined : Number(summary.durationSeconds),
      events: events.map(publicItem),
    };
  });
  const when = (call: Record<string, unknown>) => String(call.startedAt ?? (call.events as Record<string, unknown>[])[0]?.timestamp ?? '');
  return entries.sort((a, b) => when(a).localeCompare(when(b)) || String(a.id).localeCompare(String(b.id)));
}

/** Days (UTC) an item counts in for the analytics export: message time, alert and media creation. */
export function analyticsDaysOf(subject: SubjectItems): string[] {
  const days = [
    ...subject.messages.map((item) => item.timestamp),
    ...subject.alerts.map((item) => item.createdAt),
    ...subject.media.map((item) => item.createdAt),
  ]
    .filter((value): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value))
    .map((value) => value.slice(0, 10));
  return [...new Set(days)].sort();
}

/** The time a stored item is about (for the retention minimum). */
export function itemTime(item: ArchiveItem): string | undefined {
  const value = item.timestamp ?? item.profileAt ?? item.syncedAt ?? item.createdAt ?? item.seenAt;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export type RawConcern = 'only' | 'shared' | 'missing';

/**
 * Whether a raw webhook is only about this subject: every record that names a contact names one
 * of `contactIds` (records naming nobody — history metadata, change-level errors — don't count).
 */
export async function rawConcern(archive: RawArchive, key: string, belongs: (record: NormalizedRecord) => boolean): Promise<{ concern: RawConcern; records: NormalizedRecord[] }> {
  let body: Buffer;
  try {
    body = (await archive.getRaw(key)).body;
  } catch (error) {
    if (isMissingObject(error)) return { concern: 'missing', records: [] };
    throw error;
  }
  let records: NormalizedRecord[];
  try {
    records = normalizeWebhook(JSON.parse(body.toString('utf8'))).records;
  } catch {
    return { concern: 'shared', records: [] };
  }
  const named = records.filter((record) => recordSubject(record).contactIds.length > 0);
  const concern = named.length > 0 && named.every(belongs) ? 'only' : 'shared';
  return { concern, records };
}

/** A record about one of these identifiers. */
export const aboutContact =
  (contactIds: readonly string[]) =>
  (record: NormalizedRecord): boolean => {
    const ids = new Set(contactIds);
    return recordSubject(record).contactIds.some((id) => ids.has(id));
  };

/** Item keys (pk, sk) of items. */
export const itemKeys = (items: ArchiveItem[]): ItemKey[] => items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));

/** An item without the table's keys and index attributes, JSON fields parsed: what a data subject gets. */
export function publicItem(item: ArchiveItem): Record<string, unknown> {
  const hidden = new Set(['pk', 'sk', 'linePk', 'lineSk', 'dayPk', 'daySk', 'contactPk', 'contactSk', 'mediaStatePk', 'mediaStateSk', 'alertStatusPk', 'alertStatusSk', 'statusRank', 'contentHash']);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (hidden.has(name)) continue;
    if ((name === 'payloadJson' || name === 'detailJson') && typeof value === 'string') {
      try {
        out[name === 'payloadJson' ? 'payload' : 'detail'] = JSON.parse(value);
        continue;
      } catch {
        // kept as text
      }
    }
    out[name] = value instanceof Set ? [...value].sort() : value;
  }
  return out;
}
