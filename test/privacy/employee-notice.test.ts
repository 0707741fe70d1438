import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { CliError } from '../../cli/errors';
import type { NoticeOutboxEntry } from '../../local/adapters/outbox';
import { signNoticeToken } from '../../shared/privacy/notice-token';
import type { LineNoticeJson } from '../../cli/commands/lines';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { cli, cliJson } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { LINE, OTHER_LINE, privacyConfigFile } from './notice-disclosure-fixtures';

let stack: TestStack;
beforeAll(async () => {
  const config = privacyConfigFile(`privacy:
  employeeNotice:
    policyVersion: "2026-11"
    policyUrl: "https://intranet.example.com/whatsapp-policy"
    from: compliance@example.com
    linkValidDays: 30
`);
  stack = await startTestStack({ env: { VIGIA_CONFIG: config } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
});
afterAll(async () => {
  await stack?.stop();
});

const notices = (): NoticeOutboxEntry[] =>
  readFileSync(stack.stack.outboxFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.kind === 'notice');
const linkIn = (entry: NoticeOutboxEntry) => entry.body.match(/(http:\/\/127\.0\.0\.1:\d+\/notice\/ack\?token=\S+)/)![1];
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const lines = async () => Object.fromEntries((await cliJson<LineNoticeJson>('lines', '--json')).map((line) => [line.lineId, line]));

const follow = (link: string, accept = 'text/html') => fetch(link, { headers: { accept } });
const confirm = (token: string, accept = 'text/html') =>
  fetch(`${stack.stack.info.url}/notice/ack`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept, 'user-agent': 'vigia-test' }, body: new URLSearchParams({ token }).toString() });
const refusal = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: string; message: string }) });

/** main() for a command expected to fail: the CliError it throws (the bin prints its message). */
async function failure(...args: string[]): Promise<CliError> {
  const printed: string[] = [];
  const error = await main(args, (line) => printed.push(line)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `vigia ${args.join(' ')} should fail`).toBeInstanceOf(CliError);
  expect(printed).toEqual([]);
  return error as CliError;
}

