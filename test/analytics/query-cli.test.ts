import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { AthenaQueryEngine } from '../../shared/analytics/adapters/athena-engine';
import { findNamedQuery, loadNamedQueries, resolveParams } from '../../shared/analytics/named-queries';
import { cli, cliJson } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { writeExport } from './fixtures';
import { ANA, C1, SCENARIO } from './scenario';

let exportsDir: string;
beforeAll(async () => {
  exportsDir = mkdtempSync(join(tmpdir(), 'vigia-query-cli-'));
  await writeExport(exportsDir, SCENARIO);
});
afterAll(() => rmSync(exportsDir, { recursive: true, force: true }));

/** main() for a command expected to fail: the CliError it throws (the bin prints its message). */
async function failure(...args: string[]): Promise<{ message: string; exitCode: number }> {
  const lines: string[] = [];
  const error = (await main(args, (line) => lines.push(line)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { message: string; exitCode: number } | undefined;
  expect(error, `vigia ${args.join(' ')} should fail`).toBeDefined();
  expect(lines).toEqual([]);
  return { message: error!.message, exitCode: error!.exitCode };
}

describe('vigia query --list', () => {
  it('lists every query with its description and parameters', async () => {
    const lines = await cli('query', '--list');
    for (const query of loadNamedQueries()) expect(lines.some((line) => line.startsWith(query.name) && line.includes(query.description))).toBe(true);
    expect(lines).toContain('                             --param hours=INTEGER (default 24)  minimum hours since the customer\'s last message');
    expect(lines).toContain('                             --param as_of=TIMESTAMP (default now)  the moment to measure at (UTC); later messages are ignored');
  });

  it('lists them as JSON lines with --json', async () => {
    const queries = await cliJson<{ name: string; description: string; params: { name: string; type: string; default?: string }[] }>('query', '--list', '--json');
    expect(queries.map((query) => query.name)).toEqual(loadNamedQueries().map((query) => query.name));
    expect(queries.find((query) => query.name === 'unanswered_conversations')!.params.map((param) => param.name)).toEqual(['hours', 'as_of']);
  });
});

describe('vigia query NAME (DuckDB over an export)', () => {
  it('prints an aligned table by default, numbers to the right, with the row count', async () => {
    expect(await cli('query', 'first_response_time', '--exports', exportsDir)).toEqual([
      'employee         team     median_seconds  p90_seconds  conversations',
      '---------------  -------  --------------  -----------  -------------',
      '106540352242999                        5            5              1',
      'Ana Souza        ventas               30          102              3',
      'Bruno Lima       suporte             200          930              4',
      '(3 rows)',
    ]);
  });

  it('shows NULL as an empty cell and counts one row as "1 row"', async () => {
    const lines = await cli('query', 'media_by_type', '--exports', exportsDir, '--param', 'since=2026-11-30');
    expect(lines).toEqual(['sniffed_mime     files  bytes', '---------------  -----  -----', 'application/pdf      1   3000', '                     1      0', '(2 rows)']);
    expect((await cli('query', 'alerts_by_policy_week', '--exports', exportsDir, '--param', 'since=2026-11-30')).at(-1)).toBe('(1 row)');
  });

  it('prints one typed JSON object per row with --json: numbers, null, ISO 8601 times, days', async () => {
    const rows = await cliJson<Record<string, unknown>>('query', 'unanswered_conversations', '--exports', exportsDir, '--param', 'hours=1', '--param', 'as_of=2026-11-30T10:00:00Z', '--json');
    expect(rows).toEqual([
      { employee: 'Bruno Lima', contact_id: '5511900000003', last_inbound_at: '2026-11-30T07:00:00.000Z', hours_waiting: 3 },
      { employee: 'Ana Souza', contact_id: '5511900000002', last_inbound_at: '2026-11-30T08:00:00.000Z', hours_waiting: 2 },
    ]);
    const media = await cliJson<Record<string, unknown>>('query', 'media_by_type', '--exports', exportsDir, '--json');
    expect(media.at(-1)).toEqual({ sniffed_mime: null, files: 1, bytes: 0 });
    const days = await cliJson<Record<string, unknown>>('query', 'messages_per_employee_day', '--exports', exportsDir, '--json');
    expect(days[0]).toEqual({ day: '2026-06-01', employee: 'Ana Souza', direction: 'inbound', messages: 1 });
  });

  it('accepts as_of as a day or a time with an offset (converted to UTC)', async () => {
    const at = (as_of: string) => cliJson<{ hours_waiting: number }>('query', 'unanswered_conversations', '--exports', exportsDir, '--param', 'hours=0', '--param', `as_of=${as_of}`, '--json');
    expect((await at('2026-11-30T07:00:00-03:00')).map((row) => row.hours_waiting)).toEqual((await at('2026-11-30T10:00:00Z')).map((row) => row.hours_waiting));
    expect(await at('2026-11-30')).toEqual([{ employee: ANA.employee, contact_id: C1, last_inbound_at: '2026-11-29T23:59:50.000Z', hours_waiting: 0 }]);
  });

  it('takes the folder `vigia export --download DIR` made as well as the export inside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-query-download-'));
    try {
      await writeExport(join(dir, 'exports'), SCENARIO);
      const lines = await cli('query', 'first_response_time', '--exports', dir);
      expect(lines.at(-1)).toBe('(3 rows)');
      expect(lines).toEqual(await cli('query', 'first_response_time', '--exports', join(dir, 'exports')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes RFC 4180 CSV with --csv: header, CRLF, quotes only where needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-query-csv-'));
    try {
      const tricky = { line_id: '106540352242950', employee: 'Souza, Ana "Aninha"', team: 'ventas' };
      await writeExport(dir, {
        messages: [
          { message_id: 'wamid.Q1', ...tricky, contact_id: C1, direction: 'inbound', source: 'cloud_api', type: 'text', sent_at: '2026-11-23T09:00:00Z' },
          { message_id: 'wamid.Q2', ...tricky, contact_id: C1, direction: 'outbound', source: 'business_app', type: 'text', sent_at: '2026-11-23T09:00:42Z' },
        ],
      });
      const lines = await cli('query', 'first_response_time', '--exports', dir, '--csv');
      expect(lines).toEqual(['employee,team,median_seconds,p90_seconds,conversations\r', '"Souza, Ana ""Aninha""",ventas,42,42,1\r']);
      // Through the real binary the lines end in CRLF.
      const result = spawnSync(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), 'query', 'media_by_type', '--exports', exportsDir, '--csv'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, VIGIA_STAGE: '' } });
      expect(result.stdout).toBe('sniffed_mime,files,bytes\r\napplication/zip,1,5000\r\napplication/pdf,2,4000\r\nimage/jpeg,1,4000\r\n,1,0\r\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vigia query: what goes wrong is one line and a non-zero exit', () => {
  it('an unknown query (exit 2)', async () => {
    expect(await failure('query', 'messages_per_hour', '--exports', exportsDir)).toEqual({
      message: 'unknown query "messages_per_hour" (known: alerts_by_policy_week, first_response_time, media_by_type, messages_per_employee_day, sentiment_by_team_week, unanswered_conversations; see vigia query --list)',
      exitCode: 2,
    });
  });

  it('an unknown parameter, a bad value, a malformed --param (exit 2)', async () => {
    expect(await failure('query', 'unanswered_conversations', '--param', 'hour=3', '--exports', exportsDir)).toEqual({
      message: 'query unanswered_conversations has no parameter "hour" (parameters: hours, as_of) (see vigia query --list)',
      exitCode: 2,
    });
    expect((await failure('query', 'unanswered_conversations', '--param', 'hours=two', '--exports', exportsDir)).message).toBe('--param hours: must be an integer, got "two" (see vigia query --list)');
    expect((await failure('query', 'unanswered_conversations', '--param', 'as_of=yesterday', '--exports', exportsDir)).message).toBe(
      '--param as_of: must be an ISO 8601 time like 2026-11-28T12:00:00Z (or "now"), got "yesterday" (see vigia query --list)',
    );
    expect((await failure('query', 'media_by_type', '--param', 'since=2026-02-30', '--exports', exportsDir)).message).toBe('--param since: must be a day like 2026-11-01, got "2026-02-30" (see vigia query --list)');
    expect((await failure('query', 'media_by_type', '--param', 'since', '--exports', exportsDir)).message).toBe('--param must be NAME=VALUE, got "since" (see vigia query --list)');
  });

  it('bad usage (exit 2)', async () => {
    expect((await failure('query')).exitCode).toBe(2);
    expect((await failure('query', 'media_by_type', '--json', '--csv')).message).toBe('choose one of --json and --csv (see vigia --help)');
    expect((await failure('query', 'media_by_type', 'first_response_time')).message).toBe('one query at a time, got media_by_type, first_response_time (see vigia --help)');
    expect((await failure('query', 'media_by_type', '--stage', 'prod', '--exports', exportsDir)).message).toBe('--stage and --exports exclude each other (see vigia --help)');
  });

  it('no export yet (exit 1)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigia-no-export-'));
    mkdirSync(join(empty, 'messages'));
    expect(await failure('query', 'media_by_type', '--exports', empty)).toEqual({ message: `no analytics export in ${empty}: run \`vigia export\` first`, exitCode: 1 });
    rmSync(empty, { recursive: true, force: true });
  });

  it('the local stack is not running: one line on stderr, exit 1, no stack trace', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-query-nostack-'));
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), 'query', 'media_by_type'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, VIGIA_STAGE: '', VIGIA_DATA_DIR: dataDir } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`vigia: the local stack is not running (start it with \`npm start\`; data dir ${dataDir}), or use --stage NAME for a deployed stack\n`);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('vigia query --stage (Athena)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const athena = mockClient(AthenaClient);
  const outputs = (stack: string, values: Record<string, string>) => ({
    Stacks: [{ StackName: stack, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' as const, Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
  });
  beforeEach(() => {
    cloudFormation.reset();
    athena.reset();
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Stateful' }).resolves(outputs('Vigia-prod-Stateful', { ArchiveBucketName: 'archive', ArchiveTableName: 'table', AnalyticsBucketName: 'analytics-bucket' }));
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Pipeline' }).resolves(outputs('Vigia-prod-Pipeline', { GlueDatabaseName: 'vigia_prod', AthenaWorkGroupName: 'vigia-prod' }));
  });

  const column = (Name: string, Type: string) => ({ Name, Type, Label: Name });
  const row = (...values: (string | undefined)[]) => ({ Data: values.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })) });

  it('starts the query in the stage’s workgroup and database with the parameters, polls, pages the results', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const metadata = { ColumnInfo: [column('employee', 'varchar'), column('contact_id', 'varchar'), column('last_inbound_at', 'timestamp'), column('hours_waiting', 'double')] };
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('employee', 'contact_id', 'last_inbound_at', 'hours_waiting'), row('Bruno Lima', '5511900000003', '2026-11-30 07:00:00.000', '3.0')] }, NextToken: 'page-2' });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('Ana Souza', undefined, '2026-11-30 08:00:00.000', '2.0')] } });

    const rows = await cliJson('query', 'unanswered_conversations', '--stage', 'prod', '--param', 'hours=0', '--param', 'as_of=2026-11-30T10:00:00Z', '--json');

    expect(rows).toEqual([
      { employee: 'Bruno Lima', contact_id: '5511900000003', last_inbound_at: '2026-11-30T07:00:00.000Z', hours_waiting: 3 },
      { employee: 'Ana Souza', contact_id: null, last_inbound_at: '2026-11-30T08:00:00.000Z', hours_waiting: 2 },
    ]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName).sort()).toEqual(['Vigia-prod-Pipeline', 'Vigia-prod-Stateful']);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueryString: findNamedQuery('unanswered_conversations').sql,
        WorkGroup: 'vigia-prod',
        QueryExecutionContext: { Database: 'vigia_prod' },
        ExecutionParameters: ['0', "'2026-11-30 10:00:00.000'"],
      },
    ]);
    expect(athena.commandCalls(GetQueryExecutionCommand).map((call) => call.args[0].input)).toEqual(Array(3).fill({ QueryExecutionId: 'q-1' }));
    expect(athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' },
    ]);
  });

  it('reports a FAILED query in one line with Athena’s reason (exit 1)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND', AthenaError: { ErrorCategory: 2, ErrorMessage: "TABLE_NOT_FOUND: line 37:8: Table 'awsdatacatalog.vigia_prod.messages' does not exist\nmore detail" } } },
    });
    expect(await failure('query', 'first_response_time', '--stage', 'prod')).toEqual({
      message: "Athena query first_response_time failed (execution q-2): TABLE_NOT_FOUND: line 37:8: Table 'awsdatacatalog.vigia_prod.messages' does not exist",
      exitCode: 1,
    });
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('says when the stage has no analytics outputs', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-old-Stateful' }).resolves(outputs('Vigia-old-Stateful', { ArchiveBucketName: 'a', ArchiveTableName: 't' }));
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-old-Pipeline' }).resolves(outputs('Vigia-old-Pipeline', {}));
    expect((await failure('query', 'media_by_type', '--stage', 'old')).message).toBe('stage old has no AthenaWorkGroupName/GlueDatabaseName outputs; deploy this version of Vigia (cdk deploy --all -c stage=old)');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('checks the query and parameters before calling AWS', async () => {
    await failure('query', 'media_by_type', '--stage', 'prod', '--param', 'since=soon');
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});

describe('AthenaQueryEngine', () => {
  const athena = mockClient(AthenaClient);
  beforeEach(() => athena.reset());
  const query = findNamedQuery('media_by_type');

  it('backs off exponentially between polls, up to maxPollMs', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    const states = ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'] as const;
    let poll = 0;
    athena.on(GetQueryExecutionCommand).callsFake(async () => ({ QueryExecution: { Status: { State: states[poll++] } } }));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'files', Type: 'bigint' }] }, Rows: [{ Data: [{ VarCharValue: 'files' }] }, { Data: [{ VarCharValue: '7' }] }] } });
    const waits: number[] = [];
    const engine = new AthenaQueryEngine(new AthenaClient({ region: 'us-east-1' }), { workGroup: 'wg', database: 'db', wait: async (ms) => void waits.push(ms) });
    const result = await engine.execute(query, resolveParams(query, {}));
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(result).toEqual({ columns: [{ name: 'files', type: 'number' }], rows: [[7]] });
  });

  it('gives up after timeoutMs and says which execution is still running', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const engine = new AthenaQueryEngine(new AthenaClient({ region: 'us-east-1' }), { workGroup: 'wg', database: 'db', timeoutMs: 3_000, wait: async () => undefined });
    await expect(engine.execute(query, resolveParams(query, {}))).rejects.toThrow('Athena query media_by_type still RUNNING after 4 s (execution q-4)');
  });

  it('reports a CANCELLED query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-5' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' } } });
    const engine = new AthenaQueryEngine(new AthenaClient({ region: 'us-east-1' }), { workGroup: 'wg', database: 'db', wait: async () => undefined });
    await expect(engine.execute(query, resolveParams(query, {}))).rejects.toThrow('Athena query media_by_type cancelled (execution q-5): Query cancelled by user');
  });
});
