import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

/** `vigia evidence seal --stage`: the stage's seal function is invoked synchronously, as the schedule runs it. */

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

const outputs = (stackName: string, values: Record<string, string>) => ({
  Stacks: [{ StackName: stackName, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' as const, Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
});
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  expect(await main(args, (line) => lines.push(line))).toBe(0);
  return lines;
}
async function failure(...args: string[]): Promise<string> {
  const error = (await main(args, () => undefined).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { message: string } | undefined;
  expect(error).toBeDefined();
  return error!.message;
}

beforeEach(() => {
  cloudFormation.reset();
  lambda.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Stateful' }).resolves(outputs('Vigia-prod-Stateful', { ArchiveBucketName: 'archive', ArchiveTableName: 'table', EvidenceSigningKeyArn: 'arn:aws:kms:us-east-1:1:key/k' }));
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Pipeline' }).resolves(outputs('Vigia-prod-Pipeline', { EvidenceSealFunctionName: 'Vigia-prod-seal' }));
});

describe('vigia evidence seal --stage', () => {
  it('invokes the seal function with an empty payload and prints where the digest is', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ sealed: true, key: 'evidence/digests/0000000007.json', sequence: 7, leaves: 1200, periodFrom: 'a', periodTo: 'b' }) });
    expect(await run('evidence', 'seal', '--stage', 'prod')).toEqual(['sealed digest 7 (evidence/digests/0000000007.json): 1200 leaves, a → b (stage prod)']);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call!.args[0].input).toMatchObject({ FunctionName: 'Vigia-prod-seal', InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(call!.args[0].input.Payload as Uint8Array))).toEqual({});
  });

  it('says when there was nothing to seal, and names a failed run or an answer that is not a summary in one line', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200, Payload: payload({ sealed: false, reason: 'digest 7 already covers up to b' }) })
      .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'AccessDeniedException', errorMessage: 'not authorized to perform kms:Sign' }) })
      .resolvesOnce({ StatusCode: 200, Payload: payload('ok') });
    expect(await run('evidence', 'seal', '--stage', 'prod')).toEqual(['nothing to seal: digest 7 already covers up to b']);
    expect(await failure('evidence', 'seal', '--stage', 'prod')).toBe('the seal function Vigia-prod-seal failed: AccessDeniedException: not authorized to perform kms:Sign');
    expect(await failure('evidence', 'seal', '--stage', 'prod')).toBe('the seal function Vigia-prod-seal returned no summary: "ok"');
  });

  it('tells to deploy when the stage has no seal function, without invoking anything', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Pipeline' }).resolves(outputs('Vigia-prod-Pipeline', {}));
    expect(await failure('evidence', 'seal', '--stage', 'prod')).toBe('stage prod has no EvidenceSealFunctionName output; deploy this version of Vigia (cdk deploy --all -c stage=prod)');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
