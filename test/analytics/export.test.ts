import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { lambdaContext } from '../../local/api-gateway';
import { generateTraffic } from '../../local/traffic';
import { DynamoDbAnalyticsSource } from '../../shared/analytics/adapters/dynamodb-analytics-source';
import { allPages } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { S3AnalyticsStore } from '../../shared/analytics/adapters/s3-analytics-store';
import { downloadExports } from '../../shared/analytics/download';
import { addDays, dayOf, EXPORT_WATERMARK_KEY, runExport, type ExportWatermark, type RunExportResult } from '../../shared/analytics/export';
import { EXPORT_SCHEMA_VERSION, EXPORT_TABLE_NAMES, EXPORT_TABLES } from '../../shared/analytics/export-schema';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { listKeys } from '../helpers/s3';

/**
 * `vigia export` on the real local stack: simulated traffic (two days of conversations, statuses,
 * documents, a history backfill, compliance alerts) → Parquet in the analytics bucket → read back
 * with DuckDB, an independent reader, and compared with what the CLI lists from the archive.
 */

const TODAY = dayOf(new Date());
/** Two batches of traffic, each inside one UTC day (10:00 on), with nothing on the days between. */
const OLD_DAY = addDays(TODAY, -4);
const RECENT_DAY = addDays(TODAY, -1);
const EMPTY_DAY = addDays(TODAY, -2);
const at10 = (day: string) => Date.parse(`${day}T10:00:00Z`) / 1000;

let stack: TestStack;
let work: string;
let duckdb: DuckDBInstance;
let db: DuckDBConnection;
const s3 = () => createS3Client(stack.stack.info.s3Endpoint);

interface MessageJson {
  id: string;
  lineId: string;
  timestamp: string;
  text?: string;
  status?: string;
  statusAt?: string;
}

beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_FLOW_RETRY_MS: '5' } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  work = mkdtempSync(join(tmpdir(), 'vigia-export-test-'));
  const webhooks = [...generateTraffic({ turns: 90, seed: 501, startTime: at10(OLD_DAY) }), ...generateTraffic({ turns: 90, seed: 502, startTime: at10(RECENT_DAY) })];
  for (let i = 0; i < webhooks.length; i += 8) {
    const responses = await Promise.all(webhooks.slice(i, i + 8).map((webhook) => stack.post(webhook.body)));
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
  }
  await stack.stack.drained();
  duckdb = await DuckDBInstance.create(':memory:');
  db = await duckdb.connect();
}, 120_000);