describe('employee notice', () => {
  let firstLink: string;

  it('is e-mailed at start to each line with an email, with a personal link (the local outbox)', async () => {
    const sent = notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'notice', lineId: LINE, channel: 'email', recipient: 'ana@example.com', employee: 'Ana Souza', from: 'compliance@example.com' });
    expect(sent[0].subject).toBe('WhatsApp usage policy 2026-11: please confirm you have read it');
    expect(sent[0].body).toContain('https://intranet.example.com/whatsapp-policy');
    firstLink = linkIn(sent[0]);
    expect(firstLink.startsWith(`${stack.stack.info.url}/notice/ack?token=`)).toBe(true);
    // `vigia notifications` lists it beside the alert e-mails.
    expect((await cli('notifications')).some((line) => line.includes('ana@example.com') && line.includes(`notice ${LINE}`))).toBe(true);
  });

  it('is not sent twice for the same policy version (a restart, the daily run)', async () => {
    await stack.stack.sendNotices();
    expect(notices()).toHaveLength(1);
  });

  it('shows each line’s state with vigia lines --json', async () => {
    const state = await lines();
    expect(state[LINE]).toMatchObject({ employee: 'Ana Souza', email: 'ana@example.com', team: 'ventas', policyVersion: '2026-11', state: 'sent', sentTo: 'ana@example.com', sends: 1, acknowledgedAt: null, acknowledgedBy: null });
    expect(Date.parse(state[LINE].sentAt!)).toBeGreaterThan(Date.now() - 120_000);
    expect(state[OTHER_LINE]).toMatchObject({ employee: 'Bruno Lima', email: null, state: 'no_email', sentAt: null, acknowledgedAt: null });
    const table = await cli('lines');
    expect(table[0]).toMatch(/^LINE\s+EMPLOYEE\s+EMAIL\s+POLICY\s+STATE\s+SENT\s+ACKNOWLEDGED$/);
    expect(table.find((line) => line.startsWith(LINE))).toMatch(/Ana Souza\s+ana@example.com\s+2026-11\s+sent\s+\d{4}-/);
  });

  it('re-sends with vigia lines notify LINE: a new link, and the old one stops working', async () => {
    const [printed] = await cli('lines', 'notify', LINE);
    expect(printed).toMatch(new RegExp(`^notice for line ${LINE} \\(Ana Souza\\) sent to ana@example.com: policy version 2026-11, link valid until \\d{4}-`));
    const sent = notices();
    expect(sent).toHaveLength(2);
    expect(linkIn(sent[1])).not.toBe(firstLink);
    expect((await lines())[LINE]).toMatchObject({ state: 'sent', sends: 2 });

    expect(await refusal(await confirm(tokenOf(firstLink), 'application/json'))).toMatchObject({ status: 410, error: 'link_replaced', message: expect.stringMatching(/^A newer link was sent to you at .*: use the link in that e-mail\.$/) });
  });

  it('records the acknowledgement once: the link shows a confirmation page, the form records who, when and which version', async () => {
    const link = linkIn(notices().at(-1)!);
    const page = await follow(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Ana Souza, please confirm that you have read the usage policy (version 2026-11)');
    expect(html).toContain('<form method="post" action="ack">');
    expect(html).toContain('href="https://intranet.example.com/whatsapp-policy"');
    // Following the link (GET) records nothing: mail scanners follow links too.
    expect((await lines())[LINE].acknowledgedAt).toBeNull();

    const before = Date.now();
    const recorded = await confirm(tokenOf(link));
    expect(recorded.status).toBe(200);
    expect(await recorded.text()).toContain('Your acknowledgement of the usage policy version 2026-11 was recorded at');
    const state = (await lines())[LINE];
    expect(state).toMatchObject({ state: 'acknowledged', policyVersion: '2026-11', acknowledgedBy: { employee: 'Ana Souza', email: 'ana@example.com' } });
    expect(Date.parse(state.acknowledgedAt!)).toBeGreaterThanOrEqual(before - 1000);

    // A second use, by POST or GET: 409 with the time it was recorded.
    const again = await refusal(await confirm(tokenOf(link), 'application/json'));
    expect(again).toEqual({ status: 409, error: 'already_used', message: `This link has already been used: your acknowledgement of version 2026-11 was recorded at ${state.acknowledgedAt}.` });
    const page2 = await follow(link);
    expect(page2.status).toBe(409);
    expect(await page2.text()).toContain('This link has already been used');
    expect((await lines())[LINE].acknowledgedAt).toBe(state.acknowledgedAt);
  });

  it('refuses a tampered, truncated or missing token, an expired token and a token for an old policy version', async () => {
    const token = tokenOf(linkIn(notices().at(-1)!));
    const [body, signature] = token.split('.');
    const flipped = `${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const json = 'application/json';
    const invalid = { status: 403, error: 'invalid_token', message: 'This link is not valid: it was changed or cut short. Open the link from your e-mail exactly as it is.' };
    expect(await refusal(await confirm(flipped, json))).toEqual(invalid);
    expect(await refusal(await confirm(token.slice(0, -5), json))).toEqual(invalid);
    // Another payload with the original signature.
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), l: OTHER_LINE })).toString('base64url');
    expect(await refusal(await confirm(`${forged}.${signature}`, json))).toEqual(invalid);
    expect(await refusal(await fetch(`${stack.stack.info.url}/notice/ack`, { headers: { accept: json } }))).toEqual({
      status: 400,
      error: 'missing_token',
      message: 'This link has no token. Open the link from your e-mail exactly as it is.',
    });

    const key = stack.stack.secrets.noticeSigningKey;
    const expired = signNoticeToken({ lineId: LINE, policyVersion: '2026-11', nonce: 'expired-nonce-1234', expiresAt: '2026-01-01T00:00:00.000Z' }, key);
    expect(await refusal(await confirm(expired, json))).toEqual({ status: 410, error: 'link_expired', message: 'This link expired on 2026-01-01. Ask your compliance team to send you a new one.' });
    const oldVersion = signNoticeToken({ lineId: LINE, policyVersion: '2025-01', nonce: 'old-version-nonce', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, key);
    expect(await refusal(await confirm(oldVersion, json))).toEqual({
      status: 410,
      error: 'policy_version_replaced',
      message: 'This link is for version 2025-01 of the usage policy, which was replaced by version 2026-11. Use the link in the most recent e-mail.',
    });
    // Refusals are pages for a browser, with the same status.
    const page = await follow(`${stack.stack.info.url}/notice/ack?token=${encodeURIComponent(flipped)}`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('This link is not valid');
  });

  it('vigia lines notify: an acknowledged line, a line without e-mail and an unknown line are one-line errors', async () => {
    const acknowledged = await failure('lines', 'notify', LINE);
    expect(acknowledged.exitCode).toBe(1);
    expect(acknowledged.message).toMatch(new RegExp(`^line ${LINE} \\(Ana Souza\\) acknowledged policy version 2026-11 at .*: nothing to re-send$`));
    expect((await failure('lines', 'notify', OTHER_LINE)).message).toBe(`line ${OTHER_LINE} (Bruno Lima) has no email in the config`);
    const unknown = await failure('lines', 'notify', '999');
    expect(unknown).toMatchObject({ exitCode: 1, message: `unknown line "999" (configured lines: ${LINE}, ${OTHER_LINE})` });
    expect((await failure('lines', 'notify')).exitCode).toBe(2);
    expect(notices()).toHaveLength(2);

    // Through the real binary (asynchronously: this process serves the stack): one line on stderr, exit code 1.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), 'lines', 'notify', '999'], { cwd: repoRoot, env: { ...process.env, VIGIA_DATA_DIR: stack.dataDir, VIGIA_STAGE: '' } }, (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      ),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`vigia: unknown line "999" (configured lines: ${LINE}, ${OTHER_LINE})\n`);
  });
});
