import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { downloadExports } from '../download';
import { ANALYTICS_PREFIXES } from '../../resources/definitions';
import type { QueryEngine } from '../query-result';
import { DuckDbQueryEngine, MissingExportError } from './duckdb-engine';

/**
 * DuckDB over a mirror of the analytics bucket's export (what `vigia query` does locally): each use
 * first brings `<dir>/exports/` up to date (only changed files are fetched), then opens DuckDB
 * over it, and closes it after. Uses run one at a time (one mirror, one connection). Answers
 * undefined when the bucket holds no export yet. For the local stack (never in a function bundle:
 * DuckDB is a native module).
 */
export function mirroredExportEngine(s3: S3Client, bucket: string, dir: string): <T>(use: (engine: QueryEngine) => Promise<T>) => Promise<T | undefined> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(use: (engine: QueryEngine) => Promise<T>) => {
    const run = async (): Promise<T | undefined> => {
      await downloadExports(s3, bucket, dir);
      let engine: DuckDbQueryEngine;
      try {
        engine = await DuckDbQueryEngine.open(join(dir, ANALYTICS_PREFIXES.exports));
      } catch (error) {
        if (error instanceof MissingExportError) return undefined;
        throw error;
      }
      try {
        return await use(engine);
      } finally {
        await engine.close();
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
}
