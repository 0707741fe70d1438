import { isCalendarDay, type VigiaConfig } from '../config/vigia-config';
import type { AnalyticsSource, AnalyticsStore, ArchiveItem } from './ports/analytics';
import { ANALYTICS_PREFIXES } from '../resources/definitions';
import { EXPORT_SCHEMA_VERSION, EXPORT_TABLE_NAMES, EXPORT_TABLES, EXPORT_WATERMARK_KEY, exportObjectKey, type ExportTableName } from './export-schema';
import { encodeParquet, type ExportRow } from './parquet';
import { piiDetectorsOf } from '../compliance/policies/pii/redaction';
import { alertRow, mediaRow, messageRow, statusRow, type RowOptions } from './rows';
import { forEachLimited as eachLimited } from '../platform/concurrency';

/**
 * The analytics export: archive table → one Parquet file per table and UTC day in the analytics
 * bucket (`exports/<table>/dt=YYYY-MM-DD/data.parquet`, docs/analytics.md).
 *
 * Idempotent: a day is always exported whole, from the table as it is now, into the same key, so
 * re-exporting a day replaces its file (never a second file, never duplicated rows); a table-day
 * with no rows has its file deleted. Run by the analytics-export function (schedule and on demand)
 * and locally by `vigia export`.
 */

export { EXPORT_WATERMARK_KEY };

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

export interface ExportDependencies {
  source: AnalyticsSource;
  store: AnalyticsStore;
  /** Lines (employee, team) and `analytics` settings. */
  config: VigiaConfig;
  /** @default () => new Date() */
  now?: () => Date;
  /** Days exported at the same time. @default 4 */
  dayConcurrency?: number;
  /** Status look-ups (one query per message with statuses) at the same time, per day. @default 8 */
  statusConcurrency?: number;
}

export interface TableCounts {
  /** Rows written, summed over the days. */
  rows: number;
  /** Files written (table-days with rows); the other days' files were deleted. */
  files: number;
  /** Items left out because an id column was missing (should stay 0). */
  skipped: number;
}

export interface ExportSummary {
  /** The UTC days exported, oldest first. */
  days: string[];
  tables: Record<ExportTableName, TableCounts>;
}

/** What the export remembers between runs (`EXPORT_WATERMARK_KEY`). */
export interface ExportWatermark {
  schemaVersion: number;
  /** Start of the last run that covered every day a scheduled run would have (ISO 8601). */
  exportedAt: string;
  firstDay: string | null;
  lastDay: string | null;
}

export interface RunExportResult extends ExportSummary {
  /** Why these days: `since` (asked for), `incremental` (watermark and lookback), `full` (first run, or a new schema version). */
  mode: 'since' | 'incremental' | 'full';
  /** Whether the watermark moved to this run. */
  watermarkUpdated: boolean;
}

/** The UTC day of an instant. */
export const dayOf = (instant: Date): string => instant.toISOString().slice(0, 10);

/** `day` plus `count` days (negative goes back). */
export function addDays(day: string, count: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return dayOf(date);
}

