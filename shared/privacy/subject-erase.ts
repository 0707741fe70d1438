import type { ArchiveItem } from './ports/subject-rights';
import { DAY_SECONDS, holdCovers, itemSubject, type LegalHold } from './retention';
import { aboutContact, analyticsDaysOf, callsOf, distinctLinks, findSubjectItems, itemKeys, itemTime, rawConcern, type SubjectItems } from './subject';
import { SubjectRequestError, type SubjectRightsDependencies } from './subject-rights';

export interface SubjectEraseRequest {
  contact: string;
  /** The request and its legal ground, as recorded in the audit log (required). */
  reason: string;
  by: string;
}

export interface SubjectEraseSummary {
  contactIds: string[];
  counts: Record<string, number>;
  /** Analytics days rewritten; undefined when there is no analytics export. */
  reexportedDays?: string[];
}

/**
 * `vigia subject erase`: deletes every record about the contact (messages, statuses — their own
 * receipts of group messages included —, edits, reactions, conflicts, profiles and contact-book
 * items, calls with their events, alerts, media items) and their files —
 * a media file another contact's message also points at stays — the raw webhooks only about
 * them, and rewrites the analytics days they were in. Refused, changing nothing, when a legal hold
 * covers any of it or the retention basis requires keeping records that young
 * (`retention.minimumDays`).
 *
 * Order, so that an interrupted run can simply be run again: tombstones first (from then on no
 * projection writes the contact's past records again), then objects, then items (the items are
 * how a re-run finds the objects), then the analytics export, then the audit entry.
 */
export async function eraseSubject(deps: SubjectRightsDependencies, request: SubjectEraseRequest): Promise<SubjectEraseSummary> {
  const now = deps.now ?? (() => new Date());
  if (request.reason.trim() === '') throw new SubjectRequestError('invalid', 'an erasure needs a reason (the request and its legal ground); nothing was erased');
  const subject = await findSubjectItems(deps.repository, { contactIds: [request.contact] });
  const audit = (outcome: 'done' | 'refused' | 'not-found', detail?: string, counts?: Record<string, number>) =>
    deps.repository.appendAudit({ by: request.by, action: 'subject-erase', outcome, contact: request.contact, reason: request.reason, detail, counts });

  if (subject.all.length === 0) {
    const tombstones = await deps.repository.tombstones([request.contact]);
    if (tombstones.size > 0) {
      await audit('done', `already erased on ${tombstones.get(request.contact)}; nothing left`, {});
      return { contactIds: [request.contact], counts: {} };
    }
    const entry = await audit('not-found', 'no record names this contact');
    throw new SubjectRequestError('not-found', `no record names contact ${request.contact} (phone number or business-scoped user id); nothing was erased`, entry);
  }

  const refusal = (await holdRefusal(deps, subject, request.contact)) ?? retentionRefusal(deps, subject, request.contact, now());
  if (refusal) {
    const entry = await audit('refused', refusal);
    throw new SubjectRequestError('refused', refusal, entry);
  }

  const erasedAt = now().toISOString();
  const analyticsDays = analyticsDaysOf(subject);
  const messageIds = [...subject.messages, ...subject.stubs].map((item) => String(item.pk).slice('MSG#'.length));
  await deps.repository.putTombstones(subject.contactIds, erasedAt);
  await deps.repository.putErasedMessageMarkers(messageIds, erasedAt);

  // Raw webhooks only about this contact go; shared ones stay (the tombstones skip the contact's records in them).
  const belongs = aboutContact(subject.contactIds);
  let rawKept = 0;
  const deletedRaw: string[] = [];
  for (const key of subject.rawKeys) {
    const { concern } = await rawConcern(deps.rawArchive, key, belongs);
    if (concern === 'only') deletedRaw.push(key);
    else if (concern === 'shared') rawKept += 1;
  }
  const rawDeleted = deletedRaw.length;

  // Media files: content-addressed, so the same file may belong to another contact's message too.
  const ours = new Set(subject.media.map((item) => String(item.pk)));
  const s3Keys = [...new Set(subject.media.map((item) => item.s3Key).filter((key): key is string => typeof key === 'string'))];
  const sharedKeys = new Set((await deps.repository.mediaItemsWithObjects(s3Keys)).filter((item) => !ours.has(String(item.pk))).map((item) => String(item.s3Key)));
  const deletedFiles = s3Keys.filter((key) => !sharedKeys.has(key));
  const filesDeleted = deletedFiles.length;

  // Tamper evidence: the objects are named before they go, so a verification reports them erased.
  if (deletedRaw.length + deletedFiles.length > 0) await deps.recordErasure?.(erasedAt, [...deletedRaw, ...deletedFiles]);
  for (const key of [...deletedRaw, ...deletedFiles]) await deps.objects.deleteForGood(key);

  // Raw markers of the raw objects deleted go too; those of shared objects stay (they hold counts only).
  const keptMarkers = new Set(subject.rawMarkers.filter((item) => !deletedRaw.includes(String(item.rawKey))).map((item) => String(item.pk)));
  const items = subject.all.filter((item) => !keptMarkers.has(String(item.pk)));
  await deps.repository.deleteItems([...itemKeys(items), ...deletedRaw.map((key) => ({ pk: `RAW#${key}`, sk: 'RAW' }))]);

  const reexportedDays = analyticsDays.length > 0 && deps.reexportAnalytics ? await deps.reexportAnalytics(analyticsDays) : undefined;
  const counts = {
    messages: subject.messages.length,
    stubs: subject.stubs.length,
    statuses: subject.statuses.length,
    conflicts: subject.conflicts.length,
    contacts: subject.contacts.length + subject.contactSyncs.length,
    calls: callsOf(subject).length,
    alerts: subject.alerts.length,
    media: subject.media.length,
    events: subject.events.length,
    identityLinks: distinctLinks(subject.identityLinks).length,
    items: items.length,
    mediaFilesDeleted: filesDeleted,
    mediaFilesShared: sharedKeys.size,
    rawWebhooksDeleted: rawDeleted,
    rawWebhooksShared: rawKept,
    analyticsDays: reexportedDays?.length ?? 0,
  };
  await audit('done', `identifiers ${subject.contactIds.join(', ')}`, counts);
  return { contactIds: subject.contactIds, counts, reexportedDays };
}

