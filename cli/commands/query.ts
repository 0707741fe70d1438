import { findNamedQuery, loadNamedQueries, parseParamPairs, resolveParams, type NamedQuery, type ParamValue } from '../../shared/analytics/named-queries';
import type { Cell, QueryEngine, QueryResult } from '../../shared/analytics/query-result';
import { cliError } from '../analytics';
import { UsageError } from '../errors';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface QueryCommandOptions {
  name?: string;
  params: string[];
  format: OutputFormat;
}

/** `vigia query --list`: each query with its description and parameters. */
export function listQueries(options: { json: boolean }, out: (line: string) => void): void {
  const queries = loadNamedQueries();
  if (options.json) {
    for (const query of queries) out(JSON.stringify({ name: query.name, description: query.description, params: query.params }));
    return;
  }
  const width = Math.max(...queries.map((query) => query.name.length));
  for (const query of queries) {
    out(`${query.name.padEnd(width)}  ${query.description}`);
    for (const param of query.params) {
      out(`${''.padEnd(width)}    --param ${param.name}=${param.type.toUpperCase()}${param.default !== undefined ? ` (default ${param.default})` : ' (required)'}${param.description ? `  ${param.description}` : ''}`);
    }
  }
}

/**
 * Checks the query name and parameters before anything is opened (no download, no AWS call for a
 * typo), then runs the query on the engine `open` gives.
 */
export async function runQuery(options: QueryCommandOptions, open: () => Promise<QueryEngine>, out: (line: string) => void): Promise<number> {
  if (!options.name) throw new UsageError('usage: vigia query NAME [--param k=v ...] [--json|--csv] [--stage NAME], or vigia query --list');
  let query: NamedQuery;
  let params: ParamValue[];
  try {
    query = findNamedQuery(options.name);
    params = resolveParams(query, parseParamPairs(options.params));
  } catch (error) {
    throw cliError(error);
  }
  const engine = await open();
  try {
    const result = await engine.execute(query, params);
    for (const line of format(result, options.format)) out(line);
    return result.rows.length;
  } catch (error) {
    throw cliError(error);
  } finally {
    await engine.close();
  }
}

export function format(result: QueryResult, as: OutputFormat): string[] {
  switch (as) {
    case 'json':
      return result.rows.map((row) => JSON.stringify(Object.fromEntries(result.columns.map((column, i) => [column.name, row[i]]))));
    case 'csv':
      // RFC 4180: CRLF line breaks (each line is printed with a trailing LF, so it ends in CR here).
      return [result.columns.map((column) => csvField(column.name)), ...result.rows.map((row) => row.map(csvCell))].map((fields) => `${fields.join(',')}\r`);
    case 'table':
      return table(result);
  }
}

function csvCell(value: Cell): string {
  return value === null ? '' : csvField(String(value));
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Aligned columns (numbers to the right), a rule under the header, and the row count. */
function table(result: QueryResult): string[] {
  const cells = result.rows.map((row) => row.map((value) => (value === null ? '' : String(value).replace(/[\r\n\t]+/g, ' '))));
  const widths = result.columns.map((column, i) => Math.max(column.name.length, ...cells.map((row) => row[i].length)));
  const numeric = result.columns.map((column) => column.type === 'number');
  const line = (fields: string[]) => fields.map((field, i) => (numeric[i] ? field.padStart(widths[i]) : field.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    line(result.columns.map((column) => column.name)),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map(line),
    `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`,
  ];
}
