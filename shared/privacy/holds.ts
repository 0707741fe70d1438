import type { ArchiveItem, ItemSelector } from './ports/subject-rights';
import { coveringHold, holdCovers, holdId, itemSubject, recordSubject, type HoldScope, type LegalHold, type Subject } from './retention';
import { findSubjectItems, rawConcern, type SubjectItems } from './subject';
import { SubjectRequestError, type SubjectRightsDependencies } from './subject-rights';
import { describeHold } from './subject-erase';
import { isMissingObject } from '../platform/objects';
import { isSubjectReference } from '../resources/subject-index';

export interface HoldTarget {
  scope: HoldScope;
  contactId?: string;
  lineId?: string;
}

export interface HoldSummary {
  hold: LegalHold;
  /** Items whose expiry was suspended (hold) or restored (release). */
  items: number;
  /** Objects re-tagged (raw webhooks and media files). */
  objects: number;
}

/**
 * `vigia hold add`: records the hold (who, when, why), then suspends the expiry of everything it
 * covers — items' `expiresAt` becomes `heldExpiresAt`, their objects are re-tagged
 * `vigia-retention=hold` (and get an S3 Object Lock legal hold where the bucket has Object Lock).
 * While it is in force `vigia subject erase` refuses, and new records it covers are written held.
 */
export async function placeHold(deps: SubjectRightsDependencies, target: HoldTarget, request: { reason: string; by: string }): Promise<HoldSummary> {
  validateTarget(target);
  if (request.reason.trim() === '') throw new SubjectRequestError('invalid', 'a legal hold needs a reason (e.g. the case or order number)');
  const subject = await findSubjectItems(deps.repository, selectorOf(target, target.contactId ? [target.contactId] : undefined));
  const hold: LegalHold = {
    id: holdId(target.scope, target),
    scope: target.scope,
    lineId: target.lineId,
    contactId: target.contactId,
    contactIds: target.contactId ? [...new Set([target.contactId, ...subject.contactIds])].sort() : undefined,
    reason: request.reason,
    by: request.by,
    at: (deps.now ?? (() => new Date()))().toISOString(),
  };
  if (!(await deps.repository.putHold(hold))) {
    const existing = (await deps.repository.activeHolds()).find((candidate) => candidate.id === hold.id);
    throw new SubjectRequestError('invalid', `${existing ? describeHold(existing) : `legal hold ${hold.id}`} is already in force`);
  }
  let items = 0;
  for (const item of covered(subject, [hold])) if (await deps.repository.moveExpiry({ pk: String(item.pk), sk: String(item.sk) }, 'hold')) items += 1;
  const keys = objectKeys(subject);
  for (const key of keys) await retag(deps, key, 'hold');
  await deps.repository.appendAudit({ by: request.by, action: 'hold-add', outcome: 'done', contact: target.contactId, lineId: target.lineId, reason: request.reason, detail: hold.id, counts: { items, objects: keys.length } });
  return { hold, items, objects: keys.length };
}

/** `vigia hold remove`: releases the hold; what no other hold covers gets its expiry (and `expire` tag) back. */
export async function releaseHold(deps: SubjectRightsDependencies, target: HoldTarget, request: { reason?: string; by: string }): Promise<HoldSummary> {
  validateTarget(target);
  const id = holdId(target.scope, target);
  const hold = await deps.repository.deleteHold(id);
  if (!hold) throw new SubjectRequestError('not-found', `no legal hold ${id} is in force (see vigia hold list)`);
  const remaining = await deps.repository.activeHolds();
  const subject = await findSubjectItems(deps.repository, selectorOf(target, hold.contactIds));
  let items = 0;
  const released = covered(subject, [hold]).filter((item) => !isCovered(item, subject, remaining));
  for (const item of released) if (await deps.repository.moveExpiry({ pk: String(item.pk), sk: String(item.sk) }, 'release')) items += 1;

  let objects = 0;
  for (const key of subject.rawKeys) {
    const { records, concern } = await rawConcern(deps.rawArchive, key, () => true);
    if (concern === 'missing') continue;
    if (records.some((record) => coveringHold(remaining, recordSubject(record)))) continue;
    await retag(deps, key, 'expire');
    objects += 1;
  }
  const ours = new Set(subject.media.map((item) => String(item.pk)));
  const mediaKeys = [...new Set(subject.media.map((item) => item.s3Key).filter((key): key is string => typeof key === 'string'))];
  const stillHeld = new Set(
    (await deps.repository.mediaItemsWithObjects(mediaKeys)).filter((item) => !ours.has(String(item.pk)) && item.heldExpiresAt !== undefined).map((item) => String(item.s3Key)),
  );
  for (const item of subject.media) if (isCovered(item, subject, remaining) && typeof item.s3Key === 'string') stillHeld.add(item.s3Key);
  for (const key of mediaKeys) {
    if (stillHeld.has(key)) continue;
    await retag(deps, key, 'expire');
    objects += 1;
  }
  await deps.repository.appendAudit({ by: request.by, action: 'hold-remove', outcome: 'done', contact: hold.contactId, lineId: hold.lineId, reason: request.reason, detail: `${hold.id} (placed by ${hold.by} on ${hold.at})`, counts: { items, objects } });
  return { hold, items, objects };
}