async function holdRefusal(deps: SubjectRightsDependencies, subject: SubjectItems, contact: string): Promise<string | undefined> {
  const holds = await deps.repository.activeHolds();
  const hold = holds.find(
    (candidate) => (candidate.scope === 'contact' && holdCovers(candidate, { contactIds: subject.contactIds })) || subject.all.some((item) => holdCovers(candidate, itemSubject(item))),
  );
  return hold ? `refused: ${describeHold(hold)} covers contact ${contact}; release it first (vigia hold remove); nothing was erased` : undefined;
}

export function describeHold(hold: LegalHold): string {
  return `legal hold ${hold.id} placed by ${hold.by} on ${hold.at.slice(0, 10)} ("${hold.reason}")`;
}

function retentionRefusal(deps: SubjectRightsDependencies, subject: SubjectItems, contact: string, now: Date): string | undefined {
  const minimumDays = deps.retention?.minimumDays;
  if (minimumDays === undefined) return undefined;
  const cutoff = new Date(now.getTime() - minimumDays * DAY_SECONDS * 1000).toISOString();
  const records: ArchiveItem[] = [...subject.messages, ...subject.statuses, ...subject.contacts, ...subject.contactSyncs, ...subject.callEvents];
  const young = records.map(itemTime).filter((time): time is string => time !== undefined && time > cutoff).sort();
  if (young.length === 0) return undefined;
  const newest = young.at(-1)!;
  const until = new Date(Date.parse(newest) + minimumDays * DAY_SECONDS * 1000).toISOString().slice(0, 10);
  return `refused: retention basis "${deps.retention!.basis}" (retention.minimumDays ${minimumDays}) requires keeping ${young.length} record(s) of contact ${contact} younger than ${minimumDays} days (the newest from ${newest.slice(0, 10)}, kept until ${until}); nothing was erased`;
}
