import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDynamoDbClient, createS3Client } from '../shared/platform/clients';
import { ARCHIVE_PREFIXES } from '../shared/resources/definitions';
import { ensureBucket, ensureTable } from '../shared/resources/local-provisioning';
import { migrateIndexShards } from '../shared/resources/migrate-index-shards';
import { migrateSubjectIndex } from '../shared/resources/migrate-subject-index';
import { loadVigiaConfig, type VigiaConfig } from '../shared/config/vigia-config';
import { consoleUsers } from '../shared/console/principal';
import { tableAuditLog } from '../shared/evidence/adapters/audit-log';
import { LocalDigestSigner } from '../shared/evidence/adapters/local-signer';
import { S3EvidenceBucket } from '../shared/evidence/adapters/s3-evidence-bucket';
import { type SealResult, sealDigest } from '../shared/evidence/seal';
import { withSealLock } from './seal-lock';
import { DynamoDbPrivacyRepository } from '../shared/privacy/adapters/dynamodb-privacy-repository';
import { LocalConsoleAuth } from './console-auth';
import { loadConsolePasswords, loadLocalSecrets, type ConsolePasswords, type LocalSecrets } from './dev-secrets';
import { startFakeGraphApi } from './fake-graph-api';
import { setConsoleUrl, setHandlerEnvironment } from './handler-environment';
import { noticeSender, wirePipeline } from './handlers';
import type { LocalMeter } from './metering';
import { every, mediaSweep, objectCreated, redriver, sweepExpired, unprojectedRawKeys } from './recovery';
import { localRouter } from './router';
import { startDataServers, startHttpServer } from './servers';

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
   * dynalite in a worker thread of its own (local/servers.ts), off the handlers' event loop: what
   * the tests do (also VIGIA_LOCAL_DYNALITE_THREAD=1). @default false
   */
  dynaliteThread?: boolean;
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
  /** The console's local sign-in passwords (VIGIA_DEV_PASSWORD, or generated and kept in the dev secrets). */
  consolePasswords: ConsolePasswords;
  /** Issues and verifies the console's local ID tokens. */
  consoleAuth: LocalConsoleAuth;
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
  /**
   * Seals a tamper-evidence digest now (it also runs every VIGIA_EVIDENCE_SEAL_SECONDS, an hour by
   * default); `settleMs` shortens the wait for objects still being written (tests).
   */
  sealEvidence(options?: { now?: Date; settleMs?: number }): Promise<SealResult>;
  stop(): Promise<void>;
}

