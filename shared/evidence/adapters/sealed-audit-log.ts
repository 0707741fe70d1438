import type { AuditEntry } from '../../privacy/ports/subject-rights';
import { EVIDENCE_KEYS } from '../layout';
import type { AuditLog, EvidenceBucket } from '../ports/evidence-bucket';

/**
 * The audit entries as the digests sealed them (evidence/audit/<sequence>.ndjson): what a
 * downloaded copy of the bucket has instead of the table. Checked against the digests' leaves like
 * the table's entries are.
 */
export class SealedAuditLog implements AuditLog {
  private entries?: Promise<AuditEntry[]>;

  constructor(private readonly bucket: EvidenceBucket) {}

  async *between(from: string, to: string): AsyncIterable<AuditEntry> {
    for (const entry of await this.all()) if (entry.at >= from && entry.at < to) yield entry;
  }

  private all(): Promise<AuditEntry[]> {
    this.entries ??= (async () => {
      const entries: AuditEntry[] = [];
      for await (const object of this.bucket.list(EVIDENCE_KEYS.auditArea)) {
        const text = (await this.bucket.read(object.key))?.toString('utf8') ?? '';
        for (const line of text.split('\n')) if (line !== '') entries.push(JSON.parse(line) as AuditEntry);
      }
      return entries.sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at < b.at ? -1 : 1));
    })();
    return this.entries;
  }
}
