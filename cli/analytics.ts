import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryEngine, AthenaQueryError } from '../shared/analytics/adapters/athena-engine';
import { downloadExports } from '../shared/analytics/download';
import { DuckDbQueryEngine, MissingExportError, QueryExecutionError } from '../shared/analytics/adapters/duckdb-engine';
import { QueryParameterError, UnknownQueryError } from '../shared/analytics/named-queries';
import type { QueryEngine } from '../shared/analytics/query-result';
import { createS3Client } from '../shared/platform/clients';
import { ANALYTICS_PREFIXES } from '../shared/resources/definitions';
import type { LocalStackInfo } from '../local/stack';
import { CliError, UsageError } from './errors';
import { checkStageName, runningLocalStack, stageOutputs } from './target';

type Env = Record<string, string | undefined>;

export interface QueryEngineOptions {
  stage?: string;
  /** A local copy of the export (`…/exports`, or the folder holding it) to query as it is: no stack, no download. */
  exportsDir?: string;
  env?: Env;
}

/**
 * Where `vigia query` and `vigia report` run the named queries:
 * - `--stage NAME` (or VIGIA_STAGE): Athena, in the stage's workgroup and Glue database (the
 *   `AthenaWorkGroupName` and `GlueDatabaseName` outputs of Vigia-NAME-Stateful/-Pipeline);
 * - `--exports DIR`: DuckDB over that directory (or its `exports/`);
 * - otherwise: DuckDB over `$VIGIA_DATA_DIR/analytics/exports/`, first brought up to date with the
 *   running local stack's analytics bucket (only changed files are fetched).
 */
export async function openQueryEngine(options: QueryEngineOptions): Promise<QueryEngine> {
  const env = options.env ?? process.env;
  if (options.stage && options.exportsDir) throw new UsageError('--stage and --exports exclude each other');
  const stage = options.stage ?? (options.exportsDir ? undefined : env.VIGIA_STAGE || undefined);
  if (stage) {
    checkStageName(stage);
    const outputs = await stageOutputs(stage);
    const workGroup = outputs.AthenaWorkGroupName;
    const database = outputs.GlueDatabaseName;
    if (!workGroup || !database) throw new CliError(`stage ${stage} has no AthenaWorkGroupName/GlueDatabaseName outputs; deploy this version of Vigia (cdk deploy --all -c stage=${stage})`);
    return new AthenaQueryEngine(new AthenaClient({}), { workGroup, database });
  }
  if (options.exportsDir) return openDuckDb(exportsFolder(resolve(options.exportsDir)));
  const dataDir = resolve(env.VIGIA_DATA_DIR ?? '.vigia');
  const info = (await runningLocalStack(dataDir)) as LocalStackInfo & { analyticsBucket?: string };
  if (!info.analyticsBucket) throw new CliError('the running local stack has no analytics bucket; restart it (npm start) with this version of Vigia');
  const s3 = createS3Client(info.s3Endpoint);
  try {
    await downloadExports(s3, info.analyticsBucket, join(dataDir, 'analytics'));
  } finally {
    s3.destroy();
  }
  return openDuckDb(join(dataDir, 'analytics', 'exports'));
}

/**
 * `--exports DIR` takes the export itself (`DIR/messages/dt=…`) or the folder `vigia export
 * --download DIR` mirrored it into (`DIR/exports/messages/dt=…`).
 */
export function exportsFolder(dir: string): string {
  const mirrored = resolve(dir, ANALYTICS_PREFIXES.exports);
  return existsSync(mirrored) && statSync(mirrored).isDirectory() ? mirrored : dir;
}

async function openDuckDb(exportsDir: string): Promise<QueryEngine> {
  try {
    return await DuckDbQueryEngine.open(exportsDir);
  } catch (error) {
    throw cliError(error);
  }
}

/** The analytics errors as the CLI reports them: bad names and values are usage errors (exit 2). */
export function cliError(error: unknown): unknown {
  // Usage errors (exit 2); the hint points at the query list rather than the general help.
  if (error instanceof UnknownQueryError) return new CliError(error.message, 2);
  if (error instanceof QueryParameterError) return new CliError(`${error.message} (see vigia query --list)`, 2);
  if (error instanceof MissingExportError || error instanceof QueryExecutionError || error instanceof AthenaQueryError) return new CliError(error.message);
  return error;
}
