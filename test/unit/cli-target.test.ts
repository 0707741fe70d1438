import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../cli/target';
import { repoRoot } from '../helpers/paths';

const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => cloudFormation.reset());

describe('vigia --stage', () => {
  it('finds the archive through the Vigia-<stage>-Stateful outputs', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Vigia-prod-Stateful' }).resolves({
      Stacks: [{ StackName: 'Vigia-prod-Stateful', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'ArchiveBucketName', OutputValue: 'b' }, { OutputKey: 'ArchiveTableName', OutputValue: 't' }] }],
    });
    const target = await resolveTarget({ stage: 'prod', env: { AWS_REGION: 'us-east-1' } });
    expect(target.description).toBe('stage prod (Vigia-prod-Stateful)');
    target.close();
  });

  it('says which stack it could not read', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Vigia-qa-Stateful does not exist'));
    await expect(resolveTarget({ stage: 'qa', env: {} })).rejects.toThrow('cannot read stack Vigia-qa-Stateful with your AWS credentials: Stack with id Vigia-qa-Stateful does not exist');
  });

  it('rejects a stage name that cannot be a Vigia stack', async () => {
    await expect(resolveTarget({ stage: 'Prod_1', env: {} })).rejects.toThrow('invalid stage name "Prod_1"');
  });

  it('reads the stage from VIGIA_STAGE', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'x', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    await expect(resolveTarget({ env: { VIGIA_STAGE: 'dev' } })).rejects.toThrow('stack Vigia-dev-Stateful has no ArchiveBucketName/ArchiveTableName outputs; is it a Vigia stack?');
  });
});

describe('the vigia command', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), ...args], { cwd: repoRoot, env: { ...process.env, VIGIA_STAGE: '', ...env }, encoding: 'utf8' });

  it('says in one line, without a stack trace, that the local stack is not running', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-cli-'));
    const result = run(['messages'], { VIGIA_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`vigia: the local stack is not running (start it with \`npm start\`; data dir ${dataDir}), or use --stage NAME for a deployed stack\n`);
  });

  it('treats a stale stack.json (stack gone) as not running', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-cli-'));
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify({ url: 'http://127.0.0.1:9', dynamodbEndpoint: 'http://127.0.0.1:9', s3Endpoint: 'http://127.0.0.1:9', bucket: 'b', table: 't' }));
    const result = run(['replay'], { VIGIA_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^vigia: the local stack is not running/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with one line for a usage error, and prints help', () => {
    const bad = run(['messages', '--since', 'soon']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('vigia: --since must be an ISO 8601 date or time, got "soon" (see vigia --help)\n');
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('vigia messages'.replace('vigia ', ''));
    expect(help.stdout).toContain('--stage NAME');
  });
});
