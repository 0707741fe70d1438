import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { DynamoDbArchiveRepository } from '../shared/capture/adapters/dynamodb-archive-repository';
import { S3RawArchive } from '../shared/capture/adapters/s3-raw-archive';
import { DynamoDbPrivacyRepository } from '../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3ArchiveObjects } from '../shared/privacy/adapters/s3-archive-objects';
import { sweepRetention } from '../shared/privacy/retention-sweep';
import { createDynamoDbClient, createS3Client } from '../shared/platform/clients';
import { ARCHIVE_PREFIXES } from '../shared/resources/definitions';
import { ensureBucket, ensureTable } from '../shared/resources/local-provisioning';
import { lambdaContext, readBody, RequestTooLargeError, toApiGatewayEvent, writeResult } from './api-gateway';
import { loadLocalSecrets, type LocalSecrets } from './dev-secrets';
import { quarantineIncompleteObjects } from './s3-store-repair';
import { inProcessQueues } from '../shared/media/adapters/message-queues';
import { startFakeGraphApi } from './fake-graph-api';
import { complianceRunner } from './compliance-runner';
import { localComplianceFlowAsl } from './compliance-asl-cache';
import { complianceChecksOf, loadVigiaConfig, type VigiaConfig } from '../shared/config/vigia-config';
import type { FlowState } from '../shared/compliance/model';
import type { LocalMeter } from './metering';
import { WorkQueue } from './work-queue';
import { NOTICE_ACK_PATH } from '../shared/privacy/employee-notice';

export const LOCAL_BUCKET = 'vigia-archive';
/** The analytics bucket (`vigia export` writes `exports/` there): a bucket of its own, as on AWS. */
export const LOCAL_ANALYTICS_BUCKET = 'vigia-analytics';
export const LOCAL_TABLE = 'vigia-archive';
export const STACK_FILE = 'stack.json';

export interface LocalStackOptions {
  /** Where dynalite, s3rver and the dev secrets keep their data. @default ./.vigia */
  dataDir?: string;
  /** HTTP port of the API. @default 3000; 0 picks a free one */
  port?: number;
  env?: Record<string, string | undefined>;
  /** Ingest workers running in parallel. @default 4 */
  ingestConcurrency?: number;
  /**
   * Media downloads and compliance executions running in parallel (each). 1 gives every handler
   * the process to itself, so the cost benchmark's durations are not inflated by the others. @default 2
   */
  pipelineConcurrency?: number;
  /** Counts requests, invocations and capacity for the cost benchmark. @default - off */
  meter?: LocalMeter;
  /**
   * A stand-in Amazon Comprehend endpoint (the cost benchmark's): sentiment then runs in the
   * config's analyzer mode, calling it, instead of offline only. @default - offline only
   */
  comprehendEndpoint?: string;
}

/** What the CLI needs to reach a running local stack (written to `<dataDir>/stack.json`). */
export interface LocalStackInfo {
  pid: number;
  url: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  bucket: string;
  /** The analytics bucket (Parquet exports under `exports/`). */
  analyticsBucket: string;
  table: string;
  /** The Graph API the media fetcher uses (for `vigia media retry`). */
  graphApiUrl?: string;
  /** Local alert notifications (JSON lines). */
  outboxFile: string;
  /** The config file the stack runs with (`vigia export` reads lines and `analytics` from it). */
  configFile?: string;
  startedAt: string;
}

export interface LocalStack {
  info: LocalStackInfo;
  secrets: LocalSecrets;
  dataDir: string;
  /** Set when media downloads go to the built-in fake Graph API. */
  fakeGraphApiUrl?: string;
  /** Raw webhooks found unprojected at start (left by a crash) and queued again. */
  recovered: number;
  /** Resolves when every archived webhook has been projected. */
  drained(): Promise<void>;
  /**
   * Holds the pipeline behind the ack (ingest, and so media and the compliance flow): webhooks are
   * still archived and acknowledged, their ingest waits until `resumePipeline`. The benchmark uses
   * it to measure the ack path alone, as on AWS where the pipeline runs in other functions.
   */
  pausePipeline(): void;
  resumePipeline(): void;
  pendingIngest(): number;
  /** Where local alert notifications go (JSON lines), as `vigia notifications` lists them. */
  outboxFile: string;
  config: VigiaConfig;
  /** Sends the employee notices that are due (it also runs at start). */
  sendNotices(): Promise<unknown>;
  /** Runs the media sweeper now (it also runs every VIGIA_MEDIA_SWEEP_SECONDS). */
  sweepMedia(): Promise<unknown>;
  /** Runs the re-drive now (it also runs at start and every VIGIA_REDRIVE_SECONDS); `graceSeconds` overrides the grace. */
  redrive(graceSeconds?: number): Promise<unknown>;
  stop(): Promise<void>;
}

