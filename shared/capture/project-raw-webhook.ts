import type { MessageRecord, NormalizedRecord } from './records';
import type { ArchiveRepository, ProjectionSummary, SaveOutcome } from './ports/archive-repository';
import type { MediaRepository, NewMediaItem } from '../media/ports/media-repository';
import type { MessageQueue } from '../media/ports/message-queue';
import type { RawArchive } from './ports/raw-archive';
import type { ComplianceFlowStarter } from '../compliance/adapters/compliance-flow-starter';
import type { DisclosureStarter } from '../privacy/adapters/disclosure-starter';
import { insideServiceWindow, isDisclosureCandidate } from '../privacy/disclosure';
import { normalizeWebhook } from './whatsapp/normalize';
import { MediaJob } from '../media/contracts';
import { encodeContract } from '../platform/contracts';
import type { ObjectRetentionTagger, ProjectionPrivacy } from '../privacy/ports/subject-rights';
import { isErased, recordContactIds, recordMessageIds } from '../privacy/erasure';
import { coveringHold, expiryAt, recordExpiry, recordSubject, type LegalHold } from '../privacy/retention';
import { extendHoldsToLinks, propagateErasureToLinks } from '../privacy/identity-links';
import { forEachLimited } from '../platform/concurrency';

export interface IngestDependencies {
  archive: RawArchive;
  repository: ArchiveRepository;
  /** Media capture: files referenced by messages are registered and queued for download. */
  media?: { repository: MediaRepository; queue: MessageQueue };
  /**
   * Compliance: every message with text or media runs the flow (which fetches its media first)
   * until its record says it was checked — history backfill too unless `checkHistory` is false.
   */
  compliance?: ComplianceFlowStarter;
  /** `compliance.history` of the config: `check` (true) or `skip` (false). @default true */
  checkHistory?: boolean;
  /**
   * First-contact disclosure (docs/privacy.md): inbound Cloud API messages still inside
   * the 24-hour customer service window are handed over, on every projection of their webhook; the
   * disclosure function's (line, contact) claim decides whether the contact must be told, so a
   * retried webhook hands them over again and nothing is sent twice. Absent when
   * `privacy.disclosure` is not enabled.
   */
  disclosure?: DisclosureStarter;
  /** Parallel writes per webhook (a history chunk can carry thousands of messages). */
  concurrency?: number;
  /**
   * Erasures and holds: records of an erased contact are skipped (so a replay or a late Meta retry
   * never brings them back); with `retentionDays`, held records are written without `expiresAt`.
   */
  privacy?: ProjectionPrivacy;
  /** `retention.days` of the config: records get `expiresAt`. @default none (nothing expires) */
  retentionDays?: number;
  /** Re-tags the raw object `hold` when one of its records is under a legal hold (objects are written tagged `expire`). */
  rawTagger?: ObjectRetentionTagger;
}

/**
 * Projects one archived raw webhook into normalized records. Idempotent: running it again on
 * the same object (S3 event redelivery, `vigia replay`) writes nothing new. Any write error
 * propagates so the queue retries the object and, after the last try, keeps it in the DLQ.
 *
 * Hand-offs are decided from stored state, not from whether a record was new: a retry after a
 * failure part-way (a throttled write, a throttled StartExecution, a timeout) starts the flow of
 * every message of the webhook whose record is not marked checked, and hands the disclosure
 * candidates over again. What a retry never comes for is found by the re-drive (functions/redrive).
 */