/** Every day from `first` to `last`, both included (empty when first > last). */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Exports exactly these days (each one whole, replacing its files). */
export async function exportAnalytics(deps: ExportDependencies, request: { days: string[] }): Promise<ExportSummary> {
  for (const day of request.days) if (!isCalendarDay(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  const days = [...new Set(request.days)].sort();
  const tables = Object.fromEntries(EXPORT_TABLE_NAMES.map((name) => [name, { rows: 0, files: 0, skipped: 0 }])) as Record<ExportTableName, TableCounts>;
  await eachLimited(days, deps.dayConcurrency ?? 4, async (day) => {
    const exported = await exportDay(deps, day);
    for (const name of EXPORT_TABLE_NAMES) {
      tables[name].rows += exported[name].rows;
      tables[name].files += exported[name].rows > 0 ? 1 : 0;
      tables[name].skipped += exported[name].skipped;
    }
  });
  return { days, tables };
}

/**
 * Computes the days, exports them and moves the watermark:
 * - `since`: every day from `since` to today;
 * - otherwise, after a previous run of the same schema version: from `lookbackDays` before that
 *   run's day to today (what may have changed since: new messages, late statuses, alerts handled);
 * - otherwise (first run, or the schema version changed): from the earliest day in the archive.
 */
export async function runExport(deps: ExportDependencies, request: { since?: string } = {}): Promise<RunExportResult> {
  const startedAt = (deps.now ?? (() => new Date()))();
  const today = dayOf(startedAt);
  if (request.since !== undefined && !isCalendarDay(request.since)) throw new RangeError(`since must be a day (YYYY-MM-DD), got ${JSON.stringify(request.since)}`);
  const watermark = await deps.store.readJson<ExportWatermark>(EXPORT_WATERMARK_KEY);
  const lastRunDay = watermark?.schemaVersion === EXPORT_SCHEMA_VERSION && typeof watermark.exportedAt === 'string' ? watermark.exportedAt.slice(0, 10) : undefined;
  // The first day a scheduled run would export now; undefined = everything (no usable watermark).
  const incrementalFrom = lastRunDay && isCalendarDay(lastRunDay) ? addDays(lastRunDay, -deps.config.analytics.lookbackDays) : undefined;

  let mode: RunExportResult['mode'];
  let first: string | undefined;
  if (request.since !== undefined) {
    mode = 'since';
    first = request.since;
  } else if (incrementalFrom !== undefined) {
    mode = 'incremental';
    first = incrementalFrom;
  } else {
    mode = 'full';
    first = await deps.source.earliestDay();
  }
  const summary = await exportAnalytics(deps, { days: first === undefined ? [] : daysBetween(first, today) });

  // A `since` later than what the schedule would cover must not hide the days in between from the next run.
  let covered = true;
  if (mode === 'since') {
    const needed = incrementalFrom ?? (await deps.source.earliestDay());
    covered = needed === undefined || request.since! <= needed;
  }
  if (covered) {
    const next: ExportWatermark = { schemaVersion: EXPORT_SCHEMA_VERSION, exportedAt: startedAt.toISOString(), firstDay: summary.days[0] ?? null, lastDay: summary.days.at(-1) ?? null };
    await deps.store.writeJson(EXPORT_WATERMARK_KEY, next);
  }
  return { ...summary, mode, watermarkUpdated: covered };
}

/** One day: every table's rows, then one file per table (or its file deleted when it has none). */
async function exportDay(deps: ExportDependencies, day: string): Promise<Record<ExportTableName, { rows: number; skipped: number }>> {
  const options: RowOptions = { config: deps.config, includeText: deps.config.analytics.includeText, maskDetectors: piiDetectorsOf(deps.config.policies) };
  const [messages, alerts, media] = await Promise.all([deps.source.messagesOfDay(day), deps.source.alertsOfDay(day), deps.source.mediaOfDay(day)]);
  // Only messages with a status have status events (latestStatus is set with the first one).
  const statusRows: ExportRow[] = [];
  await eachLimited(
    messages.filter((message) => message.latestStatus !== undefined),
    deps.statusConcurrency ?? 8,
    async (message: ArchiveItem) => {
      for (const status of await deps.source.statusesOf(String(message.id))) statusRows.push(statusRow(status, message));
    },
  );
  const rows: Record<ExportTableName, ExportRow[]> = {
    messages: messages.map((item) => messageRow(item, options)),
    statuses: statusRows,
    alerts: alerts.map((item) => alertRow(item, options)),
    media: media.map((item) => mediaRow(item, options)),
  };
  const result = {} as Record<ExportTableName, { rows: number; skipped: number }>;
  await Promise.all(
    EXPORT_TABLE_NAMES.map(async (table) => {
      const required = EXPORT_TABLES[table].columns.filter((column) => column.required).map((column) => column.name);
      const complete = rows[table].filter((row) => required.every((name) => typeof row[name] === 'string' && row[name] !== ''));
      const sorted = complete.sort(ROW_ORDER[table]);
      const key = exportObjectKey(ANALYTICS_PREFIXES.exports, table, day);
      if (sorted.length > 0) await deps.store.put(key, encodeParquet(table, sorted), PARQUET_CONTENT_TYPE);
      else await deps.store.delete(key);
      result[table] = { rows: sorted.length, skipped: rows[table].length - complete.length };
    }),
  );
  return result;
}

/** Rows in a stable order (time, then ids), so the same day always gives the same file. */
const byKeys =
  (...names: string[]) =>
  (a: ExportRow, b: ExportRow): number => {
    for (const name of names) {
      const [x, y] = [sortable(a[name]), sortable(b[name])];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
const sortable = (value: unknown): string => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value));
const ROW_ORDER: Record<ExportTableName, (a: ExportRow, b: ExportRow) => number> = {
  messages: byKeys('sent_at', 'message_id'),
  statuses: byKeys('message_id', 'status_at', 'status', 'recipient_id'),
  alerts: byKeys('created_at', 'alert_id'),
  media: byKeys('created_at', 'media_id'),
};


