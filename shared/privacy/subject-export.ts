import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArchiveItem } from './ports/subject-rights';
import { aboutContact, callsOf, distinctLinks, findSubjectItems, publicItem, rawConcern } from './subject';
import { SubjectRequestError, type SubjectRightsDependencies } from './subject-rights';
import { ZipFileWriter, type ZippedFile } from './zip-writer';
import { sha256OfStream } from '../platform/objects';

export const SUBJECT_EXPORT_FORMAT = 'vigia-subject-export/1';

export interface SubjectExportRequest {
  /** Phone number or business-scoped user id. */
  contact: string;
  /** The ZIP file to write (replaced if it exists). */
  out: string;
  by: string;
}

export interface SubjectExportSummary {
  out: string;
  /** sha256 of the ZIP file (also in the audit log). */
  sha256: string;
  contactIds: string[];
  counts: Record<string, number>;
}

const README = `Vigia — data subject access export

This archive holds every record Vigia keeps about one WhatsApp contact (identifiers in
manifest.json): messages sent and received (edits, deletions and reactions are messages of their
own), delivery statuses (their read receipts of group messages included), calls, contact
profiles and address-book entries, compliance alerts about their messages, media files, and the
original webhooks Meta sent that concern only this contact.

  messages.json     messages (payload = the message exactly as WhatsApp delivered it)
  statuses.json     delivery and read statuses (of messages to the contact, and the contact's own
                    receipts of group messages)
  conflicts.json    other contents seen under the id of one of the messages
  contacts.json     profiles (name, WhatsApp id) and contact-book entries
  calls.json        WhatsApp calls: direction, status, start, end, duration, and every event of
                    each call as Meta reported it
  alerts.json       compliance alerts raised on these messages, with their handling history
  media.json        media file records (type, size, sha256, download state)
  events.json       other webhook notifications that name the contact
  identities.json   the contact's identifiers known to be the same person (a changed number or
                    user id, a profile with both phone number and user id), with why and when
  media/            the files, named <media id>.<extension>
  raw/              original webhooks (verbatim bytes; signature in manifest.json)
  manifest.json     every file with its sha256 and size, and what was left out and why

Times are ISO 8601 UTC. Check a file: sha256sum <file>, compared with manifest.json.
`;

/**
 * `vigia subject export`: one ZIP with every record about the contact and their media files,
 * each file's sha256 in the manifest; media are checked against the sha256 the archive recorded
 * as they are written. Raw webhooks are included only when every record in them is about this
 * contact: one that also carries other people's messages (a history chunk, a batch of statuses)
 * would disclose them — its records are in the JSON files instead. Audited.
 */
