import { parquetWriteBuffer } from 'hyparquet-writer';
import { EXPORT_SCHEMA_VERSION, EXPORT_TABLES, type ExportColumn, type ExportTableName } from './export-schema';

/** A value of an export row: what the column's type holds, or null. */
export type ExportValue = string | number | bigint | boolean | Date | null;
export type ExportRow = Record<string, ExportValue>;

/**
 * The Parquet schema element of a column. Timestamps are the TIMESTAMP logical type in
 * milliseconds with `isAdjustedToUTC = false`: the value is the UTC wall-clock time. That is what
 * Glue's `timestamp` (Athena) and DuckDB's `TIMESTAMP` mean, so both read the same instant without
 * a session time-zone shift (`isAdjustedToUTC = true` would make DuckDB read a TIMESTAMPTZ shown
 * and truncated in the local zone). No legacy converted type for them: TIMESTAMP_MILLIS would
 * contradict `isAdjustedToUTC = false`.
 */
function schemaElement(column: ExportColumn) {
  const repetition_type = column.required ? ('REQUIRED' as const) : ('OPTIONAL' as const);
  switch (column.type) {
    case 'string':
      return { name: column.name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, logical_type: { type: 'STRING' as const }, repetition_type };
    case 'timestamp':
      return { name: column.name, type: 'INT64' as const, logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: false, unit: 'MILLIS' as const }, repetition_type };
    case 'bigint':
      return { name: column.name, type: 'INT64' as const, repetition_type };
    case 'int':
      return { name: column.name, type: 'INT32' as const, repetition_type };
    case 'double':
      return { name: column.name, type: 'DOUBLE' as const, repetition_type };
    case 'boolean':
      return { name: column.name, type: 'BOOLEAN' as const, repetition_type };
  }
}

/** The column's values, checked against its type (a wrong type fails here, not in a reader). */
function columnValues(table: ExportTableName, column: ExportColumn, rows: readonly ExportRow[]): ExportValue[] {
  return rows.map((row, index) => {
    const value = row[column.name] ?? null;
    if (value === null) {
      if (column.required) throw new Error(`${table}.${column.name} is required, row ${index} has none`);
      return null;
    }
    const ok =
      column.type === 'string'
        ? typeof value === 'string'
        : column.type === 'timestamp'
          ? value instanceof Date && !Number.isNaN(value.getTime())
          : column.type === 'bigint'
            ? typeof value === 'bigint'
            : column.type === 'int'
              ? typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1
              : column.type === 'double'
                ? typeof value === 'number'
                : typeof value === 'boolean';
    if (!ok) throw new Error(`${table}.${column.name} must be a ${column.type}, row ${index} has ${String(value)}`);
    return value;
  });
}

/**
 * One Parquet file (Snappy) with the table's columns in schema order, written with
 * hyparquet-writer. The file's key-value metadata records the table and the schema version.
 */
export function encodeParquet(table: ExportTableName, rows: readonly ExportRow[]): Uint8Array {
  const { columns } = EXPORT_TABLES[table];
  const buffer = parquetWriteBuffer({
    columnData: columns.map((column) => ({ name: column.name, data: columnValues(table, column, rows), nullable: !column.required })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
    codec: 'SNAPPY',
    kvMetadata: [
      { key: 'vigia.table', value: table },
      { key: 'vigia.schema_version', value: String(EXPORT_SCHEMA_VERSION) },
    ],
    createdBy: `vigia analytics export (schema v${EXPORT_SCHEMA_VERSION}), hyparquet-writer`,
  });
  return new Uint8Array(buffer);
}
