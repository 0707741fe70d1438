import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_SCHEMA_VERSION, EXPORT_WATERMARK_KEY } from '../../shared/analytics/export-schema';
import { createS3Client } from '../../shared/platform/clients';
import { defaultSince, OVERVIEW_DEFAULT_WEEKS, OVERVIEW_QUERIES, type OverviewJson } from '../../shared/console/overview';
import { DuckDbQueryEngine } from '../../shared/analytics/adapters/duckdb-engine';
import { QUERIES_DIR } from '../../shared/analytics/named-queries';
import { collectOverview, inlinedQueries } from '../../shared/analytics/overview-source';
import { writeExport, type AlertRow, type MessageRow } from '../analytics/fixtures';
import { startTestStack, type TestStack } from '../helpers/local-stack';

/**
 * `GET /api/overview` on the real local stack: a hand-built export (Parquet, as `vigia export`
 * lays it out) uploaded to the stack's analytics bucket, queried by the console API with DuckDB.
 * The repository's vigia.config.yaml: Carla manages ventas, Diego soporte, Olivia is the officer.
 */
const PASSWORD = 'overview-test-password';
const CARLA = 'carla@example.com';
const DIEGO = 'diego@example.com';
const OLIVIA = 'olivia@example.com';

const ANA = { line_id: '106540352242922', employee: 'Ana Souza', team: 'ventas' };
const CARLA_GOMEZ = { line_id: '106540352242924', employee: 'Carla Gómez', team: 'soporte' };
const UNLISTED = { line_id: '106540352242999', employee: null, team: null };

let counter = 0;
function message(line: { line_id: string; employee: string | null; team: string | null }, direction: 'inbound' | 'outbound', sent_at: string, sentiment: string | null = null): MessageRow {
  return { message_id: `wamid.OV${++counter}`, ...line, contact_id: '5511900000001', direction, source: 'cloud_api', type: 'text', sent_at, sentiment } as MessageRow;
}
function alert(line: { line_id: string; employee: string | null; team: string | null }, policy_id: string, severity: string, created_at: string): AlertRow {
  return { alert_id: `al${++counter}`, message_id: `wamid.A${counter}`, ...line, policy_id, kind: 'keyword', severity, status: 'open', created_at } as AlertRow;
}

const MESSAGES: MessageRow[] = [
  message(ANA, 'inbound', '2026-11-23T09:00:00Z', 'NEGATIVE'),
  message(ANA, 'outbound', '2026-11-23T09:01:00Z', 'POSITIVE'),
  message(CARLA_GOMEZ, 'inbound', '2026-11-24T10:00:00Z', 'NEUTRAL'),
  message(CARLA_GOMEZ, 'outbound', '2026-11-24T10:00:30Z'),
  message(UNLISTED, 'inbound', '2026-11-25T11:00:00Z', 'MIXED'),
  message(UNLISTED, 'outbound', '2026-11-25T11:00:05Z'),
];
const ALERTS: AlertRow[] = [
  alert(ANA, 'confidential-terms', 'high', '2026-11-23T09:00:01Z'),
  alert(CARLA_GOMEZ, 'leak-patterns', 'high', '2026-11-24T10:00:01Z'),
  alert(UNLISTED, 'leak-patterns', 'high', '2026-11-25T11:00:01Z'),
];

let stack: TestStack;
const tokens: Record<string, string> = {};
const url = (path: string) => `${stack.stack.info.url}${path}`;

beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_CONFIG: 'vigia.config.yaml', VIGIA_DEV_PASSWORD: PASSWORD } });
  for (const email of [CARLA, DIEGO, OLIVIA]) {
    const response = await fetch(url('/auth/local/sign-in'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    tokens[email] = ((await response.json()) as { idToken: string }).idToken;
  }
});
afterAll(async () => {
  await stack?.stop();
});

const get = (email: string, path: string) => fetch(url(path), { headers: { authorization: `Bearer ${tokens[email]}` } });
async function overview(email: string, query = ''): Promise<OverviewJson> {
  const response = await get(email, `/api/overview${query}`);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as OverviewJson;
}

