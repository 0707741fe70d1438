import { migrateIndexShards } from '../../shared/resources/migrate-index-shards';
import { migrateSubjectIndex } from '../../shared/resources/migrate-subject-index';
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

/** `vigia migrate subject-index`: the backfill of the contact index (docs/privacy.md); resumes like index-shards. */
export async function migrateSubjectIndexCommand(target: Target, out: (line: string) => void, pageSize?: number): Promise<void> {
  const bar = progressBar('indexing contacts');
  const result = await migrateSubjectIndex(target.table.db, target.table.name, {
    pageSize,
    onProgress: (progress) => bar.update(progress.scanned, Math.max(progress.scanned, progress.estimatedTotal)),
  });
  bar.finish();
  out(`${target.description}: contact index complete — ${result.indexed} items indexed, ${result.references} references, of ${result.scanned} items scanned (in all runs)`);
}