export async function exportSubject(deps: SubjectRightsDependencies, request: SubjectExportRequest): Promise<SubjectExportSummary> {
  const now = deps.now ?? (() => new Date());
  const subject = await findSubjectItems(deps.repository, { contactIds: [request.contact] });
  const dataItems = subject.all.filter((item) => !String(item.pk).startsWith('RAW#'));
  if (dataItems.length === 0) {
    const audit = await deps.repository.appendAudit({ by: request.by, action: 'subject-export', outcome: 'not-found', contact: request.contact, detail: 'no record names this contact' });
    throw new SubjectRequestError('not-found', `no record names contact ${request.contact} (phone number or business-scoped user id); nothing was exported`, audit);
  }

  const partial = join(dirname(request.out), `.${basename(request.out)}.${process.pid}.partial`);
  const zip = new ZipFileWriter(partial);
  const generatedAt = now().toISOString();
  const skipped: { key: string; reason: string }[] = [];
  const rawIncluded: { path: string; key: string; signature?: string; receivedAt?: string }[] = [];
  try {
    const json = (items: ArchiveItem[]) => `${JSON.stringify(items.map(publicItem), null, 2)}\n`;
    const byTime = (a: ArchiveItem, b: ArchiveItem) => String(a.timestamp ?? a.createdAt ?? '').localeCompare(String(b.timestamp ?? b.createdAt ?? '')) || String(a.pk).localeCompare(String(b.pk));
    await zip.addBuffer('README.txt', README);
    await zip.addBuffer('messages.json', json([...subject.messages].sort(byTime)));
    await zip.addBuffer('statuses.json', json([...subject.statuses].sort(byTime)));
    await zip.addBuffer('conflicts.json', json(subject.conflicts));
    await zip.addBuffer('contacts.json', json([...subject.contacts, ...subject.contactSyncs]));
    const calls = callsOf(subject);
    await zip.addBuffer('calls.json', `${JSON.stringify(calls, null, 2)}\n`);
    await zip.addBuffer('alerts.json', json([...subject.alerts].sort(byTime)));
    await zip.addBuffer('media.json', json([...subject.media].sort(byTime)));
    await zip.addBuffer('events.json', json(subject.events));
    await zip.addBuffer('identities.json', json(distinctLinks(subject.identityLinks)));

    for (const item of [...subject.media].sort(byTime)) {
      if (item.state !== 'stored' || typeof item.s3Key !== 'string') {
        skipped.push({ key: `media ${item.mediaId}`, reason: `not archived (state ${item.state})` });
        continue;
      }
      const extension = String(item.sniffedExtension ?? item.extension ?? 'bin').replace(/[^a-z0-9]/gi, '');
      const path = `media/${String(item.mediaId).replace(/[^\w.-]/g, '_')}.${extension}`;
      const file = await zip.addStream(path, await deps.objects.open(item.s3Key));
      if (file.sha256 !== item.sha256) {
        throw new SubjectRequestError('invalid', `media ${item.mediaId}: the archived bytes have sha256 ${file.sha256}, the archive recorded ${item.sha256}; the export was not written`);
      }
    }

    const belongs = aboutContact(subject.contactIds);
    for (const key of subject.rawKeys) {
      const { concern } = await rawConcern(deps.rawArchive, key, belongs);
      if (concern !== 'only') {
        skipped.push({ key, reason: concern === 'missing' ? 'raw webhook no longer in the archive' : 'raw webhook also carries other people’s records (its records about this contact are in the JSON files)' });
        continue;
      }
      const raw = await deps.rawArchive.getRaw(key);
      const path = `raw/${key.replace(/^raw\//, '')}`;
      await zip.addStream(path, Readable.from([raw.body]));
      rawIncluded.push({ path, key, signature: raw.metadata.signature, receivedAt: raw.metadata.receivedAt });
    }

    const counts = {
      messages: subject.messages.length,
      statuses: subject.statuses.length,
      conflicts: subject.conflicts.length,
      contacts: subject.contacts.length + subject.contactSyncs.length,
      calls: calls.length,
      alerts: subject.alerts.length,
      media: subject.media.length,
      mediaFiles: zip.files.filter((file) => file.path.startsWith('media/')).length,
      events: subject.events.length,
      identityLinks: distinctLinks(subject.identityLinks).length,
      rawWebhooks: rawIncluded.length,
    };
    const manifest = {
      format: SUBJECT_EXPORT_FORMAT,
      contact: request.contact,
      contactIds: subject.contactIds,
      generatedAt,
      by: request.by,
      counts,
      files: zip.files.map((file: ZippedFile) => ({ path: file.path, size: file.size, sha256: file.sha256 })),
      rawWebhooks: rawIncluded.map(({ path, key, signature, receivedAt }) => ({ path, key, receivedAt, signatureHeader: signature })),
      notIncluded: skipped,
    };
    await zip.addBuffer('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    await zip.close();
    await rename(partial, request.out);
    const sha256 = await fileSha256(request.out);
    await deps.repository.appendAudit({
      at: generatedAt,
      by: request.by,
      action: 'subject-export',
      outcome: 'done',
      contact: request.contact,
      detail: `wrote ${basename(request.out)} (sha256 ${sha256}); identifiers ${subject.contactIds.join(', ')}`,
      counts,
    });
    return { out: request.out, sha256, contactIds: subject.contactIds, counts };
  } catch (error) {
    await zip.abort();
    await rm(partial, { force: true });
    if (error instanceof SubjectRequestError) {
      const audit = await deps.repository.appendAudit({ by: request.by, action: 'subject-export', outcome: 'failed', contact: request.contact, detail: error.message });
      throw new SubjectRequestError(error.problem, error.message, audit);
    }
    throw error;
  }
}

async function fileSha256(file: string): Promise<string> {
  return (await sha256OfStream(createReadStream(file))).sha256;
}