export async function projectRawWebhook(rawKey: string, deps: IngestDependencies): Promise<ProjectionSummary> {
  const raw = await deps.archive.getRaw(rawKey);
  const summary: ProjectionSummary = { records: 0, created: 0, duplicates: 0, conflicts: 0, issues: [] };
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw.body.toString('utf8'));
  } catch (error) {
    // The webhook only archives valid JSON under raw/, so this is a foreign object: record it, don't loop on it.
    summary.error = `not valid JSON: ${(error as Error).message}`;
    await deps.repository.markProjected(rawKey, summary);
    return summary;
  }

  const normalized = normalizeWebhook(envelope);
  summary.records = normalized.records.length;
  summary.issues = normalized.issues;
  summary.unprojectedFields = normalized.unprojectedFields;
  const records = await withoutErased(normalized.records, deps.privacy, summary);
  // A hold on one identifier of a person covers the identifiers this webhook links to it.
  const holds: LegalHold[] = deps.retentionDays !== undefined && deps.privacy ? await extendHoldsToLinks(records, deps.privacy, await deps.privacy.activeHolds()) : [];
  let held = holds.length > 0 && records.some((record) => coveringHold(holds, recordSubject(record)) !== undefined);
  const needsCheck = (message: MessageRecord) =>
    Boolean(deps.compliance) && (message.text !== undefined || message.media !== undefined) && (message.source !== 'history' || deps.checkHistory !== false);
  const context = {
    rawKey,
    receivedAt: raw.metadata.receivedAt,
    expiry: deps.retentionDays === undefined ? undefined : recordExpiry(deps.retentionDays, holds, raw.metadata.receivedAt),
    needsCheck,
  };
  const mediaJobs: string[] = [];
  const flows: string[] = [];
  /** Messages seen before (a retry, a replay): their stored check state decides. */
  const seenBefore: string[] = [];
  const disclosures: string[] = [];
  await forEachLimited(records, deps.concurrency ?? 8, async (record, index) => {
    const outcome: keyof SaveOutcome = await deps.repository.save(record, context, index);
    summary[outcome] += 1;
    if (record.kind !== 'message') return;
    const runsFlow = needsCheck(record);
    if (runsFlow) (outcome === 'created' ? flows : seenBefore).push(record.id);
    if (deps.disclosure && outcome !== 'conflicts' && isDisclosureCandidate(record) && insideServiceWindow(record.timestamp, new Date())) disclosures.push(record.id);
    if (outcome === 'conflicts') return;
    if (deps.media && record.media) {
      const item = await deps.media.repository.register({ ...mediaItemOf(record, context.receivedAt), ...context.expiry?.(record) });
      // The flow downloads its message's file first; other files (history) go to the media queue.
      if (!runsFlow && item.state === 'pending' && item.attempts === 0) mediaJobs.push(encodeContract(MediaJob, { mediaId: item.mediaId }));
    }
  });
  if (deps.retentionDays !== undefined && deps.privacy && (await holdForLateHolds(records, holds, rawKey, deps.privacy))) held = true;
  if (seenBefore.length > 0) {
    const checked = await deps.repository.checkedMessageIds(seenBefore);
    flows.push(...seenBefore.filter((id) => !checked.has(id)));
  }
  // Sent before the marker: if this fails, the whole object is retried and the work sent again.
  if (mediaJobs.length > 0) await deps.media!.queue.send(mediaJobs);
  if (flows.length > 0) await deps.compliance!.start(flows);
  if (disclosures.length > 0) await deps.disclosure!.start(disclosures);
  if (held && deps.rawTagger) await deps.rawTagger.tag(rawKey, 'hold');
  await deps.repository.markProjected(rawKey, summary, expiryAt(deps.retentionDays, raw.metadata.receivedAt, held));
  return summary;
}

/**
 * A legal hold placed while this webhook was being projected: `vigia hold add` records the hold,
 * then suspends the expiry of what it finds, so records written after its look would keep
 * `expiresAt`. Looking at the holds again once the records are written closes that gap: either
 * the hold's look found them, or this one finds the hold. Before the media jobs go out, so the
 * files are stored tagged `hold`.
 */
async function holdForLateHolds(records: NormalizedRecord[], holdsAtStart: LegalHold[], rawKey: string, privacy: ProjectionPrivacy): Promise<boolean> {
  const known = new Set(holdsAtStart.map((hold) => hold.id));
  const late = await extendHoldsToLinks(records, privacy, (await privacy.activeHolds()).filter((hold) => !known.has(hold.id)));
  if (late.length === 0) return false;
  const covered = records.filter((record) => coveringHold(late, recordSubject(record)) !== undefined);
  if (covered.length === 0) return false;
  await privacy.holdProjected(covered, rawKey);
  return true;
}

/** Drops the records of erased contacts (docs/privacy.md), counting them in the summary. */
async function withoutErased(records: NormalizedRecord[], privacy: ProjectionPrivacy | undefined, summary: ProjectionSummary): Promise<NormalizedRecord[]> {
  if (!privacy) return records;
  const contactIds = recordContactIds(records);
  if (contactIds.length === 0) return records;
  const tombstones = await privacy.tombstones(contactIds);
  if (tombstones.size === 0) return records;
  // An erased person's other identifiers linked by this webhook are erased with them (shared/privacy/identity-links.ts).
  for (const [id, erasedAt] of await propagateErasureToLinks(records, privacy, tombstones)) tombstones.set(id, erasedAt);
  const aboutErased = records.filter((record) => recordSubject(record).contactIds.some((id) => tombstones.has(id)));
  const erasedMessageIds = await privacy.erasedMessages([...new Set(aboutErased.flatMap(recordMessageIds))]);
  const kept = records.filter((record) => !isErased(record, tombstones, erasedMessageIds));
  summary.erased = records.length - kept.length;
  if (summary.erased > 0) summary.erasedContacts = [...tombstones.keys()].sort();
  return kept;
}

function mediaItemOf(message: MessageRecord, receivedAt: string | undefined): NewMediaItem {
  const media = message.media!;
  const extension = media.filename?.includes('.') ? media.filename.split('.').pop()!.toLowerCase() : undefined;
  return {
    mediaId: media.mediaId,
    messageId: message.id,
    lineId: message.lineId,
    messageType: message.type,
    source: message.source,
    createdAt: receivedAt ?? new Date().toISOString(),
    declaredMime: media.mimeType,
    filename: media.filename,
    extension: extension && extension.length <= 10 ? extension : undefined,
    declaredSha256: media.sha256,
  };
}
