/**
 * The contact index (`bySubject`, docs/data-model.md): how subject requests, erasures and holds
 * find every item that names a person without a Scan.
 *
 * An item that names a contact carries `subjectPk = SUBJECT#<id>` for the first identifier it
 * names. An item naming more than one (a phone number and a BSUID, a change event naming several
 * users) gets one small *reference* item per further identifier, in the item's own partition
 * (`<pk>` / `<sk>#SUBJECT#<id>`, `entity: subject_ref`, `refSk = <sk>`), indexed the same way.
 * Living in the item's partition, a reference is held, released, erased and expired with it: a
 * partition-wide hold or erasure reaches it, and its expiry follows the item's (see
 * `referenceExpiryUpdate`). CloudFormation adds one index per stack update, so a second index for
 * the second identifier would have made the upgrade two deployments.
 *
 * The index's sort key is the item's own `pk`: a contact's items come grouped by partition.
 */

export const SUBJECT_INDEX = 'bySubject';
export const SUBJECT_REF_ENTITY = 'subject_ref';
const REF_MARK = '#SUBJECT#';

export const subjectPartition = (contactId: string) => `SUBJECT#${contactId}`;
/** The media items that hold one stored file are indexed under it: an erasure keeps a file another message still uses. */
export const storedObjectPartition = (s3Key: string) => `OBJECT#${s3Key}`;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A reference item standing for `target` under one more identifier. */
export interface SubjectReference extends ItemKey {
  subjectPk: string;
  refSk: string;
  entity: typeof SUBJECT_REF_ENTITY;
}

/** What to write for an item naming `contactIds`: its own `subjectPk`, and the references. */
export function subjectIndexWrites(target: ItemKey, contactIds: readonly string[]): { attributes: { subjectPk?: string }; references: SubjectReference[] } {
  const ids = distinct(contactIds);
  if (ids.length === 0) return { attributes: {}, references: [] };
  return {
    attributes: { subjectPk: subjectPartition(ids[0]) },
    references: ids.slice(1).map((id) => referenceFor(target, id)),
  };
}

export function referenceFor(target: ItemKey, contactId: string): SubjectReference {
  return { pk: target.pk, sk: `${target.sk}${REF_MARK}${contactId}`, subjectPk: subjectPartition(contactId), refSk: target.sk, entity: SUBJECT_REF_ENTITY };
}

export const isSubjectReference = (item: Record<string, unknown>): boolean => item.entity === SUBJECT_REF_ENTITY;

/** The item a found index entry stands for: itself, or the target of a reference. */
export function indexedItemKey(entry: Record<string, unknown>): ItemKey {
  const sk = String(entry.sk);
  const mark = sk.indexOf(REF_MARK);
  return { pk: String(entry.pk), sk: mark === -1 ? sk : sk.slice(0, mark) };
}

const present = (...values: unknown[]): string[] => values.filter((value): value is string => typeof value === 'string' && value !== '');

/**
 * The identifiers a stored item names, by entity (the attributes subject requests always matched:
 * docs/data-model.md). A status names its recipient; but an ordinary status is found through its
 * message's item (the stub of a message sent through the Cloud API carries the recipient's key),
 * so only a group receipt — its participant's, not the group's message — is indexed itself.
 */
export function subjectIdsOfItem(item: Record<string, unknown>): string[] {
  switch (item.entity) {
    case 'message':
      return distinct(present(item.contactId, item.contactUserId));
    case 'status':
      return isGroupReceipt(item) ? distinct(present(item.recipientParticipantId, item.recipientParticipantUserId)) : [];
    case 'contact':
    case 'contact_sync':
      return distinct(present(item.contactId, item.waId, item.userId));
    case 'call_event':
      return distinct(present(item.contactId, item.contactUserId));
    case 'alert':
    case 'disclosure':
    case 'disclosure_sent':
      return distinct(present(item.contactId));
    case 'change_event':
    case 'change_error':
      return typeof item.detailJson === 'string' ? identifiersInDetail(item.detailJson) : [];
    case 'raw':
      return Array.isArray(item.erasedContacts) ? distinct(present(...item.erasedContacts)) : [];
    default:
      return [];
  }
}

/** The identifiers a message stub takes from an ordinary (not group-receipt) status about it. */
export function stubIdsOfStatus(status: Record<string, unknown>): string[] {
  return isGroupReceipt(status) ? [] : distinct(present(status.recipientId, status.recipientUserId));
}

export const isGroupReceipt = (item: Record<string, unknown>): boolean => present(item.recipientParticipantId, item.recipientParticipantUserId).length > 0;

/**
 * The keys of a change event's payload that hold a person's identifier (the webhook spec's names,
 * BSUID forms and Meta's misspelled `participant_recipient_id` included). The business's own
 * number (`metadata`, `phone_number`, `display_phone_number`) is not one.
 */
const IDENTIFIER_KEYS = new Set([
  'wa_id',
  'user_id',
  'parent_user_id',
  'from',
  'from_user_id',
  'from_parent_user_id',
  'to',
  'to_user_id',
  'to_parent_user_id',
  'recipient_id',
  'recipient_user_id',
  'recipient_parent_user_id',
  'recipient_participant_id',
  'participant_recipient_id',
  'recipient_participant_user_id',
  'recipient_participant_parent_user_id',
]);

/** Person identifiers in a change event's payload (`detailJson`), at any depth. */
export function identifiersInDetail(detailJson: string): string[] {
  let detail: unknown;
  try {
    detail = JSON.parse(detailJson);
  } catch {
    return [];
  }
  const found: string[] = [];
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) value.forEach((entry) => visit(entry, key));
    else if (value !== null && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) if (name !== 'metadata') visit(inner, name);
    } else if (typeof value === 'string' && value !== '' && key !== undefined && IDENTIFIER_KEYS.has(key)) found.push(value);
  };
  visit(detail, undefined);
  return distinct(found);
}

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