function validateTarget(target: HoldTarget): void {
  const needs = { contact: ['contactId'], line: ['lineId'], conversation: ['contactId', 'lineId'] }[target.scope];
  const missing = needs.filter((field) => !target[field as 'contactId' | 'lineId']);
  if (missing.length > 0) throw new SubjectRequestError('invalid', `a ${target.scope} hold needs ${missing.map((field) => (field === 'contactId' ? '--contact' : '--line')).join(' and ')}`);
}

function selectorOf(target: HoldTarget, contactIds: string[] | undefined): ItemSelector {
  if (target.scope === 'line') return { lineId: target.lineId };
  return { contactIds, lineId: target.scope === 'conversation' ? target.lineId : undefined };
}

/**
 * The subject an item is judged by: its own line and contact, or — for what hangs off a message
 * (statuses, conflicts, flow failures, its media item) — the message's, and for a call's event
 * the call's.
 */
function ownerSubject(item: ArchiveItem, subject: SubjectItems): Subject {
  // A reference of the contact index is held and released with the item it stands for.
  if (isSubjectReference(item)) {
    const target = subject.all.find((candidate) => candidate.pk === item.pk && candidate.sk === item.refSk);
    return target ? ownerSubject(target, subject) : { contactIds: [] };
  }
  const own = itemSubject(item);
  if (own.contactIds.length > 0) return own;
  const pk = String(item.pk);
  const messagePk = pk.startsWith('MSG#') ? pk : pk.startsWith('MEDIA#') && item.messageId ? `MSG#${item.messageId}` : undefined;
  const parent = messagePk
    ? [...subject.messages, ...subject.stubs].find((candidate) => candidate.pk === messagePk)
    : pk.startsWith('CALL#')
      ? subject.calls.find((candidate) => candidate.pk === pk)
      : undefined;
  const fromParent = parent ? itemSubject(parent) : { contactIds: [] };
  return { lineId: own.lineId ?? fromParent.lineId, contactIds: fromParent.contactIds };
}

function isCovered(item: ArchiveItem, subject: SubjectItems, holds: readonly LegalHold[]): boolean {
  const owner = ownerSubject(item, subject);
  return holds.some((hold) => holdCovers(hold, owner));
}

function covered(subject: SubjectItems, holds: readonly LegalHold[]): ArchiveItem[] {
  return subject.all.filter((item) => !String(item.pk).startsWith('RAW#') && isCovered(item, subject, holds));
}

function objectKeys(subject: SubjectItems): string[] {
  return [...new Set([...subject.rawKeys, ...subject.media.map((item) => item.s3Key).filter((key): key is string => typeof key === 'string')])];
}

async function retag(deps: SubjectRightsDependencies, key: string, tag: 'hold' | 'expire'): Promise<void> {
  try {
    await deps.objects.tag(key, tag);
    if (deps.objectLock) await deps.objects.objectLockLegalHold(key, tag === 'hold');
  } catch (error) {
    if (isMissingObject(error)) return;
    throw error;
  }
}
