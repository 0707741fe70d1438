import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXPORT_TABLES, type ExportColumnType } from '../../shared/analytics/export-schema';
import { encodeParquet, type ExportRow } from '../../shared/analytics/parquet';

/**
 * Hand-built analytics rows written as the export lays them out
 * (`<dir>/<table>/dt=YYYY-MM-DD/data.parquet`), so the named queries can be tested before and
 * independently of the real exporter. Times are ISO 8601 UTC strings.
 */
export interface MessageRow {
  message_id: string;
  line_id: string;
  employee: string | null;
  team: string | null;
  contact_id: string | null;
  direction: 'inbound' | 'outbound';
  source: 'cloud_api' | 'business_app' | 'business_agent' | 'history';
  type: string;
  sent_at: string;
  edit_of?: string | null;
  revokes?: string | null;
  reaction_to?: string | null;
  sentiment?: 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED' | null;
}

export interface AlertRow {
  alert_id: string;
  message_id: string;
  line_id: string;
  employee: string | null;
  team: string | null;
  policy_id: string;
  kind: string;
  severity: string;
  status: string;
  created_at: string;
}

export interface MediaRow {
  media_id: string;
  message_id: string;
  line_id: string;
  sniffed_mime: string | null;
  declared_mime?: string | null;
  size_bytes: number | null;
  state: string;
  created_at: string;
}

export interface Fixture {
  messages?: MessageRow[];
  alerts?: AlertRow[];
  media?: MediaRow[];
}

const DUCKDB_TYPES: Record<ExportColumnType, string> = { string: 'VARCHAR', timestamp: 'TIMESTAMP', bigint: 'BIGINT', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN' };

const PARTITION_TIME = { messages: 'sent_at', alerts: 'created_at', media: 'created_at' } as const;

/**
 * Writes the fixture's tables as Parquet under `dir`, one file per UTC day of the row's time.
 * `timestampType: 'TIMESTAMPTZ'` writes UTC-adjusted timestamps instead (what DuckDB then reads
 * as TIMESTAMP WITH TIME ZONE): the queries must give the same answers.
 */
export async function writeExport(dir: string, fixture: Fixture, options: { timestampType?: 'TIMESTAMP' | 'TIMESTAMPTZ' } = {}): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    for (const table of ['messages', 'alerts', 'media'] as const) {
      const rows = (fixture[table] ?? []) as unknown as Record<string, unknown>[];
      if (rows.length === 0) continue;
      // Every column of the export's schema; those a fixture row leaves out are NULL.
      const columns = EXPORT_TABLES[table].columns.map(({ name, type }) => [name, type === 'timestamp' ? (options.timestampType ?? 'TIMESTAMP') : DUCKDB_TYPES[type]] as const);
      await connection.run(`CREATE TABLE ${table} (${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`);
      const values = rows.map((row) => `(${columns.map(([name, type]) => literal(row[name], type)).join(', ')})`);
      await connection.run(`INSERT INTO ${table} VALUES ${values.join(',\n')}`);
      const days = new Set(rows.map((row) => String(row[PARTITION_TIME[table]]).slice(0, 10)));
      for (const day of days) {
        const partition = join(dir, table, `dt=${day}`);
        mkdirSync(partition, { recursive: true });
        await connection.run(
          `COPY (SELECT * FROM ${table} WHERE CAST(${PARTITION_TIME[table]} AS DATE) = DATE '${day}') TO '${join(partition, 'data.parquet')}' (FORMAT PARQUET)`,
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The same tables written by the exporter's own Parquet encoder (shared/analytics/parquet.ts), to
 * check the queries read what `vigia export` writes.
 */
export function writeExportWithEncoder(dir: string, fixture: Fixture): void {
  for (const table of ['messages', 'alerts', 'media'] as const) {
    const rows = (fixture[table] ?? []) as unknown as Record<string, unknown>[];
    const byDay = new Map<string, ExportRow[]>();
    for (const row of rows) {
      const exportRow: ExportRow = {};
      for (const column of EXPORT_TABLES[table].columns) {
        const value = row[column.name];
        exportRow[column.name] =
          value === undefined || value === null ? null : column.type === 'timestamp' ? new Date(String(value)) : column.type === 'bigint' ? BigInt(value as number) : (value as string | number | boolean);
      }
      const day = String(row[PARTITION_TIME[table]]).slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), exportRow]);
    }
    for (const [day, dayRows] of byDay) {
      const partition = join(dir, table, `dt=${day}`);
      mkdirSync(partition, { recursive: true });
      writeFileSync(join(partition, 'data.parquet'), encodeParquet(table, dayRows));
    }
  }
}

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = `'${String(value).replace(/'/g, "''")}'`;
  return type.startsWith('TIMESTAMP') ? `CAST(${text} AS ${type})` : text;
}
