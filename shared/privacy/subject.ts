import type { NormalizedRecord } from '../domain/records';
import type { RawArchive } from '../ports/raw-archive';
import type { ArchiveItem, ItemKey, ItemSelector, PrivacyRepository } from '../ports/subject-rights';
import { normalizeWebhook } from '../whatsapp/normalize';
import { recordSubject } from './retention';

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
  statuses: ArchiveItem[];
  conflicts: ArchiveItem[];
  flowFailures: ArchiveItem[];
  contacts: ArchiveItem[];
  contactSyncs: ArchiveItem[];
  events: ArchiveItem[];
  media: ArchiveItem[];
  alerts: ArchiveItem[];
  /** Projection markers of raw webhooks whose records about an erased contact were skipped. */
  rawMarkers: ArchiveItem[];
  /** Raw webhooks the records came from. */
  rawKeys: string[];
}

const CONTACT_ENTITIES = new Set(['message', 'status', 'contact', 'contact_sync', 'alert']);

/**
 * Scans for the selector, follows the contact's other identifiers (a phone number leads to the
 * BSUID and back, through messages, statuses and profiles), then reads what hangs off the
 * messages found: their partitions (statuses, conflicts, flow failures), media and alert items.
 */
export async function findSubjectItems(repository: PrivacyRepository, selector: ItemSelector): Promise<SubjectItems> {
  const ids = new Set(selector.contactIds ?? []);
  let scanned: ArchiveItem[] = [];
  for (let round = 0; round < 3; round++) {
    scanned = await repository.scanSubject({ lineId: selector.lineId, contactIds: [...ids] });
    if (ids.size === 0) break;
    const before = ids.size;
    for (const item of scanned) {
      if (!CONTACT_ENTITIES.has(String(item.entity))) continue;
      for (const id of aliasesOf(item)) ids.add(id);
    }
    if (ids.size === before) break;
  }
  const byKey = new Map<string, ArchiveItem>();
  const add = (item: ArchiveItem) => byKey.set(`${item.pk}\u0000${item.sk}`, item);
  scanned.forEach(add);
  (await repository.partitions(scanned.filter((item) => String(item.pk).startsWith('MSG#')).map((item) => String(item.pk)))).forEach(add);
  const messageItems = [...byKey.values()].filter((item) => item.sk === 'MSG');
  const extra: ItemKey[] = [
    ...messageItems.flatMap((item) => (item.media?.mediaId ? [{ pk: `MEDIA#${item.media.mediaId}`, sk: 'MEDIA' }] : [])),
    ...messageItems.flatMap((item) => [...((item.alertIds as Set<string> | undefined) ?? [])].map((id) => ({ pk: `ALERT#${id}`, sk: 'ALERT' }))),
  ].filter((key) => !byKey.has(`${key.pk}\u0000${key.sk}`));
  (await repository.getItems(extra)).forEach(add);
  return group([...byKey.values()], [...ids]);
}

/** The identifiers one item gives for the same person: a message's contact and BSUID, a status's recipient, a profile's wa_id and user id. */
function aliasesOf(item: ArchiveItem): string[] {
  const pairs = [
    [item.contactId, item.contactUserId],
    [item.recipientId, item.recipientUserId],
    [item.contactId, item.waId, item.userId],
  ];
  return pairs.flat().filter((value): value is string => typeof value === 'string' && value !== '');
}

function group(items: ArchiveItem[], contactIds: string[]): SubjectItems {
  const of = (test: (item: ArchiveItem) => boolean) => items.filter(test);
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
    rawMarkers: of((item) => pk(item).startsWith('RAW#')),
    rawKeys: [],
  };
  result.rawKeys = [...new Set(items.map((item) => item.rawKey).filter((key): key is string => typeof key === 'string'))].sort();
  return result;
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
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return { concern: 'missing', records: [] };
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
