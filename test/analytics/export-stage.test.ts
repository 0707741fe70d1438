import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { RunExportResult } from '../../shared/analytics/export';

/** `vigia export --stage`: the deployed function is invoked synchronously, then the export is downloaded. */

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
const work = mkdtempSync(join(tmpdir(), 'vigia-export-stage-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const outputs = (stackName: string, values: Record<string, string>) => ({
  Stacks: [{ StackName: stackName, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' as const, Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
});
const summary: RunExportResult = {
  mode: 'since',
  watermarkUpdated: true,
  days: ['2026-11-01', '2026-11-02'],
  tables: { messages: { rows: 10, files: 2, skipped: 0 }, statuses: { rows: 4, files: 1, skipped: 0 }, alerts: { rows: 1, files: 1, skipped: 0 }, media: { rows: 0, files: 0, skipped: 0 } },
};
/** The invocation response payload (the SDK wraps it in a Uint8ArrayBlobAdapter; the CLI only decodes the bytes). */
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  expect(await main(args, (line) => lines.push(line))).toBe(0);
  return lines;
}
async function failure(...args: string[]): Promise<{ message: string; exitCode: number }> {
  const error = (await main(args, () => undefined).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { message: string; exitCode: number } | undefined;
  expect(error).toBeDefined();
  return error!;
}

beforeEach(() => {
  cloudFormation.reset();
  lambda.reset();
  s3.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Stateful' }).resolves(outputs('Vigia-prod-Stateful', { AnalyticsBucketName: 'analytics-bucket' }));
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Analytics' }).resolves(outputs('Vigia-prod-Analytics', { AnalyticsExportFunctionName: 'Vigia-prod-export' }));
});

describe('vigia export --stage', () => {
  it('invokes the export function synchronously with {since} and prints its counts', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(summary) });
    const lines = await run('export', '--stage', 'prod', '--since', '2026-11-01');
    expect(lines).toEqual([
      'exported 2 days (2026-11-01 … 2026-11-02) from stage prod (Vigia-prod-export) to s3://analytics-bucket/exports/ (since): messages 10, statuses 4, alerts 1, media 0',
    ]);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call!.args[0].input).toMatchObject({ FunctionName: 'Vigia-prod-export', InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(call!.args[0].input.Payload as Uint8Array))).toEqual({ since: '2026-11-01' });
  });

  it('sends an empty payload without --since (the incremental export), and downloads with --download', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ...summary, mode: 'incremental' }) });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'exports/messages/dt=2026-11-01/data.parquet', ETag: '"e1"', Size: 3 }] });
    // The SDK's streaming body, reduced to the one method the download uses.
    const body = { transformToByteArray: async () => new Uint8Array(Buffer.from('PAR')) };
    s3.on(GetObjectCommand).resolves({ ETag: '"e1"', Body: body as never });
    const lines = await run('export', '--stage', 'prod', '--download', work);
    expect(JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array))).toEqual({});
    expect(lines[1]).toBe(`downloaded 1 file(s), 3 B, to ${join(work, 'exports')} (0 unchanged, 0 removed)`);
    expect(readFileSync(join(work, 'exports', 'messages', 'dt=2026-11-01', 'data.parquet'), 'utf8')).toBe('PAR');
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({ Bucket: 'analytics-bucket', Prefix: 'exports/' });
  });

  it('reports a failed run of the function in one line (exit 1)', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'AccessDenied', errorMessage: 'not authorized to perform dynamodb:Query' }) });
    const { message, exitCode } = await failure('export', '--stage', 'prod');
    expect(message).toBe('the export function Vigia-prod-export failed: AccessDenied: not authorized to perform dynamodb:Query');
    expect(exitCode).toBe(1);
  });

  it('tells to deploy when the stage has no analytics outputs, without invoking anything', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-old-Stateful' }).resolves(outputs('Vigia-old-Stateful', { ArchiveBucketName: 'a' }));
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-old-Analytics' }).rejects(new Error('Stack with id Vigia-old-Analytics does not exist'));
    const { message, exitCode } = await failure('export', '--stage', 'old');
    expect(message).toBe('cannot read stack Vigia-old-Analytics with your AWS credentials: Stack with id Vigia-old-Analytics does not exist');
    expect(exitCode).toBe(1);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('checks the flags and the stage name before calling AWS', async () => {
    expect((await failure('export', '--stage', 'Prod!')).message).toBe('invalid stage name "Prod!" (lowercase letters, digits and dashes)');
    expect((await failure('export', '--stage', 'prod', '--since', '2026-1-1')).exitCode).toBe(2);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
