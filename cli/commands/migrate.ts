import { migrateIndexShards } from '../../shared/resources/migrate-index-shards';
import { progressBar } from '../progress';
import type { Target } from '../target';

/**
 * `vigia migrate index-shards`: the backfill of the sharded index keys (docs/scale.md). Safe to run
 * while the archive takes traffic, and to run again: it resumes where a stopped run was, and says
 * so when there is nothing left.
 */
export async function migrateIndexShardsCommand(target: Target, out: (line: string) => void, pageSize?: number): Promise<void> {
  const bar = progressBar('rewriting index keys');
  const result = await migrateIndexShards(target.table.db, target.table.name, {
    pageSize,
    onProgress: (progress) => bar.update(progress.scanned, Math.max(progress.scanned, progress.estimatedTotal)),
  });
  bar.finish();
  out(`${target.description}: index keys sharded — ${result.rewritten} rewritten of ${result.scanned} items scanned (in all runs)`);
}
