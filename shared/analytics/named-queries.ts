import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Named queries: one `.sql` file per query in `shared/analytics/queries/`, written in Trino SQL
 * (Athena engine v3) that DuckDB also runs (see duckdb-engine.ts for the small translation).
 * The same files become `AWS::Athena::NamedQuery` resources (name = file name, description = the
 * first comment line) and are what `vigia query` and `vigia report` run.
 *
 * File format:
 *
 *     -- One-line description (the first line, always).
 *     -- @param NAME TYPE [default VALUE] [what it means]
 *     -- … free comments: definitions of the columns …
 *     WITH params AS (SELECT CAST(? AS TYPE) AS NAME, …) SELECT …
 *
 * Parameters are positional `?` placeholders (Athena ExecutionParameters, DuckDB prepared
 * statements), one per declared parameter, in the declared order; queries read them once in a
 * `params` CTE so each value is bound exactly once.
 */

export const QUERIES_DIR = fileURLToPath(new URL('./queries/', import.meta.url));

export const PARAM_TYPES = ['integer', 'date', 'timestamp', 'string'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface QueryParam {
  name: string;
  type: ParamType;
  /** The value used when none is given; `now` for a timestamp means the time the query runs. */
  default?: string;
  description: string;
}

export interface NamedQuery {
  name: string;
  description: string;
  params: QueryParam[];
  sql: string;
  file: string;
}

/** A parameter value, checked and written in its canonical form (what both engines cast from). */
export interface ParamValue {
  name: string;
  type: ParamType;
  /** integer: `24`; date: `2026-11-01`; timestamp: `2026-11-28 12:00:00.000` (UTC); string: as given. */
  value: string;
}

export class UnknownQueryError extends Error {
  constructor(readonly queryName: string, known: string[]) {
    super(`unknown query "${queryName}" (known: ${known.join(', ')}; see vigia query --list)`);
    this.name = 'UnknownQueryError';
  }
}

export class QueryParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParameterError';
  }
}

export class NamedQueryFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'NamedQueryFormatError';
  }
}

/** Every named query in `dir`, sorted by name. */
export function loadNamedQueries(dir = QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseNamedQuery(join(dir, file), readFileSync(join(dir, file), 'utf8')));
}

export function findNamedQuery(name: string, dir = QUERIES_DIR): NamedQuery {
  const queries = loadNamedQueries(dir);
  const query = queries.find((candidate) => candidate.name === name);
  if (!query) throw new UnknownQueryError(name, queries.map((candidate) => candidate.name));
  return query;
}

const PARAM_LINE = /^--\s*@param\s+([a-z_][a-z0-9_]*)\s+(\S+)(?:\s+default\s+(\S+))?(?:\s+(.*))?$/;

export function parseNamedQuery(file: string, text: string): NamedQuery {
  const name = basename(file, '.sql');
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new NamedQueryFormatError(file, 'the file name must be snake_case (it is the query name)');
  const lines = text.split(/\r?\n/);
  const first = /^-- (.+)$/.exec(lines[0] ?? '');
  if (!first || first[1].trimStart().startsWith('@')) throw new NamedQueryFormatError(file, 'the first line must be a "-- description" comment');
  const params: QueryParam[] = [];
  for (const line of lines) {
    if (!/^--\s*@param\b/.test(line)) continue;
    const match = PARAM_LINE.exec(line.trim());
    if (!match) throw new NamedQueryFormatError(file, `cannot read "${line.trim()}" (expected -- @param NAME TYPE [default VALUE] [description])`);
    const [, paramName, type, defaultValue, description] = match;
    if (!PARAM_TYPES.includes(type as ParamType)) throw new NamedQueryFormatError(file, `parameter ${paramName}: type must be one of ${PARAM_TYPES.join(', ')}, got "${type}"`);
    if (params.some((param) => param.name === paramName)) throw new NamedQueryFormatError(file, `parameter ${paramName} is declared twice`);
    const param: QueryParam = { name: paramName, type: type as ParamType, default: defaultValue, description: description?.trim() ?? '' };
    if (defaultValue !== undefined) {
      try {
        canonicalValue(param, defaultValue, new Date(0));
      } catch (error) {
        throw new NamedQueryFormatError(file, `parameter ${paramName}: bad default: ${(error as Error).message}`);
      }
    }
    params.push(param);
  }
  const placeholders = countPlaceholders(text);
  if (placeholders !== params.length) {
    throw new NamedQueryFormatError(file, `${params.length} parameter(s) declared but ${placeholders} "?" placeholder(s) in the SQL (one per parameter, in order)`);
  }
  return { name, description: first[1].trim(), params, sql: text, file };
}

/** Counts `?` placeholders outside comments, string literals and quoted identifiers. */
export function countPlaceholders(sql: string): number {
  let count = 0;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i];
    if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (char === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === "'" || char === '"') {
      // Quotes are escaped by doubling them, which this loop reads as two adjacent literals.
      const end = sql.indexOf(char, i + 1);
      i = end === -1 ? sql.length : end;
    } else if (char === '?') {
      count++;
    }
  }
  return count;
}

/**
 * Checks the given `name=value` parameters against the query and fills in defaults, in the
 * order of the placeholders. Unknown names, bad values and missing required ones throw
 * QueryParameterError.
 */
export function resolveParams(query: NamedQuery, given: Record<string, string>, now = new Date()): ParamValue[] {
  for (const name of Object.keys(given)) {
    if (!query.params.some((param) => param.name === name)) {
      const known = query.params.map((param) => param.name);
      throw new QueryParameterError(`query ${query.name} has no parameter "${name}" (${known.length > 0 ? `parameters: ${known.join(', ')}` : 'it takes none'})`);
    }
  }
  return query.params.map((param) => {
    const raw = given[param.name] ?? param.default;
    if (raw === undefined) throw new QueryParameterError(`query ${query.name} needs --param ${param.name}=${param.type.toUpperCase()}`);
    try {
      return { name: param.name, type: param.type, value: canonicalValue(param, raw, now) };
    } catch (error) {
      throw new QueryParameterError(`--param ${param.name}: ${(error as Error).message}`);
    }
  });
}

/** Parses `k=v` pairs (from repeated `--param k=v`). */
export function parseParamPairs(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new QueryParameterError(`--param must be NAME=VALUE, got "${pair}"`);
    params[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return params;
}

function canonicalValue(param: QueryParam, raw: string, now: Date): string {
  switch (param.type) {
    case 'integer':
      if (!/^-?\d{1,15}$/.test(raw.trim())) throw new Error(`must be an integer, got "${raw}"`);
      return String(Number(raw.trim()));
    case 'date': {
      const value = raw.trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) throw new Error(`must be a day like 2026-11-01, got "${raw}"`);
      return value;
    }
    case 'timestamp': {
      const value = raw.trim();
      if (value === 'now') return sqlTimestamp(now);
      // A day or an ISO 8601 time; without an offset it is UTC (the zone every query works in).
      const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
      const time = Date.parse(iso);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) throw new Error(`must be an ISO 8601 time like 2026-11-28T12:00:00Z (or "now"), got "${raw}"`);
      return sqlTimestamp(new Date(time));
    }
    case 'string':
      return raw;
  }
}

/** `2026-11-28 12:00:00.000`: what CAST(… AS timestamp) reads in Trino and DuckDB alike. */
function sqlTimestamp(time: Date): string {
  return time.toISOString().replace('T', ' ').replace('Z', '');
}
