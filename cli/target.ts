import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbAlertRepository } from '../shared/compliance/adapters/dynamodb-alert-repository';
import { DynamoDbArchiveRepository } from '../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbMediaRepository } from '../shared/media/adapters/dynamodb-media-repository';
import { DynamoDbNoticeRepository } from '../shared/privacy/adapters/dynamodb-notice-repository';
import { DEFAULT_GRAPH_API_URL, FetchGraphMediaApi, type GraphMediaApi } from '../shared/media/adapters/graph-media-api';
import { S3MediaStore } from '../shared/media/adapters/s3-media-store';
import { S3RawArchive } from '../shared/capture/adapters/s3-raw-archive';
import { DynamoDbAnalyticsSource } from '../shared/analytics/adapters/dynamodb-analytics-source';
import { DynamoDbPrivacyRepository } from '../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3AnalyticsStore } from '../shared/analytics/adapters/s3-analytics-store';
import { S3EvidenceBucket } from '../shared/evidence/adapters/s3-evidence-bucket';
import { S3ArchiveObjects } from '../shared/privacy/adapters/s3-archive-objects';
import { createDynamoDbClient, createS3Client } from '../shared/platform/clients';
import type { MediaRepository } from '../shared/media/ports/media-repository';
import type { RawArchive } from '../shared/capture/ports/raw-archive';
import type { LocalStackInfo } from '../local/stack';
import { CliError } from './errors';

/** The archive the CLI works on: the running local stack, or a deployed stage. */
export interface Target {
  description: string;
  repository: DynamoDbArchiveRepository;
  archive: RawArchive;
  media: MediaRepository;
  mediaStore: S3MediaStore;
  alerts: DynamoDbAlertRepository;
  /** Local stack only: the notifications outbox (on AWS, SNS delivers them). */
  outboxFile?: string;
  /** The Graph API with the line's access token (only `vigia media retry` needs it). */
  graph(): Promise<GraphMediaApi>;
  /** Employee notices (`vigia lines`). */
  notices: DynamoDbNoticeRepository;
  /** Set for the local stack: its stack.json and data dir (`vigia lines notify` sends from here). */
  local?: { info: LocalStackInfo; dataDir: string };
  /** Set for a deployed stage. */
  stage?: string;
  /** Holds, erasure tombstones, the audit log and subject scans (`vigia subject|hold|audit|retention`). */
  privacy: DynamoDbPrivacyRepository;
  /** The archive bucket's objects: delete every version, re-tag, Object Lock legal holds. */
  objects: S3ArchiveObjects;
  /** The archive table itself, for maintenance that works on its keys (`vigia migrate`). */
  table: { db: DynamoDBDocumentClient; name: string };
  /** The archive bucket as tamper evidence reads and writes it (`vigia evidence`, erasure records). */
  evidence: S3EvidenceBucket;
  /** The analytics export (source table, bucket), kept in step after an erasure; unset without an analytics bucket. */
  analytics?: { source: DynamoDbAnalyticsSource; store: S3AnalyticsStore };
  close(): void;
}

type Env = Record<string, string | undefined>;

export async function resolveTarget(options: { stage?: string; env?: Env }): Promise<Target> {
  const env = options.env ?? process.env;
  const stage = options.stage ?? env.VIGIA_STAGE;
  return stage ? stageTarget(stage, env) : localTarget(resolve(env.VIGIA_DATA_DIR ?? '.vigia'), env);
}

function archiveTarget(
  description: string,
  db: DynamoDBDocumentClient,
  s3: S3Client,
  table: string,
  bucket: string,
  graph: () => Promise<GraphMediaApi>,
  outboxFile?: string,
  analyticsBucket?: string,
): Target {
  return {
    description,
    outboxFile,
    privacy: new DynamoDbPrivacyRepository(db, table),
    objects: new S3ArchiveObjects(s3, bucket),
    evidence: new S3EvidenceBucket(s3, bucket),
    table: { db, name: table },
    analytics: analyticsBucket ? { source: new DynamoDbAnalyticsSource(db, table), store: new S3AnalyticsStore(s3, analyticsBucket) } : undefined,
    alerts: new DynamoDbAlertRepository(db, table),
    repository: new DynamoDbArchiveRepository(db, table),
    archive: new S3RawArchive(s3, bucket),
    media: new DynamoDbMediaRepository(db, table),
    mediaStore: new S3MediaStore(s3, bucket),
    notices: new DynamoDbNoticeRepository(db, table),
    graph,
    close: () => {
      db.destroy();
      s3.destroy();
    },
  };
}

