import type { RetentionSettings } from '../config/vigia-config';
import type { RawArchive } from '../capture/ports/raw-archive';
import type { ArchiveObjects, AuditEntry, PrivacyRepository } from './ports/subject-rights';

/**
 * What the data subject requests, holds and the retention sweep work on (docs/privacy.md). The
 * CLI builds it for the local stack or a deployed stage.
 */
export interface SubjectRightsDependencies {
  repository: PrivacyRepository;
  objects: ArchiveObjects;
  rawArchive: RawArchive;
  /** `retention` of the config. @default none: nothing expires, no erasure minimum */
  retention?: RetentionSettings;
  /** The archive bucket has S3 Object Lock (issue 6's `archive.objectLock`): holds also set Object Lock legal holds. */
  objectLock?: boolean;
  /**
   * Rewrites the analytics export of these UTC days from the table as it now is; undefined when
   * there is no analytics export to keep in step (never exported).
   */
  reexportAnalytics?: (days: string[]) => Promise<string[] | undefined>;
  /**
   * Records the archive objects an erasure is about to delete (tamper evidence's erasure record,
   * shared/evidence/erasure-record.ts), so `vigia evidence verify` reports them erased.
   */
  recordErasure?: (at: string, keys: string[]) => Promise<unknown>;
  now?: () => Date;
}

export type SubjectRequestProblem = 'not-found' | 'refused' | 'invalid';

/** A request that cannot be carried out; the message is one line and says why (and that nothing changed). */
export class SubjectRequestError extends Error {
  override readonly name = 'SubjectRequestError';
  constructor(
    readonly problem: SubjectRequestProblem,
    message: string,
    /** The audit entry recorded for it, if any. */
    readonly audit?: AuditEntry,
  ) {
    super(message);
  }
}

/** `vigia-config`'s `archive.objectLock` when the config has it (issue 6); false otherwise. */
export function objectLockEnabled(config: unknown): boolean {
  const archive = (config as { archive?: { objectLock?: unknown } } | undefined)?.archive;
  return archive?.objectLock === true || (typeof archive?.objectLock === 'object' && archive.objectLock !== null && (archive.objectLock as { enabled?: unknown }).enabled === true);
}
