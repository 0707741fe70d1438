import { spawn } from 'node:child_process';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { ALERT_STATUS_SHARDS, alertStatusPartition, dayPartitions, INDEX_SHARDS, mediaStatePartitions } from '../../shared/resources/index-shards';
import { MIGRATION_KEY } from '../../shared/resources/migrate-index-shards';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { repoRoot } from '../helpers/paths';
import { lineWebhook } from '../helpers/webhooks';

/*
 * The write-sharded `byDay`, `byMediaState` and `byAlertStatus` indexes (issue 19): listings (and
 * the console's alert queue, paged) read every shard and
 * the keys written before sharding, so they return the same before, during and after the backfill,
 * and the backfill (`vigia migrate index-shards`) resumes after a kill -9.
 */

let stack: TestStack;
let db: DynamoDBDocumentClient;
let table: string;
const today = new Date().toISOString().slice(0, 10);
beforeAll(async () => {
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  delete process.env.VIGIA_CONFIG;
  db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
  table = stack.stack.info.table;
  const now = Math.floor(Date.now() / 1000);
  const messages = Array.from({ length: 60 }, (_, i) =>
    i % 10 === 0
      ? { from: '5511981110000', id: `wamid.shard-${i}`, timestamp: String(now - 600 + i), type: 'document', document: { id: `shard-media-${i}`, mime_type: 'application/pdf', filename: 'x.pdf' } }
      : { from: `55119811${String(i).padStart(5, '0')}`, id: `wamid.shard-${i}`, timestamp: String(now - 600 + i), type: 'text', text: { body: i % 4 === 1 ? `a senha é ${i}` : `mensagem ${i}` } },
  );
  for (let start = 0; start < messages.length; start += 20) {
    expect((await stack.post(lineWebhook('messages', { messages: messages.slice(start, start + 20) }))).status).toBe(200);
  }
  await stack.stack.drained();
});
afterAll(async () => {
  db?.destroy();
  await stack.stop();
});

interface AlertLine {
  id: string;
  status: string;
}
/** `vigia alerts`: every alert, oldest first, and those of each status. */
const alertsListed = async () => ({
  all: (await cliJson<AlertLine>('alerts', '--json')).map((alert) => `${alert.id}:${alert.status}`),
  open: (await cliJson<AlertLine>('alerts', '--status', 'open', '--json')).map((alert) => alert.id),
  resolved: (await cliJson<AlertLine>('alerts', '--status', 'resolved', '--json')).map((alert) => alert.id),
});
/** The console's queue, three at a time, newest and oldest first (and a filtered one), with its counts. */
async function queue() {
  const repository = new DynamoDbAlertRepository(db, table);
  const walk = async (order: 'newest' | 'oldest', statuses?: ('open' | 'acknowledged' | 'resolved')[]) => {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await repository.page({ order, limit: 3, after, statuses, severities: ['high'], team: 'ventas', policyId: 'confidential-terms' });
      ids.push(...page.alerts.map((alert) => alert.id));
      after = page.next;
    } while (after);
    return ids;
  };
  return { newest: await walk('newest'), oldest: await walk('oldest'), open: await walk('newest', ['open']), counts: await repository.countByStatus({ team: 'ventas' }) };
}
const listed = async () => (await cliJson<{ id: string }>('messages', '--since', today, '--json')).map((message) => message.id);
const media = async () => (await cliJson<{ mediaId: string; state: string }>('media', '--json')).map((item) => `${item.mediaId}:${item.state}`).sort();

/** Every index key of the items, as the table holds them. */
async function indexKeys(): Promise<{ day: string[]; mediaState: string[]; alertStatus: string[] }> {
  const items = (await db.send(new ScanCommand({ TableName: table, FilterExpression: 'attribute_exists(dayPk) OR attribute_exists(mediaStatePk) OR attribute_exists(alertStatusPk)' }))).Items ?? [];
  const values = (attribute: string) => items.flatMap((item) => (item[attribute] ? [String(item[attribute])] : []));
  return { day: values('dayPk'), mediaState: values('mediaStatePk'), alertStatus: values('alertStatusPk') };
}