/** Writes the fixture as Parquet and uploads it, and a watermark, to the stack's analytics bucket (what `vigia export` does). */
async function uploadExport(exportedAt: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-overview-export-'));
  const s3 = createS3Client(stack.stack.info.s3Endpoint);
  try {
    await writeExport(dir, { messages: MESSAGES, alerts: ALERTS });
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.parquet'));
    for (const file of files) {
      await s3.send(new PutObjectCommand({ Bucket: stack.stack.info.analyticsBucket, Key: `exports/${relative(dir, join(dir, file))}`, Body: readFileSync(join(dir, file)) }));
    }
    const watermark = { schemaVersion: EXPORT_SCHEMA_VERSION, exportedAt, firstDay: '2026-11-23', lastDay: '2026-11-25' };
    await s3.send(new PutObjectCommand({ Bucket: stack.stack.info.analyticsBucket, Key: EXPORT_WATERMARK_KEY, Body: JSON.stringify(watermark), ContentType: 'application/json' }));
  } finally {
    s3.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GET /api/overview', () => {
  it('answers an empty overview that says nothing was exported yet', async () => {
    const body = await overview(CARLA);
    expect(body).toEqual({
      since: defaultSince(new Date()),
      generatedAt: expect.any(String),
      status: 'no-export',
      exportedAt: null,
      teams: ['ventas'],
      alertsByPolicyWeek: [],
      firstResponseTime: [],
      sentimentByTeamWeek: [],
    });
    // The default: the Monday 11 weeks before this week's, 12 whole weeks.
    const since = new Date(`${body.since}T00:00:00Z`);
    expect(since.getUTCDay()).toBe(1);
    expect((Date.now() - since.getTime()) / 86_400_000).toBeGreaterThanOrEqual((OVERVIEW_DEFAULT_WEEKS - 1) * 7);
    expect((Date.now() - since.getTime()) / 86_400_000).toBeLessThan(OVERVIEW_DEFAULT_WEEKS * 7);
  });

  it('refuses a bad since or an unknown parameter with a 400 that says why', async () => {
    for (const [query, message] of [
      ['?since=30/11/2026', 'parameter since must be a day like 2026-11-01, got "30/11/2026"'],
      ['?since=2026-02-30', 'parameter since must be a day like 2026-11-01, got "2026-02-30"'],
      ['?since=2999-01-01', 'parameter since must not be in the future, got 2999-01-01'],
      ['?team=soporte', 'unknown parameter team (GET /api/overview takes since=YYYY-MM-DD only)'],
    ]) {
      const response = await get(CARLA, `/api/overview${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad_request', message });
    }
  });

  it('needs a signed-in person', async () => {
    expect((await fetch(url('/api/overview'))).status).toBe(401);
  });

  describe('over an export', () => {
    const SINCE = '?since=2026-11-01';
    beforeAll(async () => {
      await uploadExport('2026-11-26T12:00:00.000Z');
    });

    it('gives a manager the rows of their teams only', async () => {
      const body = await overview(CARLA, SINCE);
      expect(body).toMatchObject({ since: '2026-11-01', status: 'ok', exportedAt: '2026-11-26T12:00:00.000Z', teams: ['ventas'] });
      expect(body.alertsByPolicyWeek).toEqual([{ week: '2026-11-23', policy_id: 'confidential-terms', severity: 'high', team: 'ventas', alerts: 1 }]);
      expect(body.firstResponseTime).toEqual([{ employee: 'Ana Souza', team: 'ventas', median_seconds: 60, p90_seconds: 60, conversations: 1 }]);
      expect(body.sentimentByTeamWeek).toEqual([
        { week: '2026-11-23', team: 'ventas', sentiment: 'NEGATIVE', messages: 1 },
        { week: '2026-11-23', team: 'ventas', sentiment: 'POSITIVE', messages: 1 },
      ]);
      const diego = await overview(DIEGO, SINCE);
      expect(diego.teams).toEqual(['soporte']);
      expect(diego.alertsByPolicyWeek.map((row) => row.team)).toEqual(['soporte']);
      expect(diego.firstResponseTime.map((row) => row.employee)).toEqual(['Carla Gómez']);
      expect(diego.sentimentByTeamWeek).toEqual([{ week: '2026-11-23', team: 'soporte', sentiment: 'NEUTRAL', messages: 1 }]);
    });

    it('gives an officer every team, and the lines without one', async () => {
      const body = await overview(OLIVIA, SINCE);
      expect(body.teams).toBeNull();
      expect(body.alertsByPolicyWeek.map((row) => [row.policy_id, row.team])).toEqual([
        ['confidential-terms', 'ventas'],
        ['leak-patterns', 'soporte'],
        ['leak-patterns', null],
      ]);
      expect(body.firstResponseTime.map((row) => row.employee)).toEqual([UNLISTED.line_id, 'Ana Souza', 'Carla Gómez']);
      expect(body.sentimentByTeamWeek.reduce((sum, row) => sum + row.messages, 0)).toBe(4);
    });

    it('counts from since on', async () => {
      const body = await overview(OLIVIA, '?since=2026-11-25');
      expect(body.alertsByPolicyWeek).toEqual([{ week: '2026-11-23', policy_id: 'leak-patterns', severity: 'high', team: null, alerts: 1 }]);
      expect(body.firstResponseTime.map((row) => row.employee)).toEqual([UNLISTED.line_id]);
    });

    it('reuses an answer for a few minutes: the same since gives the same numbers and generatedAt', async () => {
      const first = await overview(DIEGO, SINCE);
      const again = await overview(DIEGO, SINCE);
      expect(again).toEqual(first);
      // …and the answer cached while nothing was exported stays until it expires.
      expect((await overview(CARLA)).status).toBe('no-export');
    });
  });
});

describe('the overview queries inlined in the console API bundle', () => {
  // infra/constructs/manager-console.ts inlines the same texts (test/infra/console.test.ts checks them).
  it('give what the .sql files give', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-overview-inlined-'));
    try {
      await writeExport(dir, { messages: MESSAGES, alerts: ALERTS });
      const engine = await DuckDbQueryEngine.open(dir);
      try {
        const fromFiles = await collectOverview(engine, '2026-11-01');
        expect(fromFiles.firstResponseTime).toHaveLength(3);
        expect(await collectOverview(engine, '2026-11-01', { queries: inlinedQueries(JSON.stringify(Object.fromEntries(OVERVIEW_QUERIES.map((name) => [name, readFileSync(join(QUERIES_DIR, `${name}.sql`), 'utf8')])))) })).toEqual(fromFiles);
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