afterAll(async () => {
  db?.closeSync();
  duckdb?.closeSync();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Rows of a DuckDB query as plain JSON values (timestamps as strings, BIGINT as strings). */
async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  return (await db.runAndReadAll(query)).getRowObjectsJson() as T[];
}
const parquet = (dir: string, table: string) => `read_parquet('${dir}/exports/${table}/*/*.parquet', hive_partitioning = true)`;

/** main() for a command expected to fail: its message and exit code. */
async function failure(...args: string[]): Promise<{ message: string; exitCode: number }> {
  const error = (await main(args, () => undefined).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { message: string; exitCode: number } | undefined;
  expect(error, `vigia ${args.join(' ')} should fail`).toBeDefined();
  return { message: error!.message, exitCode: error!.exitCode };
}

describe('vigia export on the local stack', () => {
  let first: string[];
  let dir: string;

  it('exports every day on the first run and prints one line with the per-table counts', async () => {
    dir = join(work, 'first');
    first = await cli('export', '--download', dir);
    expect(first[0]).toMatch(/^exported \d+ days \(\d{4}-\d{2}-\d{2} … \d{4}-\d{2}-\d{2}\) from local stack at http:\/\/127\.0\.0\.1:\d+ to s3:\/\/vigia-analytics\/exports\/ \(full\): messages \d+, statuses \d+, alerts \d+, media \d+$/);
    expect(first[1]).toMatch(/^downloaded \d+ file\(s\), .* to .*\/exports \(0 unchanged, 0 removed\)$/);
  });

  it('writes the same messages the archive holds, one row each, timestamps as TIMESTAMP, in the partition of their UTC day', async () => {
    const archived = await cliJson<MessageJson>('messages', '--json');
    const rows = await sql<{ message_id: string; sent_ms: string; dt: string; day: string; latest_status: string | null; status_ms: string | null }>(
      `SELECT message_id, epoch_ms(sent_at)::VARCHAR AS sent_ms, dt::VARCHAR AS dt, strftime(sent_at, '%Y-%m-%d') AS day, latest_status, epoch_ms(latest_status_at)::VARCHAR AS status_ms FROM ${parquet(dir, 'messages')}`,
    );
    expect(rows.length).toBe(archived.length);
    expect(rows.map((row) => row.message_id).sort()).toEqual(archived.map((message) => message.id).sort());
    const byId = new Map(archived.map((message) => [message.id, message]));
    for (const row of rows) {
      const message = byId.get(row.message_id)!;
      expect(Number(row.sent_ms), row.message_id).toBe(Date.parse(message.timestamp));
      expect(row.dt).toBe(row.day);
      expect(row.dt).toBe(message.timestamp.slice(0, 10));
      expect(row.latest_status).toBe(message.status ?? null);
      expect(row.status_ms === null ? null : Number(row.status_ms)).toBe(message.statusAt ? Date.parse(message.statusAt) : null);
    }
    // Both traffic days (and the history backfill's days).
    expect([...new Set(rows.map((row) => row.dt))]).toEqual(expect.arrayContaining([OLD_DAY, RECENT_DAY]));
  });

  it('types every column as the export schema says', async () => {
    const duckType = { string: 'VARCHAR', timestamp: 'TIMESTAMP', bigint: 'BIGINT', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN' } as const;
    for (const table of EXPORT_TABLE_NAMES) {
      const described = await sql<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${parquet(dir, table)}`);
      expect(described.map((column) => [column.column_name, column.column_type]), table).toEqual([
        ...EXPORT_TABLES[table].columns.map((column) => [column.name, duckType[column.type]]),
        ['dt', 'DATE'],
      ]);
    }
    const [metadata] = await sql<{ value: string }>(
      `SELECT decode(value) AS value FROM parquet_kv_metadata('${dir}/exports/messages/dt=${RECENT_DAY}/data.parquet') WHERE decode(key) = 'vigia.schema_version'`,
    );
    expect(metadata!.value).toBe(String(EXPORT_SCHEMA_VERSION));
  });

  it('leaves the text out (NULL) by default, but keeps its length, the line’s employee and team, sentiment and alert counts', async () => {
    const [summary] = await sql<{ texts: string; lengths: string; sentiments: string; alert_sum: string }>(
      `SELECT count(text)::VARCHAR AS texts, count(text_length)::VARCHAR AS lengths, count(sentiment)::VARCHAR AS sentiments, sum(alert_count)::VARCHAR AS alert_sum FROM ${parquet(dir, 'messages')}`,
    );
    expect(summary!.texts).toBe('0');
    expect(Number(summary!.lengths)).toBeGreaterThan(0);
    expect(Number(summary!.sentiments)).toBeGreaterThan(0);
    const alerts = await cliJson<{ id: string }>('alerts', '--json');
    expect(Number(summary!.alert_sum)).toBe(alerts.length);
    const lines = await sql<{ line_id: string; employee: string | null; team: string | null }>(`SELECT DISTINCT line_id, employee, team FROM ${parquet(dir, 'messages')} ORDER BY line_id`);
    expect(lines).toEqual([
      { line_id: '106540352242922', employee: 'Ana Souza', team: 'ventas' },
      { line_id: '106540352242923', employee: 'Bruno Lima', team: 'ventas' },
      { line_id: '106540352242924', employee: 'Carla Gómez', team: 'soporte' },
    ]);
  });

  it('writes every status event of the archived messages, in the partition of the message’s day', async () => {
    const table = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
    try {
      const archived = new Map((await cliJson<MessageJson>('messages', '--json')).map((message) => [message.id, message]));
      const statuses = (
        await allPages((startKey) =>
          table.send(new ScanCommand({ TableName: stack.stack.info.table, FilterExpression: 'entity = :status', ExpressionAttributeValues: { ':status': 'status' }, ExclusiveStartKey: startKey })),
        )
      ).filter((item) => archived.has(item.messageId));
      expect(statuses.length).toBeGreaterThan(0);
      const rows = await sql<{ message_id: string; status: string; at_ms: string; dt: string }>(
        `SELECT message_id, status, epoch_ms(status_at)::VARCHAR AS at_ms, dt::VARCHAR AS dt FROM ${parquet(dir, 'statuses')}`,
      );
      const key = (id: string, status: string, ms: number) => `${id} ${status} ${ms}`;
      expect(rows.map((row) => key(row.message_id, row.status, Number(row.at_ms))).sort()).toEqual(
        statuses.map((item) => key(item.messageId, item.status, Date.parse(item.timestamp))).sort(),
      );
      for (const row of rows) expect(row.dt).toBe(archived.get(row.message_id)!.timestamp.slice(0, 10));
    } finally {
      table.destroy();
    }
  });

  it('writes every alert and every media item, in the partition of their creation day', async () => {
    const alerts = await cliJson<{ id: string; createdAt: string; status: string; policyId: string }>('alerts', '--json');
    expect(alerts.length).toBeGreaterThan(0);
    const alertRows = await sql<{ alert_id: string; created_ms: string; dt: string; status: string; policy_id: string }>(
      `SELECT alert_id, epoch_ms(created_at)::VARCHAR AS created_ms, dt::VARCHAR AS dt, status, policy_id FROM ${parquet(dir, 'alerts')}`,
    );
    expect(alertRows.map((row) => row.alert_id).sort()).toEqual(alerts.map((alert) => alert.id).sort());
    for (const row of alertRows) {
      const alert = alerts.find((a) => a.id === row.alert_id)!;
      expect([Number(row.created_ms), row.dt, row.status, row.policy_id]).toEqual([Date.parse(alert.createdAt), alert.createdAt.slice(0, 10), alert.status, alert.policyId]);
    }

    const media = await cliJson<{ mediaId: string; createdAt: string; size: number | null; state: string; sniffedMime: string | null }>('media', '--json');
    expect(media.length).toBeGreaterThan(0);
    const mediaRows = await sql<{ media_id: string; dt: string; size_bytes: string | null; state: string; sniffed_mime: string | null }>(
      `SELECT media_id, dt::VARCHAR AS dt, size_bytes::VARCHAR AS size_bytes, state, sniffed_mime FROM ${parquet(dir, 'media')}`,
    );
    expect(mediaRows.map((row) => row.media_id).sort()).toEqual(media.map((item) => item.mediaId).sort());
    for (const row of mediaRows) {
      const item = media.find((m) => m.mediaId === row.media_id)!;
      expect([row.dt, row.size_bytes === null ? null : Number(row.size_bytes), row.state, row.sniffed_mime]).toEqual([item.createdAt.slice(0, 10), item.size, item.state, item.sniffedMime]);
    }
  });

  it('re-exporting rewrites each day in place: same rows, one file per table and day, a day that became empty loses its file', async () => {
    const client = s3();
    const countAll = async () =>
      Promise.all(EXPORT_TABLE_NAMES.map(async (table) => (await sql<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM ${parquet(dir, table)}`))[0]!.n));
    try {
      const before = await countAll();
      // A stale file on a day with no traffic (as if its rows had gone): the re-export deletes it.
      const stale = `exports/messages/dt=${EMPTY_DAY}/data.parquet`;
      await client.send(new PutObjectCommand({ Bucket: 'vigia-analytics', Key: stale, Body: 'stale' }));
      await downloadExports(client, 'vigia-analytics', dir);
      expect(existsSync(join(dir, stale))).toBe(true);
      const again = await cli('export', '--since', OLD_DAY, '--download', dir);
      expect(again[0]).toContain(`exported 5 days (${OLD_DAY} … ${TODAY})`);
      expect(again[0]).toContain('(since)');
      expect(again[1]).toMatch(/ 1 removed\)$/);
      expect(existsSync(join(dir, stale))).toBe(false);
      expect(await countAll()).toEqual(before);

      const keys = await listKeys(client, 'vigia-analytics', 'exports/');
      expect(keys).not.toContain(stale);
      for (const key of keys) expect(key).toMatch(/^exports\/(messages|statuses|alerts|media)\/dt=\d{4}-\d{2}-\d{2}\/data\.parquet$/);
      const folders = keys.map((key) => key.slice(0, key.lastIndexOf('/')));
      expect(new Set(folders).size).toBe(keys.length);

      const counts = await sql<{ n: string }>(`SELECT count(*)::VARCHAR AS n, count(DISTINCT message_id)::VARCHAR AS ids FROM ${parquet(dir, 'messages')}`);
      expect(counts[0]).toEqual({ n: String((await cliJson('messages', '--json')).length), ids: String((await cliJson('messages', '--json')).length) });
    } finally {
      client.destroy();
    }
  });

  it('exports the text only when analytics.includeText is set', async () => {
    const client = s3();
    const table = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
    try {
      const config = loadVigiaConfig();
      const deps = { source: new DynamoDbAnalyticsSource(table, stack.stack.info.table), store: new S3AnalyticsStore(client, 'vigia-analytics') };
      await runExport({ ...deps, config: { ...config, analytics: { ...config.analytics, includeText: true } } }, { since: RECENT_DAY });
      const withText = join(work, 'with-text');
      await downloadExports(client, 'vigia-analytics', withText);
      const archived = (await cliJson<MessageJson>('messages', '--json')).filter((message) => message.timestamp.startsWith(RECENT_DAY) && message.text);
      const rows = await sql<{ message_id: string; text: string }>(`SELECT message_id, text FROM ${parquet(withText, 'messages')} WHERE dt = '${RECENT_DAY}' AND text IS NOT NULL`);
      expect(rows.length).toBe(archived.length);
      for (const row of rows) expect(row.text).toBe(archived.find((message) => message.id === row.message_id)!.text);

      // The default config again: the day is rewritten without text.
      await cli('export', '--since', RECENT_DAY, '--download', withText);
      const [left] = await sql<{ n: string }>(`SELECT count(text)::VARCHAR AS n FROM ${parquet(withText, 'messages')}`);
      expect(left!.n).toBe('0');
    } finally {
      client.destroy();
      table.destroy();
    }
  });

  it('keeps a watermark outside the tables and, without --since, re-exports from the lookback before the last run', async () => {
    const client = s3();
    try {
      const store = new S3AnalyticsStore(client, 'vigia-analytics');
      const watermark = await store.readJson<ExportWatermark>(EXPORT_WATERMARK_KEY);
      expect(watermark).toMatchObject({ schemaVersion: EXPORT_SCHEMA_VERSION, lastDay: TODAY });
      const lines = await cli('export');
      const lookback = loadVigiaConfig().analytics.lookbackDays;
      expect(lines[0]).toContain(`(${addDays(TODAY, -lookback)} … ${TODAY})`);
      expect(lines[0]).toContain('(incremental)');
    } finally {
      client.destroy();
    }
  });

  it('--download mirrors the bucket’s exports/ tree, and fetches nothing again when it is current', async () => {
    const target = join(work, 'mirror');
    const lines = await cli('export', '--since', TODAY, '--download', target);
    const client = s3();
    try {
      const keys = (await listKeys(client, 'vigia-analytics', 'exports/')).sort();
      const files = (readdirSync(join(target, 'exports'), { recursive: true }) as string[])
        .map((file) => join(target, 'exports', file))
        .filter((file) => file.endsWith('.parquet'))
        .map((file) => relative(target, file))
        .sort();
      expect(files).toEqual(keys);
      expect(lines[1]).toMatch(new RegExp(`^downloaded ${keys.length} file\\(s\\), .* \\(0 unchanged, 0 removed\\)$`));
      // Today's files are rewritten with the same rows: the same bytes, so nothing to fetch.
      const second = await cli('export', '--since', TODAY, '--download', target);
      expect(second[1]).toMatch(new RegExp(`^downloaded 0 file\\(s\\), 0 B, to .* \\(${keys.length} unchanged, 0 removed\\)$`));
      expect(existsSync(join(target, 'exports', 'messages', `dt=${RECENT_DAY}`, 'data.parquet'))).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

describe('the analytics-export function handler (as the schedule and `vigia export --stage` invoke it)', () => {
  // The local stack set the function environment (table, endpoints, inlined config) at start.
  const invoke = async (event: unknown) => {
    process.env.ANALYTICS_BUCKET = stack.stack.info.analyticsBucket;
    const { handler } = await import('../../functions/analytics-export/handler');
    return (handler as unknown as (event: unknown, context: unknown) => Promise<RunExportResult>)(event, lambdaContext('vigia-analytics-export'));
  };

  it('exports the days asked for with {since} and returns the per-table counts', async () => {
    const result = await invoke({ since: RECENT_DAY });
    expect(result).toMatchObject({ mode: 'since', days: [RECENT_DAY, TODAY] });
    expect(result.tables.messages.rows).toBeGreaterThan(0);
  });

  it('runs the incremental export for an EventBridge scheduled event', async () => {
    const result = await invoke({ version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), resources: [], detail: {} });
    expect(result.mode).toBe('incremental');
    expect(result.days.at(-1)).toBe(TODAY);
  });

  it('fails on a payload whose since is not a day', async () => {
    await expect(invoke({ since: 'last week' })).rejects.toThrow('must be a day like 2026-11-01');
  });
});

describe('vigia export, unhappy paths', () => {
  it.each([
    [['--since', '2026-13-01'], '--since must be a day like 2026-11-01, got "2026-13-01"'],
    [['--since', 'yesterday'], '--since must be a day like 2026-11-01, got "yesterday"'],
    [['--since', addDays(TODAY, 2)], `--since ${addDays(TODAY, 2)} is after today`],
    [['--download', ''], '--download needs a folder'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with a usage error (exit 2)', async (args, message) => {
    const { message: got, exitCode } = await failure('export', ...args);
    expect(got).toContain(message);
    expect(got).not.toContain('\n');
    expect(exitCode).toBe(2);
  });

  it('fails in one line (exit 1) when the local stack is not running', async () => {
    const previous = process.env.VIGIA_DATA_DIR;
    const empty = mkdtempSync(join(tmpdir(), 'vigia-no-stack-'));
    process.env.VIGIA_DATA_DIR = empty;
    try {
      const { message, exitCode } = await failure('export');
      expect(message).toContain('the local stack is not running');
      expect(exitCode).toBe(1);
    } finally {
      process.env.VIGIA_DATA_DIR = previous;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('fails in one line (exit 1) when --download points at a file', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const { message, exitCode } = await failure('export', '--since', TODAY, '--download', file);
    expect(message).toMatch(/^cannot write the export to /);
    expect(exitCode).toBe(1);
  });
});
