import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDbArchiveRepository } from '../shared/adapters/dynamodb-archive-repository';
import { S3RawArchive } from '../shared/adapters/s3-raw-archive';
import { createDynamoDbClient, createS3Client } from '../shared/clients';
import type { ArchiveRepository } from '../shared/ports/archive-repository';
import type { RawArchive } from '../shared/ports/raw-archive';
import type { LocalStackInfo } from '../local/stack';
import { CliError } from './errors';

/** The archive the CLI works on: the running local stack, or a deployed stage. */
export interface Target {
  description: string;
  repository: ArchiveRepository;
  archive: RawArchive;
  close(): void;
}

export async function resolveTarget(options: { stage?: string; env?: Record<string, string | undefined> }): Promise<Target> {
  const env = options.env ?? process.env;
  const stage = options.stage ?? env.VIGIA_STAGE;
  return stage ? stageTarget(stage) : localTarget(resolve(env.VIGIA_DATA_DIR ?? '.vigia'));
}

async function localTarget(dataDir: string): Promise<Target> {
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
  const db = createDynamoDbClient(info.dynamodbEndpoint);
  const s3 = createS3Client(info.s3Endpoint);
  return {
    description: `local stack at ${info.url}`,
    repository: new DynamoDbArchiveRepository(db, info.table),
    archive: new S3RawArchive(s3, info.bucket),
    close: () => {
      db.destroy();
      s3.destroy();
    },
  };
}

async function stageTarget(stage: string): Promise<Target> {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new CliError(`invalid stage name "${stage}" (lowercase letters, digits and dashes)`);
  const stackName = `Vigia-${stage}-Stateful`;
  const cloudFormation = new CloudFormationClient({});
  let outputs: Record<string, string>;
  try {
    const response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((response.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    throw new CliError(`cannot read stack ${stackName} with your AWS credentials: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
  const bucket = outputs.ArchiveBucketName;
  const table = outputs.ArchiveTableName;
  if (!bucket || !table) throw new CliError(`stack ${stackName} has no ArchiveBucketName/ArchiveTableName outputs; is it a Vigia stack?`);
  const db = createDynamoDbClient();
  const s3 = createS3Client();
  return {
    description: `stage ${stage} (${stackName})`,
    repository: new DynamoDbArchiveRepository(db, table),
    archive: new S3RawArchive(s3, bucket),
    close: () => {
      db.destroy();
      s3.destroy();
    },
  };
}
