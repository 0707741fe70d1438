import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { PutCommand, ScanCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALERT_STATUSES, DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import type { AlertFilter } from '../../shared/compliance/ports/alert-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { ensureTable } from '../../shared/resources/local-provisioning';
import { ARCHIVE_TABLE, includedAttributes } from '../../shared/resources/definitions';
import { ALERT_STATUS_SHARDS, alertStatusPartition, alertStatusPartitions } from '../../shared/resources/index-shards';
import { MIGRATION_KEY, migrateIndexShards } from '../../shared/resources/migrate-index-shards';
import type { SentimentPolicy } from '../../shared/config/vigia-config';
import { alertId, alertsFrom } from '../../shared/compliance/alerts';
import { sentimentHits } from '../../shared/compliance/policies/sentiment';
import type { Alert, AlertStatus, CheckResults, MessageContext, SentimentResult, Severity } from '../../shared/compliance/model';

const angry: SentimentPolicy = { id: 'angry-conversation', kind: 'sentiment', severity: 'low', direction: 'both', sentiment: 'NEGATIVE', minScore: 0.8 };
const result = (sentiment: SentimentResult['sentiment'], negative: number): SentimentResult => ({
  sentiment,
  scores: { Positive: 0.01, Negative: negative, Neutral: 0.99 - negative, Mixed: 0 },
  languageCode: 'pt',
  analyzer: 'comprehend',
});
const NOW = '2025-06-01T12:00:00.000Z';
const context: MessageContext = {
  messageId: 'wamid.HBgLNTUxMTk5OTk5MDAwMBUCABIYFDNBMEY',
  lineId: '106540352242922',
  employee: 'Ana Souza',
  team: 'ventas',
  contactId: '5511988887777',
  direction: 'outbound',
  source: 'cloud_api',
  type: 'document',
  timestamp: '2025-06-01T11:59:58.000Z',
};

/** The archive table on a listening dynalite, holding `alerts` created through the repository. */
async function alertTableOn(server: ReturnType<typeof dynalite>, table: string, alerts: Alert[]) {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const db = createDynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await ensureTable(db, table);
  const repository = new DynamoDbAlertRepository(db, table);
  for (const alert of alerts) expect(await repository.create(alert)).toBe(true);
  return { db, repository };
}

/**
 * Every page of a filter, `limit` alerts at a time, as `<created>#<id>` positions. Each page is at
 * most `limit` long and its cursor is its last alert's sort key: the next page goes on from it, in
 * every shard.
 */
async function walkPages(repository: DynamoDbAlertRepository, filter: AlertFilter & { order: 'newest' | 'oldest' }, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  do {
    const page = await repository.page({ ...filter, limit, after });
    expect(page.alerts.length).toBeLessThanOrEqual(limit);
    seen.push(...page.alerts.map((alert) => `${alert.createdAt}#${alert.id}`));
    if (page.next) expect(page.next).toBe(seen[seen.length - 1]);
    after = page.next;
  } while (after);
  return seen;
}

describe('sentimentHits', () => {
  it('hits when the label matches and its score reaches the minimum', () => {
    expect(sentimentHits([angry], result('NEGATIVE', 0.93), { direction: 'inbound' })).toEqual([{ policyId: 'angry-conversation', severity: 'low', sentiment: 'NEGATIVE', score: 0.93 }]);
    expect(sentimentHits([angry], result('NEGATIVE', 0.8), { direction: 'inbound' })).toHaveLength(1);
  });

  it('does not hit below the minimum score, for another label, or out of scope', () => {
    expect(sentimentHits([angry], result('NEGATIVE', 0.79), { direction: 'inbound' })).toEqual([]);
    expect(sentimentHits([angry], result('NEUTRAL', 0.9), { direction: 'inbound' })).toEqual([]);
    expect(sentimentHits([{ ...angry, teams: ['ventas'] }], result('NEGATIVE', 0.95), { direction: 'inbound', team: 'soporte' })).toEqual([]);
  });
});

describe('alertId', () => {
  it('is deterministic per message and policy, and differs across them', () => {
    const id = alertId('wamid.1', 'leak-patterns');
    expect(id).toMatch(/^al_[0-9a-f]{20}$/);
    expect(alertId('wamid.1', 'leak-patterns')).toBe(id);
    expect(alertId('wamid.1', 'confidential-terms')).not.toBe(id);
    expect(alertId('wamid.2', 'leak-patterns')).not.toBe(id);
    expect(alertId('wamid.1l', 'eak-patterns')).not.toBe(id);
  });
});

describe('alertsFrom', () => {
  const results: CheckResults = {
    keyword: { hits: [{ policyId: 'confidential-terms', severity: 'high', matched: 'senha', excerpt: 'a senha é…' }] },
    file: {
      facts: { state: 'stored', filename: 'foto.jpg', extension: 'jpg', declaredMime: 'image/jpeg', sniffedMime: 'application/zip', size: 4096 },
      hits: [{ policyId: 'no-spreadsheets', severity: 'medium', reasons: ['declared image/jpeg but the bytes are application/zip'] }],
    },
    sentiment: { result: result('NEGATIVE', 0.91), hits: [{ policyId: 'angry-conversation', severity: 'low', sentiment: 'NEGATIVE', score: 0.91 }] },
  };

  it('builds one open alert per hit with its evidence', () => {
    const alerts = alertsFrom(context, results, NOW);
    expect(alerts).toEqual([
      {
        id: alertId(context.messageId, 'confidential-terms'),
        messageId: context.messageId,
        lineId: '106540352242922',
        employee: 'Ana Souza',
        team: 'ventas',
        contactId: '5511988887777',
        policyId: 'confidential-terms',
        kind: 'keyword',
        severity: 'high',
        evidence: { matched: 'senha', excerpt: 'a senha é…' },
        status: 'open',
        history: [{ status: 'open', by: 'vigia', at: NOW }],
        createdAt: NOW,
      },
      expect.objectContaining({
        policyId: 'no-spreadsheets',
        kind: 'file',
        severity: 'medium',
        evidence: { reasons: ['declared image/jpeg but the bytes are application/zip'], extension: 'jpg', declaredMime: 'image/jpeg', sniffedMime: 'application/zip', size: 4096 },
      }),
      expect.objectContaining({
        policyId: 'angry-conversation',
        kind: 'sentiment',
        evidence: { sentiment: 'NEGATIVE', score: 0.91, languageCode: 'pt', analyzer: 'comprehend' },
      }),
    ]);
  });

  it('gives the same ids however often the flow runs, one per (message, policy)', () => {
    const first = alertsFrom(context, results, NOW).map((alert) => alert.id);
    const again = alertsFrom(context, results, '2025-06-02T00:00:00.000Z').map((alert) => alert.id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(3);
    const doubled: CheckResults = { keyword: { hits: [...results.keyword!.hits, { policyId: 'confidential-terms', severity: 'high', matched: 'confidencial', excerpt: '…' }] } };
    expect(alertsFrom(context, doubled, NOW)).toHaveLength(1);
  });

  it('leaves out what the message does not have (no undefined values for DynamoDB)', () => {
    const bare: MessageContext = { messageId: 'wamid.2', lineId: '999', direction: 'inbound', source: 'cloud_api', type: 'text', timestamp: NOW };
    const [alert] = alertsFrom(bare, { file: { hits: [{ policyId: 'big', severity: 'low', reasons: ['size 2 B over 1 B'] }] } }, NOW);
    expect(Object.keys(alert)).not.toContain('employee');
    expect(Object.keys(alert)).not.toContain('team');
    expect(alert.evidence).toEqual({ reasons: ['size 2 B over 1 B'] });
  });

  it('creates nothing without hits', () => {
    expect(alertsFrom(context, { keyword: { hits: [] }, sentiment: { hits: [], skipped: 'too short' } }, NOW)).toEqual([]);
  });
});

describe('evidence in words (vigia alerts table)', () => {
  it('shows a keyword excerpt, a file’s reasons and a sentiment with its score — not raw JSON', async () => {
    const { evidenceText } = await import('../../cli/commands/alerts');
    expect(evidenceText({ matched: 'senha', excerpt: '…a senha do cofre…' })).toBe('“…a senha do cofre…”');
    expect(evidenceText({ reasons: ['extension xlsx', 'declared application/pdf, sniffed application/zip'] })).toBe('extension xlsx; declared application/pdf, sniffed application/zip');
    expect(evidenceText({ sentiment: 'NEGATIVE', score: 0.9345, languageCode: 'pt', analyzer: 'offline' })).toBe('NEGATIVE 0.93, pt, offline');
    expect(evidenceText({ other: 1 })).toBe('{"other":1}');
  });
});

describe('DynamoDbAlertRepository: pages and counts filtered in DynamoDB (dynalite)', () => {
  const server = dynalite({ createTableMs: 0 });
  const table = 'vigia-alerts-test';
  let db: ReturnType<typeof createDynamoDbClient>;
  let repository: DynamoDbAlertRepository;
  const lines = ['106540352242922', '106540352242923', '106540352242924'];
  const policies: [string, Severity][] = [['confidential-terms', 'high'], ['no-spreadsheets', 'medium'], ['angry-conversation', 'low']];
  const statuses: AlertStatus[] = ['open', 'open', 'acknowledged', 'resolved', 'resolved'];
  const alerts: Alert[] = Array.from({ length: 240 }, (_, n) => {
    const [policyId, severity] = policies[n % 3]!;
    const lineId = lines[Math.floor(n / 3) % 3]!;
    return {
      id: alertId(`wamid.page-${n}`, policyId),
      messageId: `wamid.page-${n}`,
      lineId,
      ...(lineId === lines[2] ? { team: 'soporte' } : { team: 'ventas' }),
      policyId,
      kind: 'keyword',
      severity,
      evidence: {},
      status: statuses[n % 5]!,
      history: [],
      // Two alerts share each second: the id orders them.
      createdAt: new Date(Date.UTC(2026, 10, 1) + Math.floor(n / 2) * 1000).toISOString(),
      notifiedAt: '2026-11-01T00:00:00.000Z',
    };
  });
  const expected = (filter: AlertFilter) => alerts.filter(matchesFilter(filter));
  const position = (alert: Alert) => `${alert.createdAt}#${alert.id}`;

  beforeAll(async () => {
    ({ db, repository } = await alertTableOn(server, table, alerts));
  });
  afterAll(async () => {
    db.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });

  const filters: AlertFilter[] = [
    {},
    { statuses: ['open'] },
    { lineIds: lines.slice(0, 2) },
    { statuses: ['open', 'acknowledged'], policyId: 'no-spreadsheets' },
    { severities: ['high', 'low'], team: 'soporte' },
    { since: '2026-11-01T00:00:30.000Z', until: '2026-11-01T00:01:10.000Z', lineIds: [lines[1]!] },
    // More lines than one IN takes (100): the filter is ORed in chunks.
    { lineIds: [...Array.from({ length: 150 }, (_, n) => String(900000 + n)), lines[2]!] },
    { policyId: 'nothing-like-it' },
  ];

  it('walks every page of a filter, both orders, without skipping or repeating an alert', async () => {
    for (const filter of filters) {
      for (const order of ['newest', 'oldest'] as const) {
        const want = expected(filter)
          .map(position)
          .sort();
        if (order === 'newest') want.reverse();
        expect(await walkPages(repository, { ...filter, order }, 7), `${JSON.stringify(filter)} ${order}`).toEqual(want);
      }
    }
  });

  it('counts per status what the same filter lists (its statuses aside)', async () => {
    for (const filter of filters) {
      const counts = await repository.countByStatus(filter);
      const { statuses: _statuses, ...rest } = filter;
      const want = Object.fromEntries(ALERT_STATUSES.map((status) => [status, expected({ ...rest, statuses: [status] }).length]));
      expect(counts, JSON.stringify(filter)).toEqual(want);
    }
    expect(await repository.countByStatus({ lineIds: [] })).toEqual({ open: 0, acknowledged: 0, resolved: 0 });
    expect(await repository.countByStatus({ severities: [] })).toEqual({ open: 0, acknowledged: 0, resolved: 0 });
    expect(await repository.page({ severities: [], order: 'newest', limit: 5 })).toEqual({ alerts: [] });
  });

  it('counts through byAlertStatusForCounts, which projects every attribute the filter reads; lists through byAlertStatus', async () => {
    const sent = vi.spyOn(db, 'send');
    try {
      // One filter per filtered attribute, each matching alerts of every status: an attribute the
      // index did not project would count 0 (DynamoDB treats it as absent).
      const single: AlertFilter[] = [{ lineIds: [lines[1]!] }, { team: 'soporte' }, { policyId: 'angry-conversation' }, { severities: ['medium'] }, { since: '2026-11-01T00:01:00.000Z' }];
      for (const filter of single) {
        const counts = await repository.countByStatus(filter);
        for (const status of ALERT_STATUSES) {
          const listed = expected({ ...filter, statuses: [status] }).length;
          expect(listed, `${JSON.stringify(filter)} ${status}`).toBeGreaterThan(0);
          expect(counts[status], `${JSON.stringify(filter)} ${status}`).toBe(listed);
        }
      }
      const counted = sent.mock.calls.map(([command]) => command.input as QueryCommandInput);
      expect(counted.length).toBeGreaterThanOrEqual(single.length * ALERT_STATUSES.length);
      for (const query of counted) expect(query).toMatchObject({ IndexName: 'byAlertStatusForCounts', Select: 'COUNT' });
      // Whatever the filter names is in the index's projection (or its keys).
      const index = ARCHIVE_TABLE.globalSecondaryIndexes.find((candidate) => candidate.indexName === 'byAlertStatusForCounts')!;
      expect(index).toMatchObject({ partitionKey: { name: 'alertStatusPk' }, sortKey: { name: 'alertStatusSk' } });
      const read = new Set(counted.flatMap((query) => Object.values(query.ExpressionAttributeNames ?? {})));
      expect([...read].sort()).toEqual(['lineId', 'policyId', 'severity', 'team']);
      for (const name of read) expect(includedAttributes(index), name).toContain(name);
      expect(counted.map((query) => query.KeyConditionExpression)).toContain('alertStatusPk = :pk AND alertStatusSk BETWEEN :low AND :high');

      sent.mockClear();
      await repository.page({ team: 'soporte', order: 'newest', limit: 3 });
      await repository.listByStatus('acknowledged');
      const listed = sent.mock.calls.map(([command]) => command.input as QueryCommandInput);
      expect(listed.length).toBeGreaterThan(0);
      for (const query of listed) expect(query.IndexName).toBe('byAlertStatus');
    } finally {
      sent.mockRestore();
    }
  });
});

describe('DynamoDbAlertRepository: alert statuses write-sharded (issue 19)', () => {
  const server = dynalite({ createTableMs: 0 });
  const table = 'vigia-alert-shards-test';
  let db: ReturnType<typeof createDynamoDbClient>;
  let repository: DynamoDbAlertRepository;
  const lines = ['106540352242922', '106540352242923'];
  const severities: Severity[] = ['high', 'medium', 'low'];
  const alerts: Alert[] = Array.from({ length: 60 }, (_, n) => ({
    id: alertId(`wamid.shard-${n}`, 'confidential-terms'),
    messageId: `wamid.shard-${n}`,
    lineId: lines[n % 2]!,
    team: n % 4 === 0 ? 'soporte' : 'ventas',
    policyId: n % 5 === 0 ? 'no-spreadsheets' : 'confidential-terms',
    kind: 'keyword',
    severity: severities[n % 3]!,
    evidence: {},
    status: 'open',
    history: [],
    // Three alerts share each second: the id orders them.
    createdAt: new Date(Date.UTC(2026, 11, 1) + Math.floor(n / 3) * 1000).toISOString(),
    notifiedAt: '2026-12-01T00:00:00.000Z',
  }));
  const position = (alert: Pick<Alert, 'createdAt' | 'id'>) => `${alert.createdAt}#${alert.id}`;
  const indexKeys = async () =>
    new Map(((await db.send(new ScanCommand({ TableName: table, FilterExpression: 'attribute_exists(alertStatusPk)' }))).Items ?? []).map((item) => [String(item.id), String(item.alertStatusPk)]));

  beforeAll(async () => {
    ({ db, repository } = await alertTableOn(server, table, alerts));
    // A third acknowledged and a third resolved, through the repository: each keeps its shard.
    for (const [n, alert] of alerts.entries()) {
      if (n % 3 === 0) continue;
      const status: AlertStatus = n % 3 === 1 ? 'acknowledged' : 'resolved';
      alert.status = status;
      await repository.transition(alert.id, status, { by: 'carla@example.com', at: '2026-12-02T00:00:00.000Z' });
    }
    // An archive written before sharding: one alert in seven still on its status's bare key.
    for (const [n, alert] of alerts.entries()) {
      if (n % 7 !== 3) continue;
      await db.send(new UpdateCommand({ TableName: table, Key: { pk: `ALERT#${alert.id}`, sk: 'ALERT' }, UpdateExpression: 'SET alertStatusPk = :pk', ExpressionAttributeValues: { ':pk': `ALERT_STATUS#${alert.status}` } }));
    }
  });
  afterAll(async () => {
    db.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('spreads each status over its shards, from the alert id, whatever the status', async () => {
    const keys = await indexKeys();
    expect(keys.size).toBe(alerts.length);
    for (const [n, alert] of alerts.entries()) {
      expect(keys.get(alert.id)).toBe(n % 7 === 3 ? `ALERT_STATUS#${alert.status}` : alertStatusPartition(alert.status, alert.id));
    }
    for (const status of ALERT_STATUSES) {
      const shards = new Set(alerts.filter((alert, n) => alert.status === status && n % 7 !== 3).map((alert) => keys.get(alert.id)));
      expect(shards.size, status).toBeGreaterThanOrEqual(ALERT_STATUS_SHARDS - 2);
    }
  });

  it('pages across the shards and the bare keys, newest and oldest first, each alert once and in order', async () => {
    const filters: AlertFilter[] = [
      {},
      { statuses: ['open'] },
      { statuses: ['acknowledged', 'resolved'], lineIds: [lines[1]!] },
      { severities: ['high'], team: 'ventas' },
      { policyId: 'no-spreadsheets' },
      { since: '2026-12-01T00:00:05.000Z', until: '2026-12-01T00:00:25.000Z', statuses: ['open', 'resolved'] },
    ];
    const matches = (filter: AlertFilter) => alerts.filter(matchesFilter(filter));
    for (const filter of filters) {
      const matching = matches(filter);
      expect(matching.length, JSON.stringify(filter)).toBeGreaterThan(3);
      for (const order of ['newest', 'oldest'] as const) {
        const want = matching.map(position).sort();
        if (order === 'newest') want.reverse();
        expect(await walkPages(repository, { ...filter, order }, 4), `${JSON.stringify(filter)} ${order}`).toEqual(want);
      }
      // Counts per status sum the shards and the bare key.
      const { statuses: _statuses, ...rest } = filter;
      const counts = await repository.countByStatus(rest);
      expect(counts, JSON.stringify(rest)).toEqual(Object.fromEntries(ALERT_STATUSES.map((status) => [status, matches({ ...rest, statuses: [status] }).length])));
    }
  });

  it('lists a status oldest first across its shards (vigia alerts --status)', async () => {
    for (const status of ALERT_STATUSES) {
      const want = alerts.filter((alert) => alert.status === status).map(position).sort();
      expect((await repository.listByStatus(status)).map(position)).toEqual(want);
    }
  });

  it('is backfilled by vigia migrate index-shards, even after a finished run of the version before alerts were sharded', async () => {
    const listedBefore = await Promise.all(ALERT_STATUSES.map((status) => repository.listByStatus(status)));
    // What the previous version left: its scan done (no version), the alerts' bare keys untouched.
    await db.send(new PutCommand({ TableName: table, Item: { ...MIGRATION_KEY, entity: 'migration', scanned: 40, rewritten: 7, done: true } }));
    const progress = await migrateIndexShards(db, table, { pageSize: 25 });
    expect(progress).toMatchObject({ done: true, rewritten: 7 + alerts.filter((_, n) => n % 7 === 3).length });
    expect(progress.scanned).toBeGreaterThanOrEqual(40 + alerts.length);
    const keys = await indexKeys();
    for (const alert of alerts) expect(keys.get(alert.id)).toBe(alertStatusPartition(alert.status, alert.id));
    expect(await Promise.all(ALERT_STATUSES.map((status) => repository.listByStatus(status)))).toEqual(listedBefore);
    // Done for this version: a second run has nothing to do.
    expect(await migrateIndexShards(db, table)).toEqual(progress);
    // From then on a repository no longer queries the bare keys (empty now): shards only.
    const queried: string[] = [];
    db.middlewareStack.add(
      (next) => async (args) => {
        const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues;
        if (typeof values?.[':pk'] === 'string') queried.push(values[':pk']);
        return next(args);
      },
      { step: 'initialize', name: 'partitionLog' },
    );
    try {
      const migrated = new DynamoDbAlertRepository(db, table);
      expect(await Promise.all(ALERT_STATUSES.map((status) => migrated.listByStatus(status)))).toEqual(listedBefore);
      await migrated.countByStatus({});
      const statusKeys = new Set(queried.filter((key) => key.startsWith('ALERT_STATUS#')));
      expect([...statusKeys].sort()).toEqual(ALERT_STATUSES.flatMap((status) => alertStatusPartitions(status).slice(1)).sort());
      expect([...statusKeys].filter((key) => /^ALERT_STATUS#[a-z]+$/.test(key))).toEqual([]);

      // The migration state's read throttled once: that call lists whole, bare keys included; the next asks again.
      let throttled = false;
      db.middlewareStack.add(
        (next) => async (args) => {
          const key = (args.input as { Key?: Record<string, unknown> }).Key;
          if (!throttled && key?.pk === MIGRATION_KEY.pk && key?.sk === MIGRATION_KEY.sk) {
            throttled = true;
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: undefined });
          }
          return next(args);
        },
        { step: 'initialize', name: 'throttleMigrationRead' },
      );
      const unlucky = new DynamoDbAlertRepository(db, table);
      queried.length = 0;
      expect(await unlucky.listByStatus('open')).toEqual(listedBefore[ALERT_STATUSES.indexOf('open')]);
      expect(throttled).toBe(true);
      expect(queried).toContain('ALERT_STATUS#open');
      queried.length = 0;
      expect(await unlucky.listByStatus('open')).toEqual(listedBefore[ALERT_STATUSES.indexOf('open')]);
      expect(queried.filter((key) => key.startsWith('ALERT_STATUS#')).sort()).toEqual(alertStatusPartitions('open').slice(1).sort());
    } finally {
      db.middlewareStack.remove('partitionLog');
      db.middlewareStack.remove('throttleMigrationRead');
    }
    // Back to the bare keys for the next test.
    for (const [n, alert] of alerts.entries()) {
      if (n % 7 !== 3) continue;
      await db.send(new UpdateCommand({ TableName: table, Key: { pk: `ALERT#${alert.id}`, sk: 'ALERT' }, UpdateExpression: 'SET alertStatusPk = :pk', ExpressionAttributeValues: { ':pk': `ALERT_STATUS#${alert.status}` } }));
    }
  });

  it('moves a bare-keyed alert to its shard on a status change', async () => {
    const legacy = alerts.find((alert, n) => n % 7 === 3 && alert.status === 'acknowledged')!;
    await repository.transition(legacy.id, 'resolved', { by: 'carla@example.com', at: '2026-12-03T00:00:00.000Z' });
    expect((await indexKeys()).get(legacy.id)).toBe(alertStatusPartition('resolved', legacy.id));
    expect((await repository.listByStatus('resolved')).filter((alert) => alert.id === legacy.id)).toHaveLength(1);
  });
});

/** What a filter selects, decided in memory: the reference the repository's pages are checked against. */
function matchesFilter(filter: AlertFilter) {
  return (alert: Alert) =>
    (!filter.statuses || filter.statuses.includes(alert.status)) &&
    (!filter.lineIds || filter.lineIds.includes(alert.lineId)) &&
    (!filter.severities || filter.severities.includes(alert.severity)) &&
    (filter.team === undefined || alert.team === filter.team) &&
    (filter.policyId === undefined || alert.policyId === filter.policyId) &&
    (!filter.since || alert.createdAt >= filter.since) &&
    (!filter.until || alert.createdAt < filter.until);
}
