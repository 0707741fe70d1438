import { recordErasure } from '../../shared/evidence/erasure-record';
import { statSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { exportAnalytics } from '../../shared/analytics/export';
import { EXPORT_WATERMARK_KEY } from '../../shared/analytics/export-schema';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { targetConfig } from '../config';
import { placeHold, releaseHold, type HoldTarget } from '../../shared/privacy/holds';
import type { HoldScope } from '../../shared/privacy/retention';
import { sweepRetention } from '../../shared/privacy/retention-sweep';
import { eraseSubject } from '../../shared/privacy/subject-erase';
import { exportSubject } from '../../shared/privacy/subject-export';
import { objectLockEnabled, SubjectRequestError, type SubjectRightsDependencies } from '../../shared/privacy/subject-rights';
import type { AuditEntry } from '../../shared/privacy/ports/subject-rights';
import { monthArgument } from '../arguments';
import { CliError, UsageError } from '../errors';
import { printTable } from '../table';
import type { Target } from '../target';

/** Who made the request: `--by`, else the OS user. */
export function requester(by: string | undefined): string {
  if (by !== undefined) {
    if (by.trim() === '') throw new UsageError('--by must name who makes the request');
    return by.trim();
  }
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function dependencies(target: Target, config: VigiaConfig): SubjectRightsDependencies {
  const analytics = target.analytics;
  return {
    repository: target.privacy,
    objects: target.objects,
    rawArchive: target.archive,
    retention: config.retention,
    objectLock: objectLockEnabled(config),
    recordErasure: (at, keys) => recordErasure(target.evidence, at, keys),
    reexportAnalytics: analytics
      ? async (days) => {
          // Only an analytics export that exists is kept in step; a first export will read the table as it is.
          if ((await analytics.store.readJson(EXPORT_WATERMARK_KEY)) === undefined) return undefined;
          return (await exportAnalytics({ source: analytics.source, store: analytics.store, config }, { days })).days;
        }
      : undefined,
  };
}

/** Runs a privacy use case, turning its refusals into one-line CLI errors (exit 1). */
async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SubjectRequestError) throw new CliError(error.message);
    throw error;
  }
}

export function checkContact(contact: string | undefined, usage: string): string {
  if (contact === undefined || contact.trim() === '') throw new UsageError(usage);
  return contact.trim();
}

/** `--out FILE` must be a file in an existing folder. */
export function checkOutFile(out: string | undefined): string {
  if (out === undefined || out.trim() === '') throw new UsageError('usage: vigia subject export --contact ID --out FILE');
  const file = resolve(out);
  const folder = dirname(file);
  let folderStat: Stats;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new CliError(`--out ${out}: the folder ${folder} does not exist`);
  }
  if (!folderStat.isDirectory()) throw new CliError(`--out ${out}: ${folder} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new CliError(`--out ${out} is a folder; give a file name such as ${out.replace(/\/$/, '')}/subject.zip`);
  } catch (error) {
    if (error instanceof CliError) throw error;
  }
  return file;
}

export async function subjectExport(target: Target, options: { contact: string; out: string; by: string }, out: (line: string) => void): Promise<void> {
  const config = targetConfig(target);
  const summary = await run(() => exportSubject(dependencies(target, config), options));
  const counts = Object.entries(summary.counts).map(([name, count]) => `${count} ${name}`).join(', ');
  out(`wrote ${summary.out} for contact ${options.contact} (identifiers ${summary.contactIds.join(', ')}): ${counts}; sha256 ${summary.sha256}`);
}

export async function subjectErase(target: Target, options: { contact: string; reason: string; by: string }, out: (line: string) => void): Promise<void> {
  const config = targetConfig(target);
  const summary = await run(() => eraseSubject(dependencies(target, config), options));
  const counts = Object.entries(summary.counts).map(([name, count]) => `${count} ${name}`).join(', ');
  const analytics = summary.reexportedDays === undefined ? 'no analytics export to update' : `analytics re-exported for ${summary.reexportedDays.length} day(s)`;
  out(`erased contact ${options.contact} (identifiers ${summary.contactIds.join(', ')}) from ${target.description}: ${counts}; ${analytics}`);
  if ((summary.counts.rawWebhooksShared ?? 0) > 0) {
    out(`kept ${summary.counts.rawWebhooksShared} raw webhook(s) that also carry other people's records: their records about this contact are skipped by every projection (replay, crash recovery)`);
  }
}

