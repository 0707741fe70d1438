import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EXPORT_PARTITION_KEY, EXPORT_TABLE_NAMES, EXPORT_TABLES, type ExportColumnType, type ExportTableName } from '../export-schema';
import type { NamedQuery, ParamValue } from '../named-queries';
import { columnType, toCell, type QueryEngine, type QueryResult } from '../query-result';

/**
 * Runs the named queries (Trino SQL, written for Athena) with DuckDB over the Parquet export
 * mirrored on this machine (`exports/<table>/dt=YYYY-MM-DD/data.parquet`).
 *
 * The translation from Trino to DuckDB is the session set up here, not a rewrite of the text:
 * - the session time zone is UTC (Athena's), so `CAST(ts AS date)` and `date_trunc('week', ts)`
 *   give the same days and weeks for TIMESTAMP WITH TIME ZONE columns;
 * - the Trino functions DuckDB lacks are defined as macros (DUCKDB_DIALECT_MACROS);
 * - each table is a view of the same name over `read_parquet(…, hive_partitioning = true)`, so
 *   the queries reference `messages`, `statuses`, `alerts`, `media` unqualified, as in Athena
 *   (where QueryExecutionContext.Database names the Glue database). A table with no file yet is
 *   an empty view with the export's columns (shared/analytics/export-schema.ts).
 *
 * Where the dialects differ and no macro can help, the queries avoid the construct (see
 * docs/analytics.md): integer `/` (integer division in Trino, decimal in DuckDB: divide by a
 * decimal literal such as 3600.0), DuckDB-only syntax (`GROUP BY ALL`, `QUALIFY`, `median`,
 * `strftime`), and `approx_percentile` (approximate in Athena: percentiles are computed exactly
 * with window functions instead). test/analytics/sql-dialect.test.ts checks every file parses as
 * Trino and runs here.
 */
export const DUCKDB_DIALECT_MACROS: readonly { name: string; sql: string; why: string }[] = [
  {
    name: 'to_unixtime',
    sql: 'CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)',
    why: "Trino's to_unixtime(timestamp) → seconds since the epoch as a double (DuckDB calls it epoch)",
  },
];

/** DuckDB's name for each export column type. */
const DUCKDB_TYPES: Record<ExportColumnType, string> = { string: 'VARCHAR', timestamp: 'TIMESTAMP', bigint: 'BIGINT', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN' };

/** A table with no Parquet file yet: an empty view with the export's columns (and `dt`). */
function emptyView(table: ExportTableName): string {
  const columns = EXPORT_TABLES[table].columns.map((column) => `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`);
  return `CREATE VIEW ${table} AS SELECT * FROM (SELECT ${columns.join(', ')}, CAST(NULL AS DATE) AS ${EXPORT_PARTITION_KEY.name}) WHERE false`;
}

function parquetView(table: ExportTableName, files: string[]): string {
  return `CREATE VIEW ${table} AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = true, union_by_name = true)`;
}

/** No Parquet at all where the export should be. */
export class MissingExportError extends Error {
  constructor(readonly exportsDir: string) {
    super(`no analytics export in ${exportsDir}: run \`vigia export\` first`);
    this.name = 'MissingExportError';
  }
}

/** A query DuckDB could not run (SQL or data problem), with the query's name. */
export class QueryExecutionError extends Error {
  constructor(queryName: string, reason: string) {
    super(`query ${queryName} failed: ${reason}`);
    this.name = 'QueryExecutionError';
  }
}

export class DuckDbQueryEngine implements QueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
  ) {}

  /** Opens an in-memory DuckDB with the Trino session and the views over `exportsDir`. */
  static async open(exportsDir: string): Promise<DuckDbQueryEngine> {
    const files = Object.fromEntries(EXPORT_TABLE_NAMES.map((table) => [table, parquetFiles(join(exportsDir, table))])) as Record<ExportTableName, string[]>;
    if (Object.values(files).every((list) => list.length === 0)) throw new MissingExportError(exportsDir);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await prepareTrinoSession(connection);
      for (const table of EXPORT_TABLE_NAMES) {
        await connection.run(files[table].length === 0 ? emptyView(table) : parquetView(table, files[table]));
      }
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    return new DuckDbQueryEngine(instance, connection, `DuckDB over ${exportsDir}`);
  }

  async execute(query: NamedQuery, params: ParamValue[]): Promise<QueryResult> {
    try {
      const statement = await this.connection.prepare(query.sql);
      // Values are bound as text: the queries CAST each placeholder to its type, as in Athena.
      if (params.length > 0) statement.bind(params.map((param) => param.value));
      const reader = await statement.runAndReadAll();
      const columns = reader.columnNames().map((name, i) => ({ name, type: columnType(reader.columnTypes()[i].toString()) }));
      const rows = reader.getRowsJson().map((row) => row.map((value, i) => toCell(columns[i].type, value as string | number | boolean | null)));
      return { columns, rows };
    } catch (error) {
      throw new QueryExecutionError(query.name, (error as Error).message.split('\n')[0]);
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** UTC and the macros: what makes DuckDB answer the Trino queries like Athena does. */
export async function prepareTrinoSession(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET TimeZone = 'UTC'");
  for (const macro of DUCKDB_DIALECT_MACROS) await connection.run(macro.sql);
}

/** `<dir>/dt=…/*.parquet`, sorted (any depth, so other partition layouts still load). */
function parquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