type Handler<E, R> = (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>;

/**
 * The whole capture path on one machine: dynalite and s3rver driven by the real SDK clients,
 * the Lambda handlers invoked with API Gateway v2 and SQS events exactly as on AWS, and S3
 * notifications from s3rver feeding a local queue. One stack per process: the handlers read
 * their configuration once, at import, like a Lambda cold start.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env.VIGIA_DATA_DIR ?? '.vigia');
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 's3'), { recursive: true });

  const dynamoServer = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done, fail) => dynamoServer.listen(0, '127.0.0.1', (error?: Error) => (error ? fail(error) : done())));
  const dynamodbEndpoint = `http://127.0.0.1:${(dynamoServer.address() as AddressInfo).port}`;

  const incomplete = quarantineIncompleteObjects(join(dataDir, 's3'), join(dataDir, 's3-incomplete'));
  if (incomplete.length > 0) {
    console.error(`vigia: moved ${incomplete.length} partially written object(s) from an interrupted run to ${join(dataDir, 's3-incomplete')} (never acknowledged)`);
  }
  const s3Server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dataDir, 's3') });
  const s3Address = (await s3Server.run()) as AddressInfo;
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;

  options.meter?.install();
  const db = createDynamoDbClient(dynamodbEndpoint);
  const s3 = createS3Client(s3Endpoint);
  await ensureTable(db, LOCAL_TABLE);
  await ensureBucket(s3, LOCAL_BUCKET);
  await ensureBucket(s3, LOCAL_ANALYTICS_BUCKET);

  const secrets = loadLocalSecrets(dataDir, env);
  // The deployment config (lines, teams, policies): validated now, so a bad file stops the start.
  const configFile = resolve(env.VIGIA_CONFIG ?? 'vigia.config.yaml');
  const config = loadVigiaConfig(configFile);
  const outboxFile = join(dataDir, 'outbox.jsonl');
  // A generated access token can never work against Meta: without a real token (or an explicit
  // Graph API URL) media downloads go to a local fake Graph API that serves a small file for
  // every media id, so the simulator's traffic is archived end to end. VIGIA_FAKE_GRAPH_API=1/0 forces it.
  const useFakeGraph =
    env.VIGIA_FAKE_GRAPH_API === '1' || (env.VIGIA_FAKE_GRAPH_API !== '0' && !env.WHATSAPP_ACCESS_TOKEN && !env.WHATSAPP_GRAPH_API_URL);
  const fakeGraph = useFakeGraph ? await startFakeGraphApi({ accessToken: secrets.accessToken, serveUnknown: true }) : undefined;
  const disclosureEnabled = config.privacy?.disclosure?.enabled === true;
  const noticeEnabled = config.privacy?.employeeNotice !== undefined;
  if (!disclosureEnabled) delete process.env.DISCLOSURE_FUNCTION;
  if (!config.retention) delete process.env.RETENTION_DAYS;
  Object.assign(process.env, {
    ARCHIVE_BUCKET: LOCAL_BUCKET,
    ARCHIVE_TABLE: LOCAL_TABLE,
    VIGIA_DYNAMODB_ENDPOINT: dynamodbEndpoint,
    VIGIA_S3_ENDPOINT: s3Endpoint,
    WHATSAPP_APP_SECRET: secrets.appSecret,
    WHATSAPP_VERIFY_TOKEN: secrets.verifyToken,
    WHATSAPP_ACCESS_TOKEN: secrets.accessToken,
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? env.VIGIA_LOG_LEVEL ?? 'WARN',
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
    MEDIA_QUEUE_URL: 'local://media',
    VIGIA_CONFIG_JSON: JSON.stringify(config),
    COMPLIANCE_STATE_MACHINE_ARN: 'local://compliance',
    ALERTS_TOPIC_ARN: 'local://outbox',
    VIGIA_OUTBOX_FILE: outboxFile,
    // Privacy (docs/privacy.md): notice e-mails go to the outbox, like alert e-mails.
    NOTICE_MAILER: 'local://outbox',
    VIGIA_NOTICE_SIGNING_KEY: secrets.noticeSigningKey,
    ...(disclosureEnabled ? { DISCLOSURE_FUNCTION: 'local://disclosure' } : {}),
    COMPLIANCE_CHECKS: complianceChecksOf(config),
    // The re-drive (docs/reliability.md): minutes here where AWS waits a quarter of an hour.
    REDRIVE_CHECK_GRACE_SECONDS: env.VIGIA_REDRIVE_GRACE_SECONDS ?? '60',
    REDRIVE_NOTIFY_GRACE_SECONDS: env.VIGIA_REDRIVE_GRACE_SECONDS ?? '60',
    // Retention: records get `expiresAt`; dynalite has no TTL, so the sweep below deletes what expired.
    ...(config.retention ? { RETENTION_DAYS: String(config.retention.days) } : {}),
    // Nothing leaves the machine locally: sentiment is decided by the offline analyzer.
    ...(options.comprehendEndpoint
      ? { VIGIA_OFFLINE_SENTIMENT: '0', AWS_ENDPOINT_URL_COMPREHEND: options.comprehendEndpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }
      : { VIGIA_OFFLINE_SENTIMENT: '1' }),
    ...pick(env, ['WHATSAPP_GRAPH_API_URL', 'MEDIA_RETRY_DELAYS_MS', 'MEDIA_IDLE_TIMEOUT_MS']),
    ...(fakeGraph ? { WHATSAPP_GRAPH_API_URL: fakeGraph.url } : {}),
  });
  // Imported after the environment is set: module scope is the cold start.
  const meter = options.meter;
  const metered = <E, R>(name: string, handler: Handler<E, R>): Handler<E, R> => (meter ? meter.timed(name, handler) : handler);
  const webhook = metered('webhook', (await import('../functions/webhook/handler')).handler as unknown as Handler<unknown, any>);
  const ingest = metered('ingest', (await import('../functions/ingest/handler')).handler as unknown as Handler<SQSEvent, SQSBatchResponse>);
  const mediaFetch = metered('mediaFetch', (await import('../functions/media-fetch/handler')).handler as unknown as Handler<SQSEvent, SQSBatchResponse>);
  const mediaSweeper = metered('mediaSweeper', (await import('../functions/media-sweeper/handler')).handler as unknown as Handler<unknown, unknown>);
  const redriveHandler = metered('redrive', (await import('../functions/redrive/handler')).handler as unknown as Handler<{ graceSeconds?: number }, unknown>);
  const tasks: Record<string, string> = {
    prepare: 'compliancePrepare',
    fetchMedia: 'complianceFetchMedia',
    ruleChecks: 'complianceRules',
    sentimentCheck: 'complianceSentiment',
    record: 'complianceRecord',
    notify: 'complianceNotify',
  };
  const task = async (module: Promise<{ handler: unknown }>, name: keyof typeof tasks) =>
    metered(tasks[name], (await module).handler as unknown as Handler<FlowState, unknown>);
  const compliance = complianceRunner(
    // The same state machine the CDK stack deploys, synthesized in memory (no bundling), cached by content.
    await localComplianceFlowAsl(config),
    {
      prepare: await task(import('../functions/compliance/prepare'), 'prepare'),
      fetchMedia: await task(import('../functions/compliance/fetch-media'), 'fetchMedia'),
      ruleChecks: await task(import('../functions/compliance/rule-checks'), 'ruleChecks'),
      sentimentCheck: await task(import('../functions/compliance/sentiment-check'), 'sentimentCheck'),
      record: await task(import('../functions/compliance/record'), 'record'),
      notify: await task(import('../functions/compliance/notify'), 'notify'),
    },
    { concurrency: options.pipelineConcurrency, retryIntervalMs: env.VIGIA_FLOW_RETRY_MS ? Number(env.VIGIA_FLOW_RETRY_MS) : undefined, onExecution: meter ? (ms) => meter.flow(ms) : undefined },
  );
  inProcessQueues.set('compliance', {
    send: async (bodies) => {
      meter?.count('StepFunctions.StartExecution', bodies.length);
      await compliance.send(bodies);
    },
  });

  // First-contact disclosure: ingest hands new inbound messages over (an asynchronous Lambda
  // invocation on AWS, whose retries this queue stands in for) to the same handler.
  const disclosureHandler = disclosureEnabled
    ? metered('disclosure', (await import('../functions/disclosure/handler')).handler as unknown as Handler<{ messageIds: string[] }, unknown>)
    : undefined;
  const disclosureQueue = new WorkQueue<string>({
    concurrency: 1,
    batchSize: 100,
    maxAttempts: 3,
    process: async (messageIds) => {
      await disclosureHandler!({ messageIds }, lambdaContext('vigia-disclosure'));
      return [];
    },
    onGiveUp: (messageId, error) => console.error(`vigia: disclosure gave up on message ${messageId}: ${(error as Error | undefined)?.message}`),
  });
  if (disclosureHandler) {
    inProcessQueues.set('disclosure', {
      send: async (messageIds) => {
        meter?.count('Lambda.Invoke', Math.ceil(messageIds.length / 100));
        messageIds.forEach((messageId) => disclosureQueue.push(messageId));
      },
    });
  }
  // Employee notice: the acknowledgement route, and the sender (run below once the URL is known).
  const noticeAck = noticeEnabled ? metered('noticeAck', (await import('../functions/notice-ack/handler')).handler as unknown as Handler<unknown, any>) : undefined;

  let sequence = 0;
  const queue = sqsQueue('ingest', ingest, { concurrency: options.ingestConcurrency ?? 4, batchSize: 10, maxAttempts: 5 });
  const mediaQueue = sqsQueue('media', mediaFetch, { concurrency: options.pipelineConcurrency ?? 2, batchSize: 1, maxAttempts: 3 });
  inProcessQueues.set('media', {
    send: async (bodies) => {
      meter?.count('SQS.SendMessage', bodies.length);
      bodies.forEach((body) => mediaQueue.push({ messageId: `media-${++sequence}`, body } as SQSRecord));
    },
  });
  const enqueue = (notification: unknown) =>
    queue.push({ messageId: `local-${++sequence}`, body: JSON.stringify(notification) } as SQSRecord);

  s3Server.on('event', (notification: { Records: { s3: { object: { key: string } } }[] }) => {
    // Same filter as the bucket notification on AWS: only the raw area triggers ingest.
    if (notification.Records.some((record) => record.s3.object.key.startsWith(ARCHIVE_PREFIXES.raw))) {
      meter?.count('SQS.SendMessage');
      enqueue(notification);
    }
  });

  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz' && request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'ok', pendingIngest: queue.size }));
        return;
      }
      if (path === NOTICE_ACK_PATH && noticeAck) {
        const body = await readBody(request, 64 * 1024);
        meter?.count('ApiGateway.Request');
        writeResult(response, await noticeAck(toApiGatewayEvent(request, body, `${request.method} ${NOTICE_ACK_PATH}`), lambdaContext('vigia-notice-ack')));
        return;
      }
      if (path !== '/webhook') {
        writeResult(response, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'not_found', message: `no route for ${request.method} ${path}` }) });
        return;
      }
      const body = await readBody(request);
      meter?.count('ApiGateway.Request');
      const event = toApiGatewayEvent(request, body, `${request.method} /webhook`);
      writeResult(response, await webhook(event, lambdaContext('vigia-webhook')));
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        writeResult(response, { statusCode: 413, headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ error: 'payload_too_large', message: error.message }) });
        request.destroy();
        return;
      }
      console.error('vigia: request failed', (error as Error).message);
      writeResult(response, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'internal_error', message: 'the webhook could not be archived; Meta will retry' }) });
    }
  });
  const port = options.port ?? Number(env.PORT ?? 3000);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Employee notices due for the current policy version (on AWS: after each deploy and daily).
  // The links point at this stack; the e-mails go to the outbox.
  process.env.VIGIA_PUBLIC_URL = url;
  const noticeSender = noticeEnabled ? metered('notice', (await import('../functions/notice/handler')).handler as unknown as Handler<unknown, unknown>) : undefined;
  const sendNotices = async () => {
    if (!noticeSender) return { results: [] };
    return noticeSender({}, lambdaContext('vigia-notice')).catch((error: Error) => {
      console.error(`vigia: employee notices failed: ${error.message}`);
      return { error: error.message };
    });
  };
  await sendNotices();

  // Retention: what DynamoDB's TTL and the S3 lifecycle rules do on AWS (docs/privacy.md).
  if (config.retention) {
    await sweepRetention({ repository: new DynamoDbPrivacyRepository(db, LOCAL_TABLE), objects: new S3ArchiveObjects(s3, LOCAL_BUCKET), retention: config.retention }).catch((error: Error) =>
      console.error(`vigia: retention sweep failed: ${error.message}`),
    );
  }

  // Crash recovery: raw bodies acknowledged before a crash but never projected.
  const archive = new S3RawArchive(s3, LOCAL_BUCKET);
  const repository = new DynamoDbArchiveRepository(db, LOCAL_TABLE);
  const unprojected: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const done = await repository.projectedKeys(batch);
    unprojected.push(...batch.filter((key) => !done.has(key)));
    batch = [];
  };
  for await (const object of archive.listRaw()) {
    batch.push(object.key);
    if (batch.length >= 500) await flush();
  }
  await flush();
  // The re-drive: messages whose check was cut short and alerts not delivered, from stored state.
  // At start with no grace (nothing of the previous process runs any more), then on a timer.
  const redrive = (graceSeconds?: number) =>
    redriveHandler(graceSeconds === undefined ? {} : { graceSeconds }, lambdaContext('vigia-redrive')).catch((error: Error) => {
      console.error(`vigia: re-drive failed: ${error.message}`);
      return { error: error.message };
    });
  // Not awaited: the stack answers webhooks meanwhile; drained() waits for it.
  const startRedrive = redrive(0);
  const redriveTimer = setInterval(() => void redrive(), Number(env.VIGIA_REDRIVE_SECONDS ?? 120) * 1000);
  redriveTimer.unref();
  for (const key of unprojected) {
    enqueue({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: LOCAL_BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } }] });
  }

  // The hourly EventBridge schedule on AWS; locally every VIGIA_MEDIA_SWEEP_SECONDS (and once at start).
  const sweep = () => mediaSweeper({}, lambdaContext('vigia-media-sweeper')).catch((error: Error) => console.error(`vigia: media sweep failed: ${error.message}`));
  await sweep();
  const sweepTimer = setInterval(sweep, Number(env.VIGIA_MEDIA_SWEEP_SECONDS ?? 300) * 1000);
  sweepTimer.unref();

  const info: LocalStackInfo = {
    pid: process.pid,
    url,
    dynamodbEndpoint,
    s3Endpoint,
    bucket: LOCAL_BUCKET,
    analyticsBucket: LOCAL_ANALYTICS_BUCKET,
    table: LOCAL_TABLE,
    graphApiUrl: process.env.WHATSAPP_GRAPH_API_URL,
    outboxFile,
    configFile,
    startedAt: new Date().toISOString(),
  };
  const stackFile = join(dataDir, STACK_FILE);
  writeFileSync(stackFile, JSON.stringify(info, null, 2));

  let stopped = false;
  return {
    info,
    secrets,
    dataDir,
    recovered: unprojected.length,
    fakeGraphApiUrl: fakeGraph?.url,
    drained: async () => {
      await startRedrive;
      // Ingest feeds the media queue and the compliance flow, which feed each other: wait until all are quiet.
      while (queue.size + mediaQueue.size + compliance.queue.size + disclosureQueue.size > 0) {
        await queue.drained();
        await mediaQueue.drained();
        await compliance.queue.drained();
        await disclosureQueue.drained();
      }
    },
    pendingIngest: () => queue.size + mediaQueue.size + compliance.queue.size + disclosureQueue.size,
    sendNotices,
    pausePipeline: () => queue.pause(),
    resumePipeline: () => queue.resume(),
    outboxFile,
    config,
    sweepMedia: sweep,
    redrive,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await closed;
      clearInterval(sweepTimer);
      clearInterval(redriveTimer);
      await queue.drained();
      await mediaQueue.drained();
      queue.close();
      await compliance.queue.drained();
      mediaQueue.close();
      compliance.queue.close();
      inProcessQueues.delete('media');
      inProcessQueues.delete('compliance');
      await disclosureQueue.drained();
      disclosureQueue.close();
      inProcessQueues.delete('disclosure');
      await fakeGraph?.close();
      await s3Server.close();
      await new Promise<void>((done) => dynamoServer.close(() => done()));
      db.destroy();
      s3.destroy();
      rmSync(stackFile, { force: true });
    },
  };
}

/** A local stand-in for an SQS queue feeding a Lambda handler with partial batch responses. */
function sqsQueue(name: string, handler: Handler<SQSEvent, SQSBatchResponse>, options: { concurrency: number; batchSize: number; maxAttempts: number }) {
  return new WorkQueue<SQSRecord>({
    ...options,
    process: async (records) => {
      const response = await handler({ Records: records }, lambdaContext(`vigia-${name}`));
      const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      return records.filter((record) => failed.has(record.messageId));
    },
    onGiveUp: (record) => {
      // Like an SQS DLQ: the work is not lost — raw objects are re-projected at the next start or by
      // `vigia replay`, media is picked up by the sweeper or `vigia media retry`.
      console.error(`vigia: ${name} gave up after ${options.maxAttempts} attempts on ${record.messageId}`);
    },
  });
}

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])));
}
