import { ARCHIVE_PREFIXES } from '../resources/definitions';
import { DAY_SECONDS } from './retention';
import { itemKeys } from './subject';
import type { SubjectRightsDependencies } from './subject-rights';

export interface SweepSummary {
  items: number;
  objects: number;
}

/**
 * What DynamoDB's TTL and the bucket's lifecycle rules do on AWS, for the local stack (dynalite has
 * no TTL, s3rver no lifecycle) and for objects archived before they were tagged: deletes items
 * whose `expiresAt` has passed, and raw/, rejected/ and media/ objects older than `retention.days`
 * unless tagged `vigia-retention=hold`. Nothing without `retention` in the config.
 */
export async function sweepRetention(deps: Pick<SubjectRightsDependencies, 'repository' | 'objects' | 'retention' | 'now'>, options: { by?: string } = {}): Promise<SweepSummary> {
  const days = deps.retention?.days;
  if (days === undefined) return { items: 0, objects: 0 };
  const now = (deps.now ?? (() => new Date()))();
  const expired = await deps.repository.expiredItems(Math.floor(now.getTime() / 1000));
  await deps.repository.deleteItems(itemKeys(expired));
  const cutoff = now.getTime() - days * DAY_SECONDS * 1000;
  let objects = 0;
  for (const prefix of [ARCHIVE_PREFIXES.raw, ARCHIVE_PREFIXES.rejected, ARCHIVE_PREFIXES.media]) {
    for await (const object of deps.objects.list(prefix)) {
      if (object.lastModified.getTime() > cutoff) continue;
      if ((await deps.objects.retentionTag(object.key)) === 'hold') continue;
      await deps.objects.deleteForGood(object.key);
      objects += 1;
    }
  }
  if (expired.length + objects > 0) {
    await deps.repository.appendAudit({ by: options.by ?? 'vigia', action: 'retention-sweep', outcome: 'done', detail: `retention.days ${days}`, counts: { items: expired.length, objects } });
  }
  return { items: expired.length, objects };
}
