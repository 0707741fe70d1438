import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUCKDB_DIALECT_MACROS, DuckDbQueryEngine, prepareTrinoSession } from '../../shared/analytics/adapters/duckdb-engine';
import { countPlaceholders, loadNamedQueries, parseNamedQuery, resolveParams } from '../../shared/analytics/named-queries';
import { writeExport } from './fixtures';
import { SCENARIO } from './scenario';

const queries = loadNamedQueries();
const trino = new TrinoSQL();

/** The columns issue 5 requires of each query (more queries may exist; these must). */
const REQUIRED = {
  messages_per_employee_day: ['day', 'employee', 'direction', 'messages'],
  first_response_time: ['employee', 'team', 'median_seconds', 'p90_seconds', 'conversations'],
  alerts_by_policy_week: ['week', 'policy_id', 'severity', 'team', 'alerts'],
  sentiment_by_team_week: ['week', 'team', 'sentiment', 'messages'],
  media_by_type: ['sniffed_mime', 'files', 'bytes'],
  unanswered_conversations: ['employee', 'contact_id', 'last_inbound_at', 'hours_waiting'],
};

/**
 * Functions the queries may call: each is in Trino's function list
 * (https://trino.io/docs/current/functions/list.html) and, directly or through a macro of
 * DUCKDB_DIALECT_MACROS, in DuckDB. The Trino grammar accepts any function name, so this list is
 * what keeps DuckDB-only functions (median, epoch, strftime, list_*…) out of the files.
 */
const PORTABLE_FUNCTIONS = new Set(['count', 'sum', 'min', 'max', 'avg', 'coalesce', 'round', 'floor', 'ceiling', 'lag', 'lead', 'row_number', 'date_trunc', 'to_unixtime']);
const SQL_KEYWORDS_BEFORE_PARENTHESIS = new Set(['as', 'in', 'over', 'cast', 'and', 'or', 'not', 'exists', 'values', 'from', 'join', 'on', 'using', 'filter', 'when', 'then', 'else', 'select', 'where']);

function calledFunctions(sql: string): string[] {
  const code = sql.replace(/--.*$/gm, '').replace(/'(?:[^']|'')*'/g, "''");
  return [...code.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/gi)].map((match) => match[1].toLowerCase()).filter((name) => !SQL_KEYWORDS_BEFORE_PARENTHESIS.has(name));
}

describe('the named query files', () => {
  it('include every query issue 5 asks for, with a description', () => {
    for (const name of Object.keys(REQUIRED)) expect(queries.map((query) => query.name)).toContain(name);
    for (const query of queries) expect(query.description.length, query.name).toBeGreaterThan(20);
  });

  it('declare their parameters: unanswered_conversations takes hours (default 24)', () => {
    const unanswered = queries.find((query) => query.name === 'unanswered_conversations')!;
    expect(unanswered.params.map(({ name, type, default: value }) => ({ name, type, default: value }))).toEqual([
      { name: 'hours', type: 'integer', default: '24' },
      { name: 'as_of', type: 'timestamp', default: 'now' },
    ]);
  });

  for (const query of queries) {
    it(`${query.name} is valid Trino (Athena engine v3) SQL`, () => {
      expect(trino.validate(query.sql)).toEqual([]);
    });

    it(`${query.name} calls only functions both engines have`, () => {
      const unknown = calledFunctions(query.sql).filter((name) => !PORTABLE_FUNCTIONS.has(name));
      expect(unknown).toEqual([]);
    });

    it(`${query.name} avoids the constructs whose meaning differs between the engines`, () => {
      const code = query.sql.replace(/--.*$/gm, '');
      // `::` casts, GROUP BY ALL, QUALIFY: DuckDB only. Integer division truncates in Trino but not in
      // DuckDB: divide by a decimal literal (3600.0). approx_percentile is approximate in Athena.
      expect(code).not.toMatch(/::|\bGROUP\s+BY\s+ALL\b|\bQUALIFY\b|approx_percentile|\/\s*\d+(?![.\d])/i);
    });
  }
});