export function parseHoldTarget(values: { contact?: string; line?: string }): HoldTarget {
  const contactId = values.contact?.trim() || undefined;
  const lineId = values.line?.trim() || undefined;
  if (!contactId && !lineId) throw new UsageError('a hold needs --contact ID, --line ID, or both (a conversation)');
  const scope: HoldScope = contactId && lineId ? 'conversation' : contactId ? 'contact' : 'line';
  return { scope, contactId, lineId };
}

export async function holdAdd(target: Target, hold: HoldTarget, options: { reason: string; by: string }, out: (line: string) => void): Promise<void> {
  const config = targetConfig(target);
  const summary = await run(() => placeHold(dependencies(target, config), hold, options));
  out(`placed legal hold ${summary.hold.id}: ${summary.items} record(s) no longer expire, ${summary.objects} object(s) tagged hold${objectLockEnabled(config) ? ' (and Object Lock legal hold on)' : ''}; erasure refused while it lasts`);
}

export async function holdRemove(target: Target, hold: HoldTarget, options: { reason?: string; by: string }, out: (line: string) => void): Promise<void> {
  const config = targetConfig(target);
  const summary = await run(() => releaseHold(dependencies(target, config), hold, options));
  out(`released legal hold ${summary.hold.id}: ${summary.items} record(s) expire again, ${summary.objects} object(s) tagged expire`);
}

export async function holdList(target: Target, options: { json: boolean }, out: (line: string) => void): Promise<void> {
  const holds = (await target.privacy.activeHolds()).sort((a, b) => a.at.localeCompare(b.at));
  if (options.json) for (const hold of holds) out(JSON.stringify(hold));
  else
    printTable(
      ['PLACED', 'HOLD', 'BY', 'REASON', 'IDENTIFIERS'],
      holds.map((hold) => [hold.at, hold.id, hold.by, `"${hold.reason}"`, hold.contactIds && hold.contactIds.length > 1 ? hold.contactIds.join(', ') : '']),
      'No legal holds in force.',
      out,
    );
}

export async function auditList(target: Target, options: { json: boolean; since?: string }, out: (line: string) => void): Promise<void> {
  if (options.since !== undefined) monthArgument(options.since, '--since');
  const entries = await target.privacy.listAudit(options.since);
  if (options.json) for (const entry of entries) out(JSON.stringify(entry));
  else printTable(['AT', 'ACTION', 'OUTCOME', 'DETAILS'], entries.map(auditRow), options.since ? `No audit entries since ${options.since}.` : 'No audit entries.', out);
}

function auditRow(entry: AuditEntry): string[] {
  const counts = entry.counts && Object.keys(entry.counts).length > 0 ? Object.entries(entry.counts).map(([name, count]) => `${name}=${count}`).join(' ') : '';
  const details = [
    `by ${entry.by}`,
    entry.contact ? `contact ${entry.contact}` : '',
    entry.lineId ? `line ${entry.lineId}` : '',
    entry.reason ? `reason "${entry.reason}"` : '',
    counts,
    entry.ip ? `from ${entry.ip}` : '',
    entry.detail ? `— ${entry.detail}` : '',
  ];
  return [entry.at, entry.action, entry.outcome, details.filter(Boolean).join('  ')];
}

export async function retentionSweep(target: Target, options: { by: string }, out: (line: string) => void): Promise<void> {
  const config = targetConfig(target);
  if (!config.retention) throw new CliError('no retention in the config (retention.days): nothing expires, nothing to sweep');
  const summary = await sweepRetention({ repository: target.privacy, objects: target.objects, retention: config.retention }, options);
  out(`swept ${target.description} (retention.days ${config.retention.days}): ${summary.items} expired record(s) and ${summary.objects} object(s) deleted`);
}