describe('write-sharded time and state indexes', () => {
  let before: string[];
  let mediaBefore: string[];
  let alertsBefore: Awaited<ReturnType<typeof alertsListed>>;
  let queueBefore: Awaited<ReturnType<typeof queue>>;

  it('spreads a day’s messages over the shards, and lists them all', async () => {
    const { day, mediaState } = await indexKeys();
    expect(day).toHaveLength(60);
    expect(day.every((key) => dayPartitions(today).slice(1).includes(key))).toBe(true);
    expect(new Set(day).size).toBeGreaterThan(INDEX_SHARDS / 2);
    expect(mediaState.every((key) => /^MEDIA_STATE#[a-z]+#\d{2}$/.test(key))).toBe(true);
    before = await listed();
    expect(before).toHaveLength(60);
    expect(before).toEqual([...before].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
    mediaBefore = await media();
    expect(mediaBefore).toHaveLength(6);
  });

  it('spreads the alert statuses over their shards, and lists and pages them all', async () => {
    // 15 messages name a confidential term: an alert each; some acknowledged, some resolved.
    const opened = await cliJson<AlertLine & { policyId: string }>('alerts', '--json');
    const ids = opened.filter((alert) => alert.policyId === 'confidential-terms').map((alert) => alert.id);
    expect(ids).toHaveLength(15);
    for (const id of ids.slice(0, 4)) await cli('alerts', 'ack', id, '--by', 'Carla Lima');
    for (const id of ids.slice(4, 8)) await cli('alerts', 'resolve', id, '--by', 'Carla Lima');
    const keys = new Map(((await db.send(new ScanCommand({ TableName: table, FilterExpression: 'attribute_exists(alertStatusPk)' }))).Items ?? []).map((item) => [String(item.id), String(item.alertStatusPk)]));
    for (const alert of await cliJson<AlertLine>('alerts', '--json')) expect(keys.get(alert.id)).toBe(alertStatusPartition(alert.status, alert.id));
    expect(new Set([...keys.values()].map((key) => key.slice(-2))).size).toBeGreaterThan(ALERT_STATUS_SHARDS / 2);
    alertsBefore = await alertsListed();
    expect(alertsBefore.open.length).toBeGreaterThanOrEqual(7);
    expect(alertsBefore.resolved.length).toBeGreaterThanOrEqual(4);
    queueBefore = await queue();
    expect(queueBefore.newest).toHaveLength(15);
    expect(queueBefore.oldest).toEqual([...queueBefore.newest].reverse());
    expect(queueBefore.open).toHaveLength(7);
    expect(queueBefore.counts).toEqual({ open: alertsBefore.open.length, acknowledged: 4, resolved: alertsBefore.resolved.length });
  });

  it('lists the same with the keys of an archive written before sharding, and the backfill resumes after kill -9', async () => {
    // As an older version wrote them: the bare day, state and alert status keys.
    const items = (await db.send(new ScanCommand({ TableName: table, FilterExpression: 'attribute_exists(dayPk) OR attribute_exists(mediaStatePk) OR attribute_exists(alertStatusPk)' }))).Items ?? [];
    for (const item of items) {
      const attribute = item.dayPk ? 'dayPk' : item.mediaStatePk ? 'mediaStatePk' : 'alertStatusPk';
      const bare = String(item[attribute]).replace(/#\d{2}$/, '');
      await db.send(new UpdateCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: { '#a': attribute }, ExpressionAttributeValues: { ':v': bare } }));
    }
    expect((await indexKeys()).day.every((key) => key === `DAY#${today}`)).toBe(true);
    expect((await indexKeys()).alertStatus.every((key) => /^ALERT_STATUS#[a-z]+$/.test(key))).toBe(true);
    // …and as it was before any migration (the local stack migrates its table at start) and before day markers.
    await db.send(new DeleteCommand({ TableName: table, Key: MIGRATION_KEY }));
    await db.send(new DeleteCommand({ TableName: table, Key: { pk: 'DAYS', sk: today } }));
    expect(await cliJson('messages', '--json')).toEqual([]);
    expect(await listed()).toEqual(before);
    expect(await media()).toEqual(mediaBefore);
    expect(await alertsListed()).toEqual(alertsBefore);
    expect(await queue()).toEqual(queueBefore);

    // The backfill in a process of its own, five items a page, killed once it has finished a page.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./cli/main.ts').then((m) => m.run(['migrate', 'index-shards']))"], {
      cwd: repoRoot,
      env: { ...process.env, VIGIA_DATA_DIR: stack.dataDir, VIGIA_MIGRATE_PAGE_SIZE: '5' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await expect
      .poll(async () => Number((await db.send(new GetCommand({ TableName: table, Key: MIGRATION_KEY, ConsistentRead: true }))).Item?.scanned ?? 0), { timeout: 20_000, interval: 20 })
      .toBeGreaterThan(0);
    child.kill('SIGKILL');
    await exited;
    const interrupted = (await db.send(new GetCommand({ TableName: table, Key: MIGRATION_KEY, ConsistentRead: true }))).Item!;
    expect(interrupted.done).toBe(false);
    // Mid-way, half old keys and half new: the listing is still whole.
    expect(await listed()).toEqual(before);
    expect(await alertsListed()).toEqual(alertsBefore);
    expect(await queue()).toEqual(queueBefore);

    const [line] = await cli('migrate', 'index-shards');
    // Rewrites of the page the kill interrupted are done again (and not counted again: they no longer match).
    expect(line).toMatch(/index keys sharded — \d+ rewritten of \d+ items scanned \(in all runs\)$/);
    const { day, mediaState, alertStatus } = await indexKeys();
    expect(day.some((key) => key === `DAY#${today}`)).toBe(false);
    expect(mediaState.every((key) => /#\d{2}$/.test(key))).toBe(true);
    expect(alertStatus.every((key) => /^ALERT_STATUS#[a-z]+#\d{2}$/.test(key) && Number(key.slice(-2)) < ALERT_STATUS_SHARDS)).toBe(true);
    expect(await listed()).toEqual(before);
    expect(await media()).toEqual(mediaBefore);
    expect(await alertsListed()).toEqual(alertsBefore);
    expect(await queue()).toEqual(queueBefore);
    // The day is marked again: the listing without filters finds it, without a Scan; --limit keeps the newest.
    expect((await cliJson<{ id: string }>('messages', '--json')).map((message) => message.id)).toEqual(before);
    expect((await cliJson<{ id: string }>('messages', '--limit', '5', '--json')).map((message) => message.id)).toEqual(before.slice(-5));
    // Nothing left in the bare partitions; a second run has nothing to do.
    const bare = await db.send(new QueryCommand({ TableName: table, IndexName: 'byDay', KeyConditionExpression: 'dayPk = :pk', ExpressionAttributeValues: { ':pk': `DAY#${today}` } }));
    expect(bare.Items).toEqual([]);
    expect(await cli('migrate', 'index-shards')).toEqual([line]);
    expect(mediaStatePartitions('pending')[0]).toBe('MEDIA_STATE#pending');
  });
});
