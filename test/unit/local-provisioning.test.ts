import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  QueryCommand,
  ScanCommand,
  UpdateTableCommand,
  type AttributeValue,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALERT_STATUSES, DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import type { AlertFilter } from '../../shared/compliance/ports/alert-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { ARCHIVE_TABLE, type TableDefinition } from '../../shared/resources/definitions';
import { createTableInput, ensureTable, rebuildTableName } from '../../shared/resources/local-provisioning';

const COUNT_INDEX = 'byAlertStatusForCounts';
/** ARCHIVE_TABLE as a version before the counting index created it. */
const BEFORE_COUNT_INDEX: TableDefinition = { ...ARCHIVE_TABLE, globalSecondaryIndexes: ARCHIVE_TABLE.globalSecondaryIndexes.filter((index) => index.indexName !== COUNT_INDEX) };
const TABLE = 'vigia-provisioning-test';

describe('createTableInput', () => {
  it('projects the counting index INCLUDE with the filtered attributes, the others ALL or KEYS_ONLY', () => {
    const indexes = createTableInput(TABLE).GlobalSecondaryIndexes;
    expect(indexes.find((index) => index.IndexName === COUNT_INDEX)).toEqual({
      IndexName: COUNT_INDEX,
      KeySchema: [
        { AttributeName: 'alertStatusPk', KeyType: 'HASH' },
        { AttributeName: 'alertStatusSk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['lineId', 'severity', 'team', 'policyId'] },
    });
    expect(indexes.find((index) => index.IndexName === 'byAlertStatus')?.Projection).toEqual({ ProjectionType: 'ALL' });
    expect(indexes.find((index) => index.IndexName === 'byLine')?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });
});

describe('ensureTable on dynalite: an index added to a table that already has items', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  /** dynalite keeping its data in `dataDir`, as the local stack runs it. */
  async function start(dataDir: string) {
    const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const db = createDynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const stop = async () => {
      db.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    };
    cleanups.push(stop);
    return { db, stop: () => (cleanups.splice(cleanups.indexOf(stop), 1), stop()) };
  }
  function dataDir() {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-provisioning-'));
    cleanups.unshift(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  // Alerts of three teams and statuses, each with a trail and evidence, plus a message: every kind
  // of attribute value, which the rebuild must write back unchanged.
  const items: Record<string, AttributeValue>[] = [
    ...Array.from({ length: 60 }, (_, n) => ({
      pk: { S: `ALERT#a${n}` },
      sk: { S: 'ALERT' },
      entity: { S: 'alert' },
      alertStatusPk: { S: `ALERT_STATUS#${['open', 'acknowledged', 'resolved'][n % 3]}` },
      alertStatusSk: { S: `2026-11-01T00:00:${String(n).padStart(2, '0')}.000Z#a${n}` },
      lineId: { S: `10654035224292${n % 2}` },
      team: { S: ['ventas', 'soporte', 'cobranza'][Math.floor(n / 3) % 3]! },
      policyId: { S: n % 4 === 0 ? 'no-spreadsheets' : 'confidential-terms' },
      severity: { S: n % 5 === 0 ? 'high' : 'low' },
      history: { L: [{ M: { status: { S: 'open' }, at: { S: '2026-11-01T00:00:00.000Z' } } }] },
      evidence: { M: { excerpt: { S: 'x'.repeat(300) }, score: { N: '0.93' }, raw: { B: new Uint8Array([1, 2, 3]) } } },
      deliveredTo: { SS: ['sub-1', 'sub-2'] },
      expiresAt: { N: '1893456000' },
      backfill: { BOOL: false },
      note: { NULL: true },
    })),
    { pk: { S: 'MSG#wamid.1' }, sk: { S: 'MSG' }, linePk: { S: 'LINE#1' }, lineSk: { S: 'a' }, alertIds: { SS: ['a1'] }, text: { S: 'hola' } },
  ];
  const byKey = (a: Record<string, AttributeValue>, b: Record<string, AttributeValue>) => `${a.pk!.S}|${a.sk!.S}`.localeCompare(`${b.pk!.S}|${b.sk!.S}`);

  /** Creates a table and waits until it takes writes (CREATING for a moment, even on dynalite). */
  async function createTable(db: ReturnType<typeof createDynamoDbClient>, tableName: string, definition: TableDefinition = ARCHIVE_TABLE) {
    await db.send(new CreateTableCommand(createTableInput(tableName, definition)));
    await vi.waitFor(async () => expect(((await db.send(new DescribeTableCommand({ TableName: tableName }))) as { Table: TableDescription }).Table.TableStatus).toBe('ACTIVE'));
  }
  async function seedOldTable(db: ReturnType<typeof createDynamoDbClient>, tableName = TABLE, rows = items) {
    await createTable(db, tableName, BEFORE_COUNT_INDEX);
    for (let start = 0; start < rows.length; start += 25) {
      await db.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  }
  async function scan(db: ReturnType<typeof createDynamoDbClient>, tableName = TABLE) {
    return ((await db.send(new ScanCommand({ TableName: tableName }))).Items ?? []).sort(byKey);
  }
  async function indexNames(db: ReturnType<typeof createDynamoDbClient>) {
    const { Table } = (await db.send(new DescribeTableCommand({ TableName: TABLE }))) as { Table: TableDescription };
    return (Table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName);
  }
  /** Alerts with the team and status, as the counting index finds them. */
  async function countOnIndex(db: ReturnType<typeof createDynamoDbClient>, status: string, team: string) {
    const response = await db.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: COUNT_INDEX,
        Select: 'COUNT',
        KeyConditionExpression: 'alertStatusPk = :pk',
        FilterExpression: 'team = :team',
        ExpressionAttributeValues: { ':pk': { S: `ALERT_STATUS#${status}` }, ':team': { S: team } },
      }),
    );
    return response.Count;
  }
  const expectedCount = (status: string, team: string) => items.filter((item) => item.alertStatusPk?.S === `ALERT_STATUS#${status}` && item.team?.S === team).length;

  it('dynalite cannot add an index with UpdateTable: it refuses the request, and with throughput accepts it and adds nothing', async () => {
    const { db } = await start(dataDir());
    await seedOldTable(db);
    const input = createTableInput(TABLE);
    const create = input.GlobalSecondaryIndexes.find((index) => index.IndexName === COUNT_INDEX)!;
    await expect(db.send(new UpdateTableCommand({ TableName: TABLE, AttributeDefinitions: input.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: create }] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await db.send(
      new UpdateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { ...create, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
      }),
    );
    expect(await indexNames(db)).not.toContain(COUNT_INDEX);
  });

  it('rebuilds the table with the new index: every item back unchanged, the index holding the alerts written before it, and it stays after a restart', async () => {
    const dir = dataDir();
    let { db, stop } = await start(dir);
    await seedOldTable(db);
    const before = await scan(db);
    expect(before).toHaveLength(items.length);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await ensureTable(db, TABLE);

    expect(await indexNames(db)).toEqual(ARCHIVE_TABLE.globalSecondaryIndexes.map((index) => index.indexName));
    expect(await scan(db)).toEqual(before);
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
    for (const status of ['open', 'acknowledged', 'resolved']) {
      for (const team of ['ventas', 'soporte', 'cobranza']) expect(await countOnIndex(db, status, team), `${status} ${team}`).toBe(expectedCount(status, team));
    }
    // The repository's counts agree with its list, on alerts written before the index existed.
    const repository = new DynamoDbAlertRepository(db, TABLE);
    const filter: AlertFilter = { team: 'soporte', severities: ['low'], policyId: 'confidential-terms', lineIds: ['106540352242921'] };
    const counts = await repository.countByStatus(filter);
    for (const status of ALERT_STATUSES) {
      expect(counts[status], status).toBe((await repository.page({ ...filter, statuses: [status], order: 'oldest', limit: 1000 })).alerts.length);
      expect(counts[status], status).toBeGreaterThan(0);
    }

    // Kept on disk: a restart finds the index, and ensureTable has nothing to do.
    await stop();
    ({ db, stop } = await start(dir));
    const sent = vi.spyOn(db, 'send');
    await ensureTable(db, TABLE);
    expect(sent.mock.calls.map(([command]) => command.constructor.name)).toEqual(['DescribeTableCommand', 'DescribeTableCommand']);
    expect(await countOnIndex(db, 'open', 'soporte')).toBe(expectedCount('open', 'soporte'));
    expect(await scan(db)).toEqual(before);
  });

  it('rebuilds a table whose counting index projects other attributes than the definition (an older version of it)', async () => {
    const { db } = await start(dataDir());
    const withoutTeam: TableDefinition = {
      ...ARCHIVE_TABLE,
      globalSecondaryIndexes: ARCHIVE_TABLE.globalSecondaryIndexes.map((index) => (index.indexName === COUNT_INDEX ? { ...index, projection: { include: ['lineId', 'severity', 'policyId'] } } : index)),
    };
    await createTable(db, TABLE, withoutTeam);
    await db.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(0, 25).map((Item) => ({ PutRequest: { Item } })) } }));
    // What the older index holds: no team, so a count by team finds nothing.
    expect(await countOnIndex(db, 'open', 'ventas')).toBe(0);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await ensureTable(db, TABLE);

    const expected = items.slice(0, 25).filter((item) => item.alertStatusPk?.S === 'ALERT_STATUS#open' && item.team?.S === 'ventas').length;
    expect(expected).toBeGreaterThan(0);
    expect(await countOnIndex(db, 'open', 'ventas')).toBe(expected);
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
  });

  it('completes a rebuild a crash interrupted while the copy was being filled: the table is whole, and gets the index', async () => {
    const { db } = await start(dataDir());
    await seedOldTable(db);
    // The copy, half written, when the process died.
    await createTable(db, rebuildTableName(TABLE));
    await db.send(new BatchWriteItemCommand({ RequestItems: { [rebuildTableName(TABLE)]: items.slice(0, 20).map((Item) => ({ PutRequest: { Item } })) } }));
    const before = await scan(db);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await ensureTable(db, TABLE);

    expect(await indexNames(db)).toContain(COUNT_INDEX);
    expect(await scan(db)).toEqual(before);
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
    expect(await countOnIndex(db, 'resolved', 'cobranza')).toBe(expectedCount('resolved', 'cobranza'));
  });

  it('completes a rebuild a crash interrupted after the table was deleted: the items come back from the copy', async () => {
    const { db } = await start(dataDir());
    // The copy, complete, and the table gone (or created again and partly filled).
    await seedOldTable(db, rebuildTableName(TABLE));
    await createTable(db, TABLE);
    await db.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(0, 5).map((Item) => ({ PutRequest: { Item } })) } }));
    const before = await scan(db, rebuildTableName(TABLE));

    await ensureTable(db, TABLE);

    expect(await scan(db)).toEqual(before);
    expect(await indexNames(db)).toContain(COUNT_INDEX);
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
    expect(await countOnIndex(db, 'open', 'ventas')).toBe(expectedCount('open', 'ventas'));

    // And with no table at all.
    await db.send(new DeleteTableCommand({ TableName: TABLE }));
    await vi.waitFor(async () => expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([]));
    await seedOldTable(db, rebuildTableName(TABLE));
    await ensureTable(db, TABLE);
    expect(await scan(db)).toEqual(before);
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
  });
});