/** The running local stack's `stack.json`, after checking it answers; one-line CliError if not. */
export async function runningLocalStack(dataDir: string): Promise<LocalStackInfo> {
  const notRunning = `the local stack is not running (start it with \`npm start\`; data dir ${dataDir}), or use --stage NAME for a deployed stack`;
  const file = join(dataDir, 'stack.json');
  if (!existsSync(file)) throw new CliError(notRunning);
  const info = JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo;
  try {
    const health = await fetch(`${info.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    if (!health.ok) throw new Error(`healthz answered ${health.status}`);
  } catch {
    throw new CliError(notRunning);
  }
  return info;
}

/** The config file of the local stack running in `$VIGIA_DATA_DIR` (undefined when none runs, or it was started without one). */
export async function runningLocalConfigFile(env: Env = process.env): Promise<string | undefined> {
  try {
    return (await runningLocalStack(resolve(env.VIGIA_DATA_DIR ?? '.vigia'))).configFile;
  } catch (error) {
    if (error instanceof CliError) return undefined;
    throw error;
  }
}

async function localTarget(dataDir: string, env: Env): Promise<Target> {
  const info = await runningLocalStack(dataDir);
  const graph = async () => {
    const secretsFile = join(dataDir, 'dev-secrets.json');
    const stored = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as { accessToken?: string }) : {};
    const token = env.WHATSAPP_ACCESS_TOKEN ?? stored.accessToken;
    if (!token) throw new CliError('no Graph API access token: set WHATSAPP_ACCESS_TOKEN to the one the local stack uses');
    return new FetchGraphMediaApi(info.graphApiUrl ?? DEFAULT_GRAPH_API_URL, async () => token);
  };
  return {
    ...archiveTarget(`local stack at ${info.url}`, createDynamoDbClient(info.dynamodbEndpoint), createS3Client(info.s3Endpoint), info.table, info.bucket, graph, info.outboxFile, info.analyticsBucket),
    local: { info, dataDir },
  };
}

async function stageTarget(stage: string, env: Env): Promise<Target> {
  checkStageName(stage);
  const stateful = await stackOutputs(`Vigia-${stage}-Stateful`);
  const bucket = stateful.ArchiveBucketName;
  const table = stateful.ArchiveTableName;
  if (!bucket || !table) throw new CliError(`stack Vigia-${stage}-Stateful has no ArchiveBucketName/ArchiveTableName outputs; is it a Vigia stack?`);
  const graph = async () => {
    const secretArn = (await stackOutputs(`Vigia-${stage}-Pipeline`)).WhatsAppSecretArn;
    if (!secretArn) throw new CliError(`stack Vigia-${stage}-Pipeline has no WhatsAppSecretArn output`);
    const secretsManager = new SecretsManagerClient({});
    try {
      const secret = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
      const token = (JSON.parse(secret.SecretString ?? '{}') as { accessToken?: string }).accessToken;
      if (!token) throw new CliError(`the secret ${secretArn} has no accessToken`);
      return new FetchGraphMediaApi(env.WHATSAPP_GRAPH_API_URL ?? DEFAULT_GRAPH_API_URL, async () => token);
    } finally {
      secretsManager.destroy();
    }
  };
  return { ...archiveTarget(`stage ${stage} (Vigia-${stage}-Stateful)`, createDynamoDbClient(), createS3Client(), table, bucket, graph, undefined, stateful.AnalyticsBucketName || undefined), stage };
}

export function checkStageName(stage: string): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(stage)) throw new CliError(`invalid stage name "${stage}" (lowercase letters, digits and dashes)`);
}

/** The outputs of both stacks of a stage (`Vigia-<stage>-Stateful` and `-Pipeline`), merged. */
export async function stageOutputs(stage: string): Promise<Record<string, string>> {
  const [stateful, pipeline] = await Promise.all([stackOutputs(`Vigia-${stage}-Stateful`), stackOutputs(`Vigia-${stage}-Pipeline`)]);
  return { ...stateful, ...pipeline };
}

export async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient({});
  try {
    const response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries((response.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    throw new CliError(`cannot read stack ${stackName} with your AWS credentials: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
}
