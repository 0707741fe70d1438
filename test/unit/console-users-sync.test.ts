import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, CognitoIdentityProviderClient, ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { repoRoot } from '../helpers/paths';

/**
 * `vigia console users sync`: the user pool made to match vigia.config.yaml (Olivia, officer; Carla,
 * ventas; Diego, soporte) — the exact Cognito commands, never a delete, nothing written on a dry run.
 */

const POOL = 'us-east-1_TestPool1';
const cognito = mockClient(CognitoIdentityProviderClient);
const cloudFormation = mockClient(CloudFormationClient);
const saved = { config: process.env.VIGIA_CONFIG, stage: process.env.VIGIA_STAGE };

beforeAll(() => {
  process.env.VIGIA_CONFIG = join(repoRoot, 'vigia.config.yaml');
  delete process.env.VIGIA_STAGE;
});
afterAll(() => {
  cognito.restore();
  cloudFormation.restore();
  if (saved.config === undefined) delete process.env.VIGIA_CONFIG;
  else process.env.VIGIA_CONFIG = saved.config;
  if (saved.stage !== undefined) process.env.VIGIA_STAGE = saved.stage;
});

const user = (username: string, email: string, enabled: boolean): UserType => ({
  Username: username,
  Enabled: enabled,
  UserStatus: 'CONFIRMED',
  Attributes: [
    { Name: 'sub', Value: username },
    { Name: 'email', Value: email },
  ],
});

/** Carla is there; Diego was disabled and is back in the config; Bruno left it; Ex left long ago; Olivia is new. Two pages. */
function poolWithChanges(): void {
  cognito.on(ListUsersCommand, { UserPoolId: POOL }).resolves({ Users: [user('sub-carla', 'Carla@Example.com', true), user('sub-diego', 'diego@example.com', false)], PaginationToken: 'page-2' });
  cognito.on(ListUsersCommand, { UserPoolId: POOL, PaginationToken: 'page-2' }).resolves({ Users: [user('sub-bruno', 'bruno@example.com', true), user('sub-ex', 'ex@example.com', false)] });
  cognito.on(AdminCreateUserCommand).resolves({});
  cognito.on(AdminEnableUserCommand).resolves({});
  cognito.on(AdminDisableUserCommand).resolves({});
}

const stackWithPool = (stackName: string) =>
  cloudFormation.on(DescribeStacksCommand, { StackName: stackName }).resolves({
    Stacks: [{ StackName: stackName, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'UserPoolId', OutputValue: POOL }] }],
  });

async function run(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  expect(await main(argv, (line) => lines.push(line))).toBe(0);
  return lines;
}

/** Every command sent to Cognito, by name, with its input. */
const sent = () => cognito.calls().map((call) => [(call.args[0] as object).constructor.name, (call.args[0] as { input: unknown }).input]);
const writes = () => sent().filter(([name]) => name !== 'ListUsersCommand');

beforeEach(() => {
  cognito.reset();
  cloudFormation.reset();
  cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Vigia-prod-Console does not exist'));
});

describe('vigia console users sync --stage', () => {
  it('creates the missing, enables the returning and disables the extra user, with exactly these commands', async () => {
    stackWithPool('Vigia-prod-Console');
    poolWithChanges();
    const lines = await run('console', 'users', 'sync', '--stage', 'prod');
    expect(writes()).toEqual([
      [
        'AdminCreateUserCommand',
        {
          UserPoolId: POOL,
          Username: 'olivia@example.com',
          UserAttributes: [
            { Name: 'email', Value: 'olivia@example.com' },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        },
      ],
      ['AdminEnableUserCommand', { UserPoolId: POOL, Username: 'sub-diego' }],
      ['AdminDisableUserCommand', { UserPoolId: POOL, Username: 'sub-bruno' }],
    ]);
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(2);
    expect(lines).toEqual([
      'create olivia@example.com (Olivia Castro, officer; Cognito e-mails the invitation)',
      'enable diego@example.com (Diego Ruiz, manager of soporte; back in the config)',
      'disable bruno@example.com (no longer in the config; disabled, never deleted: the audit trail keeps them)',
      `console users of stage prod (user pool ${POOL}): 1 created, 1 enabled, 1 disabled, 1 unchanged, 1 already disabled`,
    ]);
  });

  it('--dry-run says what would change and sends no write command', async () => {
    stackWithPool('Vigia-prod-Console');
    poolWithChanges();
    const lines = await run('console', 'users', 'sync', '--stage', 'prod', '--dry-run');
    expect(writes()).toEqual([]);
    expect(sent().map(([name]) => name)).toEqual(['ListUsersCommand', 'ListUsersCommand']);
    expect(lines[0]).toBe('would create olivia@example.com (Olivia Castro, officer; Cognito e-mails the invitation)');
    expect(lines.at(-1)).toBe(`console users of stage prod (user pool ${POOL}): 1 would be created, 1 would be enabled, 1 would be disabled, 1 unchanged, 1 already disabled (dry run: nothing changed)`);
  });

  it('changes nothing when the pool already matches', async () => {
    stackWithPool('Vigia-prod-Pipeline');
    cognito.on(ListUsersCommand).resolves({ Users: [user('a', 'olivia@example.com', true), user('b', 'carla@example.com', true), user('c', 'diego@example.com', true)] });
    expect(await run('console', 'users', 'sync', '--stage', 'prod')).toEqual([`console users of stage prod (user pool ${POOL}): 0 created, 0 enabled, 0 disabled, 3 unchanged`]);
    expect(writes()).toEqual([]);
  });

  it('says so, exit 1, when no stack of the stage has a UserPoolId output', async () => {
    const error = (await main(['console', 'users', 'sync', '--stage', 'prod'], () => undefined).catch((caught: unknown) => caught)) as { message: string; exitCode: number };
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^no stack of stage prod has a UserPoolId output: is the console deployed\?/);
    expect(sent()).toEqual([]);
  });
});

