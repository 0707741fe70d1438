import type { Readable } from 'node:stream';
import type { AuditEntry } from '../../privacy/ports/subject-rights';

/** An object of the archive bucket, as a listing gives it. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The archive bucket as the evidence reads and writes it: the archived objects it seals and
 * verifies (raw/, rejected/, media/) and its own area (evidence/: digests, leaf lists, the
 * audit entries and erasure records sealed with them). S3 on AWS and locally (s3rver), or a
 * downloaded copy of the bucket on disk (`vigia evidence verify --dir`).
 */
export interface EvidenceBucket {
  /** Objects under the prefix, in key order (UTF-8 bytes, as S3 lists). */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** The object's bytes, or undefined when there is no such object. */
  open(key: string): Promise<Readable | undefined>;
  read(key: string): Promise<Buffer | undefined>;
  write(key: string, body: Buffer, contentType: string): Promise<void>;
}

/** The audit log's entries of a period, oldest first (`at`, then id). */
export interface AuditLog {
  between(from: string, to: string): AsyncIterable<AuditEntry>;
}
