import type { NamedQuery, ParamValue } from './named-queries';

/**
 * What a named query returns, the same from DuckDB and from Athena: typed values, so `--json`
 * prints numbers as numbers and times as ISO 8601 whichever engine ran the query.
 */
export type ColumnType = 'string' | 'number' | 'boolean' | 'date' | 'timestamp';

/** date: `YYYY-MM-DD`; timestamp: ISO 8601 in UTC (`2026-11-28T12:00:00.000Z`). */
export type Cell = string | number | boolean | null;

export interface Column {
  name: string;
  type: ColumnType;
}

export interface QueryResult {
  columns: Column[];
  rows: Cell[][];
}

/** Runs named queries somewhere: DuckDB over the local Parquet export, or Athena. */
export interface QueryEngine {
  /** Where the queries run, for messages (`DuckDB over …`, `Athena workgroup …`). */
  readonly description: string;
  execute(query: NamedQuery, params: ParamValue[]): Promise<QueryResult>;
  close(): Promise<void>;
}

/** The result's rows as objects keyed by column name. */
export function rowObjects(result: QueryResult): Record<string, Cell>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column.name, row[i]])));
}

/**
 * Maps an engine's type name (Athena's `ColumnInfo.Type` or DuckDB's type) to a column type.
 * Unknown types (arrays, maps…) are kept as strings.
 */
export function columnType(engineType: string): ColumnType {
  const type = engineType.toLowerCase();
  if (/^(tinyint|smallint|integer|int|bigint|hugeint|ubigint|uinteger|usmallint|utinyint|uhugeint|real|float|double|decimal)\b/.test(type)) return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'date') return 'date';
  if (type.startsWith('timestamp')) return 'timestamp';
  return 'string';
}

/** Converts one value as an engine printed it (text, or a JS number/boolean) to its typed cell. */
export function toCell(type: ColumnType, raw: string | number | boolean | bigint | null | undefined): Cell {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'number':
      return Number(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : String(raw).toLowerCase() === 'true';
    case 'date':
      return String(raw).slice(0, 10);
    case 'timestamp':
      return isoTimestamp(String(raw));
    case 'string':
      return String(raw);
  }
}

/**
 * `2026-11-28 12:00:00.123` (Athena, DuckDB), `… UTC`, `…+00` or `…+00:00` → `2026-11-28T12:00:00.123Z`.
 * Times without a zone are UTC: both engines run in UTC.
 */
export function isoTimestamp(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!match) return text;
  const [, day, time, fraction = '', zone = 'Z'] = match;
  const millis = `${fraction.slice(1)}000`.slice(0, 3);
  const offset = zone === 'Z' || zone === 'UTC' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return new Date(`${day}T${time}.${millis}${offset}`).toISOString();
}
