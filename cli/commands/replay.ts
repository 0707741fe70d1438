import { projectRawWebhook } from '../../shared/capture/project-raw-webhook';
import { progressBar } from '../progress';
import type { Target } from '../target';
import { forEachLimited } from '../../shared/platform/concurrency';

export interface ReplaySummary {
  webhooks: number;
  created: number;
  duplicates: number;
  conflicts: number;
  failed: number;
  /** Records of erased contacts left out (docs/privacy.md). */
  erased: number;
}

/**
 * `vigia replay`: rebuilds every record from the raw archive with the same projection the
 * ingest function runs. Idempotent: a second replay creates nothing.
 */
export async function replay(target: Target, options: { sinceDay?: string; concurrency?: number; retentionDays?: number }): Promise<ReplaySummary> {
  const keys: string[] = [];
  for await (const object of target.archive.listRaw({ sinceDay: options.sinceDay })) keys.push(object.key);
  const summary: ReplaySummary = { webhooks: keys.length, created: 0, duplicates: 0, conflicts: 0, failed: 0, erased: 0 };
  const bar = progressBar('replaying');
  let done = 0;
  const failures: string[] = [];
  await forEachLimited(keys, options.concurrency ?? 8, async (key) => {
    try {
      // Erasure tombstones and holds apply as in the ingest function: a replay never brings erased records back.
      const result = await projectRawWebhook(key, { archive: target.archive, repository: target.repository, privacy: target.privacy, retentionDays: options.retentionDays, rawTagger: target.objects });
      summary.erased += result.erased ?? 0;
      summary.created += result.created;
      summary.duplicates += result.duplicates;
      summary.conflicts += result.conflicts;
    } catch (error) {
      summary.failed += 1;
      failures.push(`${key}: ${(error as Error).message}`);
    }
    bar.update(++done, keys.length);
  });
  bar.finish();
  for (const failure of failures.slice(0, 10)) process.stderr.write(`vigia: replay failed for ${failure}\n`);
  return summary;
}