describe('vigia console users sync, locally', () => {
  it('lists who signs in with which role, and sends nothing anywhere', async () => {
    const lines = await run('console', 'users', 'sync');
    expect(lines).toEqual([
      'Local stack: no user pool to sync. These people sign in to its console (served at the URL `npm start` prints):',
      'EMAIL               NAME           ROLE     TEAMS       LANGUAGE',
      'olivia@example.com  Olivia Castro  officer  every team  en',
      'carla@example.com   Carla Lima     manager  ventas      pt',
      'diego@example.com   Diego Ruiz     manager  soporte     es',
      'Passwords: the local dev passwords `npm start` prints (VIGIA_DEV_PASSWORD sets them). With --stage NAME this creates and disables the Cognito users of that stage.',
    ]);
    expect(sent()).toEqual([]);
    expect(cloudFormation.calls()).toEqual([]);
  });

  it('lists the people of the running local stack’s config, not VIGIA_CONFIG’s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-users-'));
    const configFile = join(dataDir, 'running.config.yaml');
    writeFileSync(configFile, readFileSync(join(repoRoot, 'vigia.config.yaml'), 'utf8').replace('{ name: Olivia Castro, email: olivia@example.com, language: en }', '{ name: Oscar Reis, email: oscar@example.com, language: pt }'));
    const stack = createServer((request, response) => response.writeHead(request.url === '/healthz' ? 200 : 404).end());
    await new Promise<void>((done) => stack.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(stack.address() as AddressInfo).port}`;
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify({ pid: process.pid, url, configFile }));
    const savedDataDir = process.env.VIGIA_DATA_DIR;
    process.env.VIGIA_DATA_DIR = dataDir;
    try {
      const lines = await run('console', 'users', 'sync');
      expect(lines.find((line) => line.startsWith('oscar@example.com'))?.split(/\s{2,}/)).toEqual(['oscar@example.com', 'Oscar Reis', 'officer', 'every team', 'pt']);
      expect(lines.join('\n')).not.toContain('olivia@example.com');
    } finally {
      if (savedDataDir === undefined) delete process.env.VIGIA_DATA_DIR;
      else process.env.VIGIA_DATA_DIR = savedDataDir;
      stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('usage', () => {
  it('--help never acts', async () => {
    stackWithPool('Vigia-prod-Console');
    poolWithChanges();
    const lines = await run('console', 'users', 'sync', '--stage', 'prod', '--help');
    expect(lines[0]).toBe('Usage: vigia console users sync [--dry-run]');
    expect(sent()).toEqual([]);
    expect(cloudFormation.calls()).toEqual([]);
  });

  it.each([
    [['console', 'users', 'sync', 'everyone'], "Unexpected argument 'everyone'"],
    [['console', 'users', 'sync', '--force'], "Unknown option '--force'"],
    [['console', 'users'], 'usage: vigia console users sync …'],
    [['console'], 'usage: vigia console users …'],
  ])('%j is a usage error (exit 2, one line)', async (argv, message) => {
    const error = (await main(argv, () => undefined).catch((caught: unknown) => caught)) as { message: string; exitCode: number };
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${message} (see vigia --help)`);
    expect(sent()).toEqual([]);
  });
});
