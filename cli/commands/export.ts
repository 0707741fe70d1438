import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbAnalyticsSource } from '../../shared/analytics/adapters/dynamodb-analytics-source';
import { S3AnalyticsStore } from '../../shared/analytics/adapters/s3-analytics-store';
import { downloadExports, type DownloadSummary } from '../../shared/analytics/download';
import { dayOf, runExport, type RunExportResult } from '../../shared/analytics/export';
import { EXPORT_TABLE_NAMES } from '../../shared/analytics/export-schema';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import { isCalendarDay } from '../../shared/config/vigia-config';
import { cliConfig } from '../config';
import { ANALYTICS_PREFIXES } from '../../shared/resources/definitions';
import { CliError, UsageError } from '../errors';
import { invokeStageFunction } from '../lambda';
import { checkStageName, runningLocalStack, stackOutputs } from '../target';

export interface ExportOptions {
  /** `YYYY-MM-DD`: export every day from it to today; otherwise the incremental export. */
  since?: string;
  /** Also mirror `exports/` to `<download>/exports/`. */
  download?: string;
  stage?: string;
  /** Local data dir (where `stack.json` is). */
  dataDir: string;
}

/**
 * `vigia export [--since DAY] [--download DIR] [--stage NAME]`: locally, runs the export in this
 * process against the running local stack (the same code as the function); with `--stage`,
 * invokes the stage's export function and waits for it. Prints one line with the per-table row
 * counts (and one more for the download).
 */
export async function exportCommand(options: ExportOptions, out: (line: string) => void): Promise<void> {
  validateExportOptions(options);
  const { result, where, bucket, s3 } = options.stage ? await exportOnStage(options.stage, options.since) : await exportLocally(options.dataDir, options.since);
  try {
    out(exportLine(result, where, bucket));
    if (options.download !== undefined) out(downloadLine(await download(s3, bucket, options.download)));
  } finally {
    s3.destroy();
  }
}

/** Bad flags are usage errors (exit 2), before anything runs. */
export function validateExportOptions(options: Pick<ExportOptions, 'since' | 'download'>, now = new Date()): void {
  if (options.since !== undefined) {
    if (!isCalendarDay(options.since)) throw new UsageError(`--since must be a day like 2026-11-01, got "${options.since}"`);
    if (options.since > dayOf(now)) throw new UsageError(`--since ${options.since} is after today (${dayOf(now)}, UTC)`);
  }
  if (options.download !== undefined && options.download.trim() === '') throw new UsageError('--download needs a folder');
}

async function exportLocally(dataDir: string, since: string | undefined) {
  const info = await runningLocalStack(dataDir);
  if (!info.analyticsBucket) throw new CliError('the running local stack has no analytics bucket; restart it (npm start) with this version of Vigia');
  const config = cliConfig(info.configFile);
  const db = createDynamoDbClient(info.dynamodbEndpoint);
  const s3 = createS3Client(info.s3Endpoint);
  try {
    const result = await runExport(
      { source: new DynamoDbAnalyticsSource(db, info.table), store: new S3AnalyticsStore(s3, info.analyticsBucket), config },
      { since },
    );
    return { result, where: `local stack at ${info.url}`, bucket: info.analyticsBucket, s3 };
  } catch (error) {
    s3.destroy();
    throw error;
  } finally {
    db.destroy();
  }
}

async function exportOnStage(stage: string, since: string | undefined) {
  checkStageName(stage);
  const [stateful, analytics] = await Promise.all([stackOutputs(`Vigia-${stage}-Stateful`), stackOutputs(`Vigia-${stage}-Analytics`)]);
  const bucket = stateful.AnalyticsBucketName;
  const functionName = analytics.AnalyticsExportFunctionName;
  if (!bucket || !functionName) {
    throw new CliError(`stage ${stage} has no AnalyticsBucketName/AnalyticsExportFunctionName outputs; deploy this version of Vigia (cdk deploy --all -c stage=${stage})`);
  }
  const { answer, text } = await invokeStageFunction(functionName, since ? { since } : {}, 'the export function');
  const result = answer as RunExportResult | undefined;
  if (!result?.tables) throw new CliError(`the export function ${functionName} returned no summary: ${text.slice(0, 200)}`);
  return { result, where: `stage ${stage} (${functionName})`, bucket, s3: createS3Client() };
}

async function download(s3: S3Client, bucket: string, dir: string): Promise<DownloadSummary> {
  try {
    return await downloadExports(s3, bucket, resolve(dir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot write the export to ${dir}: ${(error as Error).message}`);
    throw error;
  }
}

export function exportLine(result: RunExportResult, where: string, bucket: string): string {
  const days = result.days.length === 0 ? 'no days' : result.days.length === 1 ? `1 day (${result.days[0]})` : `${result.days.length} days (${result.days[0]} … ${result.days.at(-1)})`;
  const counts = EXPORT_TABLE_NAMES.map((table) => `${table} ${result.tables[table].rows}`).join(', ');
  const skipped = EXPORT_TABLE_NAMES.reduce((sum, table) => sum + result.tables[table].skipped, 0);
  return `exported ${days} from ${where} to s3://${bucket}/${ANALYTICS_PREFIXES.exports} (${result.mode}): ${counts}${skipped > 0 ? ` (${skipped} items without ids skipped)` : ''}`;
}

function downloadLine(summary: DownloadSummary): string {
  const unchanged = summary.files - summary.downloaded;
  return `downloaded ${summary.downloaded} file(s), ${formatBytes(summary.bytes)}, to ${summary.root} (${unchanged} unchanged, ${summary.removed} removed)`;
}

const formatBytes = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);
