import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesIn, priceUsage } from '../../bench/cost';
import { repoRoot } from '../helpers/paths';
import { externalSdkPackages } from '../../bench/bundles';
import { startFakeComprehend } from '../../bench/fake-comprehend';
import type { StackUsage } from '../../bench/ingest';
import * as price from '../../bench/prices';
import { DISCLOSURE_FUNCTION } from '../../infra/constructs/contact-disclosure';
import { LocalMeter } from '../../local/metering';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { ensureTable } from '../../shared/resources/local-provisioning';
import { fixturesDir } from '../helpers/paths';
import { emptyUsage } from '../helpers/bench-usage';

describe('priceUsage (bench/cost.ts)', () => {
  it('prices each service from the metered quantities and the list prices', () => {
    const usage: StackUsage = {
      ...emptyUsage(),
      requests: { 'ApiGateway.Request': 1000, 'S3.PutObject': 1000, 'S3.GetObject': 1000, 'S3.HeadObject': 500, 'SQS.SendMessage': 1000 },
      // webhook: 256 MB → billed 1769/256 × its local time
      invocations: { webhook: { count: 1000, ms: 5000 }, ingest: { count: 100, ms: 10_000 } },
      writeUnits: 5000,
      readUnits: 2000,
      flowExecutions: 1000,
      flowBilledMs: 1000 * 200,
      comprehend: { requests: 100, units: 300, characters: 5000 },
    };
    const figure = priceUsage(usage, 1000, 10);
    const perMillion = 1000; // 1,000 messages: quantities × 1,000 per million
    expect(figure.breakdown.apiGateway).toBeCloseTo(1 * price.API_GATEWAY_HTTP_PER_MILLION, 6);
    expect(figure.breakdown.dynamodb).toBeCloseTo(5 * price.DYNAMODB_WRITE_PER_MILLION + 2 * price.DYNAMODB_READ_PER_MILLION, 4);
    expect(figure.breakdown.s3).toBeCloseTo(perMillion * (1 * price.S3_PUT_PER_THOUSAND + 1.5 * price.S3_GET_PER_THOUSAND), 4);
    // 1,000 sends + receive and delete for each of the 100 ingest invocations
    expect(figure.breakdown.sqs).toBeCloseTo(1.2 * price.SQS_PER_MILLION, 4);
    const webhookGbS = 5 * (1769 / 256) * (256 / 1024);
    const ingestGbS = 10 * (1769 / 512) * (512 / 1024);
    expect(figure.breakdown.lambda).toBeCloseTo(1.1 * price.LAMBDA_REQUEST_PER_MILLION + ((webhookGbS + ingestGbS) / 1000) * 1e6 * price.LAMBDA_ARM_PER_GB_SECOND, 3);
    expect(figure.breakdown.stepFunctions).toBeCloseTo(1 * price.SFN_EXPRESS_PER_MILLION + 0.2 * price.SFN_EXPRESS_MEMORY_GB * 1e6 * price.SFN_EXPRESS_PER_GB_SECOND, 3);
    expect(figure.breakdown.comprehend).toBeCloseTo(0.3 * 1e6 * price.COMPREHEND_PER_UNIT, 4);
    expect(figure.breakdown.sns).toBeCloseTo(0.01 * price.SNS_PUBLISH_PER_MILLION, 6);
    const total = Object.values(figure.breakdown).reduce((sum, usd) => sum + usd, 0);
    expect(figure.usdPerMillion).toBeCloseTo(total, 1);
    expect(figure.usdPerEmployeeMonth).toBeCloseTo((figure.usdPerMillion * 3000) / 1e6, 4);
    expect(figure.alertsPerMillion).toBe(10_000);
    expect(figure.snsPublishesPerMillion).toBe(10_000);
  });

  it('prices one SNS publish per alert and subscription delivered to', () => {
    // 10 alerts, each delivered to 3 subscriptions (manager × channel): 30 publishes.
    const figure = priceUsage(emptyUsage(), 1000, 10, 30);
    expect(figure.alertsPerMillion).toBe(10_000);
    expect(figure.snsPublishesPerMillion).toBe(30_000);
    expect(figure.breakdown.sns).toBeCloseTo(0.03 * price.SNS_PUBLISH_PER_MILLION, 6);
  });

  it('bills an asynchronously invoked function per Invoke call, not per local handler call, and keeps its duration', () => {
    // Locally the in-process queue ran the ids of 40 Invoke calls in 10 handler calls.
    const usage: StackUsage = {
      ...emptyUsage(),
      requests: { 'Lambda.Invoke': 40 },
      invocations: { disclosure: { count: 10, ms: 2000 }, webhook: { count: 100, ms: 500 } },
    };
    const figure = priceUsage(usage, 100, 0);
    expect(figure.lambdaPerFunction.disclosure.invocations).toBeCloseTo(0.4, 6);
    expect(figure.lambdaPerFunction.webhook.invocations).toBeCloseTo(1, 6);
    const memoryMb = DISCLOSURE_FUNCTION.memorySize;
    const disclosureGbS = 2 * Math.max(1, 1769 / memoryMb) * (memoryMb / 1024);
    expect(figure.lambdaPerFunction.disclosure.gbSeconds).toBeCloseTo(disclosureGbS / 100, 6);
    const sumOfFunctions = Object.values(figure.lambdaPerFunction).reduce((sum, { usdPerMillion }) => sum + usdPerMillion, 0);
    expect(figure.breakdown.lambda).toBeCloseTo(sumOfFunctions, 2);
  });

  it('refuses a function whose memory it does not know, and a run without messages', () => {
    expect(() => priceUsage({ ...emptyUsage(), invocations: { mystery: { count: 1, ms: 1 } } }, 10, 0)).toThrow(/no memory size known for the function "mystery"/);
    expect(() => priceUsage(emptyUsage(), 0, 0)).toThrow(/carried no messages/);
  });

  it('knows the memory of every handler the local stack meters (a new function must be priced)', () => {
    const stack = readFileSync(join(repoRoot, 'local/handlers.ts'), 'utf8');
    const names = [...stack.matchAll(/metered\('(\w+)'/g), ...stack.matchAll(/^\s+\w+: '(compliance\w+)',$/gm)].map((match) => match[1]!);
    expect(names).toEqual(expect.arrayContaining(['webhook', 'ingest', 'redrive', 'complianceNotify']));
    const invocations = Object.fromEntries(names.map((name) => [name, { count: 1, ms: 10 }]));
    expect(() => priceUsage({ ...emptyUsage(), invocations }, 10, 0)).not.toThrow();
  });
});

describe('messagesIn (bench/cost.ts)', () => {
  it('counts messages, app echoes and history messages, not statuses', () => {
    const counted = readdirSync(fixturesDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => ({ name, body: readFileSync(join(fixturesDir, name), 'utf8') }))
      .filter(({ body }) => body.includes('"entry"'));
    expect(counted.length).toBeGreaterThan(0);
    for (const { name, body } of counted) {
      const value = JSON.parse(body).entry?.[0]?.changes?.[0]?.value ?? {};
      const onlyStatuses = value.statuses && !value.messages && !value.message_echoes && !value.history;
      if (onlyStatuses) expect(messagesIn(body), name).toBe(0);
      if (Array.isArray(value.messages)) expect(messagesIn(body), name).toBeGreaterThanOrEqual(value.messages.length);
    }
    const history = JSON.stringify({ entry: [{ changes: [{ value: { history: [{ threads: [{ messages: [{}, {}] }, { messages: [{}] }] }] } }] }] });
    expect(messagesIn(history)).toBe(3);
  });
});

describe('externalSdkPackages (bench/bundles.ts)', () => {
  it('lists the AWS SDK packages a minified bundle imports', () => {
    const source = 'import{S3Client as a}from"@aws-sdk/client-s3";import*as b from"@aws-sdk/lib-dynamodb";import"@smithy/core";import{x}from"./local.mjs";';
    expect(externalSdkPackages(source)).toEqual(['@aws-sdk/client-s3', '@aws-sdk/lib-dynamodb', '@smithy/core']);
  });
});

describe('fake Comprehend (bench/fake-comprehend.ts)', () => {
  it('bills at least 3 units of 100 characters per DetectSentiment call and refuses other actions', async () => {
    const comprehend = await startFakeComprehend();
    try {
      const call = (target: string, text: string) =>
        fetch(comprehend.url, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Text: text, LanguageCode: 'pt' }) });
      expect((await call('Comprehend_20171127.DetectSentiment', 'curto')).status).toBe(200);
      expect((await call('Comprehend_20171127.DetectSentiment', 'x'.repeat(450))).status).toBe(200);
      const refused = await call('Comprehend_20171127.DetectDominantLanguage', 'hola');
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ message: expect.stringContaining('only answers DetectSentiment') });
      expect(comprehend.usage()).toEqual({ requests: 2, units: 3 + 5, characters: 5 + 450 });
    } finally {
      await comprehend.close();
    }
  });
});