/**
 * The whole capture path on one machine: dynalite and s3rver driven by the real SDK clients,
 * the Lambda handlers invoked with API Gateway v2 and SQS events exactly as on AWS, and S3
 * notifications from s3rver feeding a local queue. One stack per process: the handlers read
 * their configuration once, at import, like a Lambda cold start.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env.VIGIA_DATA_DIR ?? '.vigia');
  const servers = await startDataServers(dataDir, options.dynaliteThread ?? env.VIGIA_LOCAL_DYNALITE_THREAD === '1');
  const { dynamodbEndpoint, s3Endpoint } = servers;

  const meter = options.meter;
  meter?.install();
  const db = createDynamoDbClient(dynamodbEndpoint);
  const s3 = createS3Client(s3Endpoint);
  await ensureTable(db, LOCAL_TABLE);
  // A data dir from before the sharded indexes (docs/data-model.md): its keys rewritten once, as
  // `vigia migrate index-shards` does on AWS. Done at once on a table that has it done.
  await migrateIndexShards(db, LOCAL_TABLE);
  // Likewise the contact index (`vigia migrate subject-index`): items from before it, indexed once.
  await migrateSubjectIndex(db, LOCAL_TABLE);
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
  setHandlerEnvironment(env, {
    bucket: LOCAL_BUCKET,
    table: LOCAL_TABLE,
    dynamodbEndpoint,
    s3Endpoint,
    secrets,
    config,
    outboxFile,
    fakeGraphApiUrl: fakeGraph?.url,
    comprehendEndpoint: options.comprehendEndpoint,
  });
  const pipeline = await wirePipeline({
    config,
    analyticsBucket: LOCAL_ANALYTICS_BUCKET,
    meter,
    ingestConcurrency: options.ingestConcurrency ?? 4,
    pipelineConcurrency: options.pipelineConcurrency,
    flowRetryMs: env.VIGIA_FLOW_RETRY_MS ? Number(env.VIGIA_FLOW_RETRY_MS) : undefined,
  });
  servers.onNotification((notification) => {
    // Same filter as the bucket notification on AWS: only the raw area triggers ingest.
    if (notification.Records.some((record) => record.s3.object.key.startsWith(ARCHIVE_PREFIXES.raw))) {
      meter?.count('SQS.SendMessage');
      pipeline.enqueue(notification);
    }
  });

  // The console's sign-in: Cognito on AWS; here dev passwords and tokens signed with a dev key.
  const consolePasswords = loadConsolePasswords(dataDir, consoleUsers(config).map((user) => user.email), env);
  const consoleAuth = new LocalConsoleAuth(secrets.consoleSigningKey, consolePasswords);
  const http = await startHttpServer(
    options.port ?? Number(env.PORT ?? 3000),
    localRouter({ webhook: pipeline.webhook, noticeAck: pipeline.noticeAck, consoleApi: pipeline.consoleApi, consoleAuth, pendingIngest: () => pipeline.ingestSize(), meter }),
  );
  const url = http.url;
  // The console is served here: the alert e-mails and SMS link to it from now on.
  setConsoleUrl(url);

  // Employee notices due for the current policy version; the e-mails go to the outbox.
  const sendNotices = await noticeSender(config, url, meter);
  await sendNotices();

  const stores = { db, s3, bucket: LOCAL_BUCKET, table: LOCAL_TABLE };
  if (config.retention) await sweepExpired(stores, config.retention);
  // Crash recovery: raw bodies acknowledged before a crash but never projected.
  const unprojected = await unprojectedRawKeys(stores);
  // The re-drive at start with no grace (nothing of the previous process runs any more), then on a timer.
  const redrive = redriver(pipeline.redrive);
  // Not awaited: the stack answers webhooks meanwhile; drained() waits for it.
  const startRedrive = redrive(0);
  const redriveTimer = every(Number(env.VIGIA_REDRIVE_SECONDS ?? 120), () => redrive());
  for (const key of unprojected) pipeline.enqueue(objectCreated(LOCAL_BUCKET, key));

  // The hourly EventBridge schedule on AWS; locally every VIGIA_MEDIA_SWEEP_SECONDS (and once at start).
  const sweep = mediaSweep(pipeline.mediaSweeper);
  await sweep();
  const sweepTimer = every(Number(env.VIGIA_MEDIA_SWEEP_SECONDS ?? 300), sweep);

  // Tamper evidence (docs/evidence.md): a signed digest every hour, as the AWS schedule does.
  const evidence = { bucket: new S3EvidenceBucket(s3, LOCAL_BUCKET), audit: tableAuditLog(new DynamoDbPrivacyRepository(db, LOCAL_TABLE)), signer: new LocalDigestSigner(secrets.evidenceSigningKey), stage: 'local' };
  // One seal at a time, this stack's and `vigia evidence seal`'s alike (local/seal-lock.ts).
  const sealEvidence = (options: { now?: Date; settleMs?: number } = {}) =>
    withSealLock(dataDir, () => sealDigest({ ...evidence, now: options.now ? () => options.now! : undefined, settleMs: options.settleMs }));
  const sealTimer = every(Number(env.VIGIA_EVIDENCE_SEAL_SECONDS ?? 3600), () =>
    sealEvidence().catch((error: Error) => process.stderr.write(`vigia: sealing a tamper-evidence digest failed, the next run covers its period: ${error.message}\n`)),
  );

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
    consolePasswords,
    consoleAuth,
    dataDir,
    recovered: unprojected.length,
    fakeGraphApiUrl: fakeGraph?.url,
    drained: async () => {
      await startRedrive;
      await pipeline.drained();
    },
    pendingIngest: () => pipeline.size(),
    sendNotices,
    pausePipeline: () => pipeline.pause(),
    resumePipeline: () => pipeline.resume(),
    outboxFile,
    config,
    sweepMedia: sweep,
    redrive,
    sealEvidence,
    async stop() {
      if (stopped) return;
      stopped = true;
      await http.close();
      clearInterval(sweepTimer);
      clearInterval(redriveTimer);
      clearInterval(sealTimer);
      await pipeline.close();
      await fakeGraph?.close();
      await servers.close();
      db.destroy();
      s3.destroy();
      rmSync(stackFile, { force: true });
    },
  };
}