describe('the Trino validator', () => {
  it('rejects DuckDB-only syntax (so the check above means something)', () => {
    expect(trino.validate('SELECT a::int FROM t')).not.toEqual([]);
    expect(trino.validate('SELECT a FROM t QUALIFY row_number() OVER () = 1')).not.toEqual([]);
    expect(trino.validate('SELECT a, count(*) FROM t GROUP BY ALL')).not.toEqual([]);
  });
});

describe('the named queries in DuckDB', () => {
  let dir: string;
  let engine: DuckDbQueryEngine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-dialect-'));
    await writeExport(dir, SCENARIO);
    engine = await DuckDbQueryEngine.open(dir);
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const query of queries) {
    it(`${query.name} runs with its default parameters and returns its columns`, async () => {
      const result = await engine.execute(query, resolveParams(query, {}, new Date('2026-12-07T00:00:00Z')));
      const required = REQUIRED[query.name as keyof typeof REQUIRED];
      if (required) expect(result.columns.map((column) => column.name)).toEqual(required);
      expect(result.rows.length).toBeGreaterThan(0);
    });
  }

  it('the dialect macros mean what the Trino functions mean', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await prepareTrinoSession(connection);
      const reader = await connection.runAndReadAll(
        "SELECT to_unixtime(TIMESTAMP '2026-11-30 00:00:20.250') AS plain, to_unixtime(TIMESTAMPTZ '2026-11-30 00:00:20.250+00') AS zoned, CAST(TIMESTAMPTZ '2026-11-29 23:30:00-03' AS DATE) AS utc_day, current_setting('TimeZone') AS zone",
      );
      expect(reader.getRowObjectsJson()).toEqual([{ plain: Date.parse('2026-11-30T00:00:20.250Z') / 1000, zoned: Date.parse('2026-11-30T00:00:20.250Z') / 1000, utc_day: '2026-11-30', zone: 'UTC' }]);
      expect(DUCKDB_DIALECT_MACROS.map((macro) => macro.name)).toEqual(['to_unixtime']);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('the query file format', () => {
  const sql = (header: string, body = 'SELECT 1') => `${header}\n${body}\n`;

  it('needs a description on the first line', () => {
    expect(() => parseNamedQuery('/q/x_y.sql', sql('SELECT 1'))).toThrow('/q/x_y.sql: the first line must be a "-- description" comment');
  });

  it('needs one placeholder per declared parameter', () => {
    expect(() => parseNamedQuery('/q/x.sql', sql('-- A query.\n-- @param hours integer default 24'))).toThrow('1 parameter(s) declared but 0 "?" placeholder(s)');
    expect(() => parseNamedQuery('/q/x.sql', sql('-- A query.', 'SELECT ? AS a'))).toThrow('0 parameter(s) declared but 1 "?" placeholder(s)');
  });

  it('rejects unknown parameter types and bad defaults', () => {
    expect(() => parseNamedQuery('/q/x.sql', sql('-- A query.\n-- @param n number', 'SELECT ?'))).toThrow('parameter n: type must be one of integer, date, timestamp, string, got "number"');
    expect(() => parseNamedQuery('/q/x.sql', sql('-- A query.\n-- @param n integer default many', 'SELECT ?'))).toThrow('parameter n: bad default: must be an integer, got "many"');
  });

  it('does not count question marks in comments and strings', () => {
    expect(countPlaceholders("-- why?\nSELECT '?', \"a?\" /* ? */, ? FROM t")).toBe(1);
  });

  it('loads any directory of .sql files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-queries-'));
    writeFileSync(join(dir, 'b_query.sql'), sql('-- Second.\n-- @param day date default 2026-01-01 a day', 'SELECT CAST(? AS date)'));
    writeFileSync(join(dir, 'a_query.sql'), sql('-- First.'));
    writeFileSync(join(dir, 'notes.txt'), 'not a query');
    expect(loadNamedQueries(dir).map(({ name, description, params }) => ({ name, description, params }))).toEqual([
      { name: 'a_query', description: 'First.', params: [] },
      { name: 'b_query', description: 'Second.', params: [{ name: 'day', type: 'date', default: '2026-01-01', description: 'a day' }] },
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});