describe('LocalMeter against dynalite (local/metering.ts)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigia-meter-'));
  const server = dynalite({ path: dataDir, createTableMs: 0 });
  const meter = new LocalMeter().install();
  let db: ReturnType<typeof createDynamoDbClient>;
  const table = 'vigia-meter-test';

  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    db = createDynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await ensureTable(db, table);
  });
  afterAll(async () => {
    db.destroy();
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const units = async (write: () => Promise<unknown>) => {
    const before = meter.writeUnits;
    await write().catch(() => undefined);
    return meter.writeUnits - before;
  };

  it('counts the table write plus one unit per keys-only index the item enters', async () => {
    const item = { pk: 'MSG#m1', sk: 'MSG', linePk: 'LINE#1', lineSk: 'a', contactPk: 'CONTACT#1', contactSk: 'a', dayPk: 'DAY#2026-11-28', daySk: 'a', text: 'x'.repeat(1500) };
    // 1.5 KB item → 2 units on the table, 1 on each of byLine, byContact, byDay
    expect(await units(() => db.send(new PutCommand({ TableName: table, Item: item })))).toBe(2 + 3);
  });

  it('counts no index write for an update of attributes outside the keys-only indexes', async () => {
    const update = () =>
      db.send(new UpdateCommand({ TableName: table, Key: { pk: 'MSG#m1', sk: 'MSG' }, UpdateExpression: 'SET #status = :s', ExpressionAttributeNames: { '#status': 'latestStatus' }, ExpressionAttributeValues: { ':s': 'read' } }));
    expect(await units(update)).toBe(2);
  });

  it('counts the full item again for every all-attributes index the item is in', async () => {
    const update = () =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'MEDIA#1', sk: 'MEDIA' },
          UpdateExpression: 'SET mediaStatePk = :pk, mediaStateSk = :sk, note = :note',
          ExpressionAttributeValues: { ':pk': 'MEDIA_STATE#pending', ':sk': '2026', ':note': 'y'.repeat(100) },
        }),
      );
    expect(await units(update)).toBe(1 + 1);
  });

  it('counts one unit for a write whose condition fails, and read units for reads', async () => {
    const failing = () => db.send(new PutCommand({ TableName: table, Item: { pk: 'MSG#m1', sk: 'MSG' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    expect(await units(failing)).toBe(1);
    const readsBefore = meter.readUnits;
    await db.send(new GetCommand({ TableName: table, Key: { pk: 'MSG#m1', sk: 'MSG' } }));
    expect(meter.readUnits - readsBefore).toBe(0.5);
    expect(meter.requests.get('DynamoDB.PutItem')).toBe(2);
  });

  it('records each write unit with the partition key it wrote, of the table and of each index', async () => {
    const writes = (index: string, key: string) => meter.partitionWrites.get(index)?.get(key) ?? 0;
    // From the first test: the message's table partition and its three index partitions.
    expect(writes('table', 'MSG#m1')).toBe(2 + 2 + 1);
    expect(writes('byLine', 'LINE#1')).toBe(1);
    expect(writes('byContact', 'CONTACT#1')).toBe(1);
    expect(writes('byDay', 'DAY#2026-11-28')).toBe(1);
    expect(writes('byMediaState', 'MEDIA_STATE#pending')).toBe(1);

    // An item moving from one index partition to another writes both (a delete and a put).
    const move = () =>
      db.send(new UpdateCommand({ TableName: table, Key: { pk: 'MEDIA#1', sk: 'MEDIA' }, UpdateExpression: 'SET mediaStatePk = :pk', ExpressionAttributeValues: { ':pk': 'MEDIA_STATE#stored' } }));
    expect(await units(move)).toBe(1 + 1);
    expect(writes('byMediaState', 'MEDIA_STATE#stored')).toBe(1);
    expect(writes('byMediaState', 'MEDIA_STATE#pending')).toBe(2);

    // Leaving an index (its key removed) writes the partition it leaves; the cost figure is unchanged.
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'ALERT#a1', sk: 'ALERT', pendingPk: 'NOTIFY', pendingSk: '2026' } }));
    expect(writes('byPending', 'NOTIFY')).toBe(1);
    const notified = () => db.send(new UpdateCommand({ TableName: table, Key: { pk: 'ALERT#a1', sk: 'ALERT' }, UpdateExpression: 'SET notifiedAt = :at REMOVE pendingPk, pendingSk', ExpressionAttributeValues: { ':at': '2026' } }));
    expect(await units(notified)).toBe(1);
    expect(writes('byPending', 'NOTIFY')).toBe(2);

    // Reads go to the partition the key or the key condition names.
    await db.send(new QueryCommand({ TableName: table, IndexName: 'byDay', KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'dayPk' }, ExpressionAttributeValues: { ':pk': 'DAY#2026-11-28' } }));
    expect(meter.partitionReads.get('byDay')?.get('DAY#2026-11-28')).toBeGreaterThan(0);
    expect(meter.partitionReads.get('table')?.get('MSG#m1')).toBe(0.5);
    expect(meter.snapshot().partitionWrites?.byMediaState).toEqual({ 'MEDIA_STATE#pending': 2, 'MEDIA_STATE#stored': 1 });
  });
});
