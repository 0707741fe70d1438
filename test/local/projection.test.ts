import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { MessageRecord } from '../../shared/capture/records';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { normalizeWebhook } from '../../shared/capture/whatsapp/normalize';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { fixtureFiles, readFixture, repoRoot } from '../helpers/paths';
import { cli } from '../helpers/cli';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
});
afterAll(async () => {
  await stack.stop();
});

async function messages(...args: string[]): Promise<MessageView[]> {
  return (await cli('messages', '--json', ...args)).map((line) => JSON.parse(line) as MessageView);
}

function envelope(field: string, value: Record<string, unknown>, lineId = '106540352242999') {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba-1', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940009999', phone_number_id: lineId }, ...value } }] }],
  });
}

const text = (id: string, body: string, timestamp = '1764300000', from = '5511981234567') => ({ from, id, timestamp, type: 'text', text: { body } });

describe('the fixture corpus through the local stack', () => {
  it('acknowledges every public payload and lists every message id it carries exactly once', async () => {
    const expected = new Map<string, MessageRecord>();
    for (const name of fixtureFiles()) {
      const body = readFixture(name);
      const response = await stack.post(body);
      expect(response.status, name).toBe(200);
      for (const record of normalizeWebhook(JSON.parse(body.toString())).records) {
        if (record.kind === 'message' && !expected.has(record.id)) expected.set(record.id, record);
      }
    }
    await stack.stack.drained();
    const listed = await messages();
    const ids = listed.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [id, record] of expected) {
      const message = listed.find((candidate) => candidate.id === id);
      expect(message, id).toBeDefined();
      expect(message!.lineId).toBe(record.lineId);
    }
    // placeholder ids shared by several public fixtures with different content are recorded as conflicts
    expect(listed.some((message) => message.conflicts > 0)).toBe(true);
  });
});

describe('order independence and idempotency', () => {
  it('keeps a status that arrives before its message and shows it once the message arrives', async () => {
    const id = 'wamid.order-status-first';
    await stack.post(envelope('messages', { statuses: [{ id, status: 'read', timestamp: '1764300100', recipient_id: '5511981234567' }] }));
    await stack.post(envelope('messages', { statuses: [{ id, status: 'delivered', timestamp: '1764300050', recipient_id: '5511981234567' }] }));
    await stack.stack.drained();
    expect((await messages()).find((message) => message.id === id)).toBeUndefined();
    await stack.post(envelope('smb_message_echoes', { message_echoes: [{ from: '5511940009999', to: '5511981234567', id, timestamp: '1764300000', type: 'text', text: { body: 'Segue a proposta' } }] }));
    await stack.stack.drained();
    const message = (await messages()).find((candidate) => candidate.id === id)!;
    expect(message).toMatchObject({ direction: 'outbound', source: 'business_app', status: 'read', contactId: '5511981234567', text: 'Segue a proposta' });
  });

  it('never lets a late delivered overwrite read', async () => {
    const id = 'wamid.order-regression';
    await stack.post(envelope('smb_message_echoes', { message_echoes: [{ from: '5511940009999', to: '5511981234567', id, timestamp: '1764300000', type: 'text', text: { body: 'ok' } }] }));
    for (const [status, timestamp] of [['sent', '1764300001'], ['read', '1764300003'], ['delivered', '1764300002']]) {
      await stack.post(envelope('messages', { statuses: [{ id, status, timestamp, recipient_id: '5511981234567' }] }));
      await stack.stack.drained();
    }
    expect((await messages()).find((message) => message.id === id)!.status).toBe('read');
  });

  it('links edits, revokes and reactions that arrive before the original', async () => {
    const original = 'wamid.order-original';
    await stack.post(envelope('smb_message_echoes', { message_echoes: [{ from: '5511940009999', to: '5511981234567', id: 'wamid.order-edit', timestamp: '1764300200', type: 'edit', edit: { original_message_id: original, message: { type: 'text', text: { body: 'valor corrigido' } } } }] }));
    await stack.post(envelope('smb_message_echoes', { message_echoes: [{ from: '5511940009999', to: '5511981234567', id: 'wamid.order-revoke', timestamp: '1764300300', type: 'revoke', revoke: { original_message_id: original } }] }));
    await stack.post(envelope('messages', { messages: [{ from: '5511981234567', id: 'wamid.order-reaction', timestamp: '1764300250', type: 'reaction', reaction: { message_id: original } }] }));
    await stack.stack.drained();
    await stack.post(envelope('smb_message_echoes', { message_echoes: [{ from: '5511940009999', to: '5511981234567', id: original, timestamp: '1764300100', type: 'text', text: { body: 'valor errado' } }] }));
    await stack.stack.drained();
    const listed = await messages('--contact', '5511981234567');
    const byId = new Map(listed.map((message) => [message.id, message]));
    expect(byId.get(original)).toMatchObject({ text: 'valor errado', edits: ['wamid.order-edit'], revokedBy: ['wamid.order-revoke'], reactions: ['wamid.order-reaction'] });
    expect(byId.get('wamid.order-edit')).toMatchObject({ type: 'edit', editOf: original, text: 'valor corrigido' });
    expect(byId.get('wamid.order-revoke')).toMatchObject({ type: 'revoke', revokes: original });
    expect(byId.get('wamid.order-reaction')).toMatchObject({ type: 'reaction', reactionTo: original, emoji: '' });
  });

  it('keeps the first content when an id arrives again with different content, and records the conflict', async () => {
    const id = 'wamid.conflict-1';
    await stack.post(envelope('messages', { messages: [text(id, 'primeira versão')] }));
    await stack.stack.drained();
    await stack.post(envelope('messages', { messages: [text(id, 'segunda versão')] }));
    await stack.post(envelope('messages', { messages: [text(id, 'primeira versão')], contacts: [] }));
    await stack.stack.drained();
    const message = (await messages()).find((candidate) => candidate.id === id)!;
    expect(message.text).toBe('primeira versão');
    expect(message.conflicts).toBe(1);
  });

  it('treats a message seen live and again in the history backfill as the same message', async () => {
    const id = 'wamid.history-overlap';
    await stack.post(envelope('messages', { messages: [text(id, 'oi')] }));
    await stack.stack.drained();
    await stack.post(envelope('history', { history: [{ metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads: [{ id: '5511981234567', messages: [{ ...text(id, 'oi'), history_context: { status: 'READ' } }] }] }] }));
    await stack.stack.drained();
    const matching = (await messages()).filter((candidate) => candidate.id === id);
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({ source: 'cloud_api', conflicts: 0 });
  });

  it('keeps a message of an unknown type with its type', async () => {
    await stack.post(envelope('messages', { messages: [{ from: '5511981234567', id: 'wamid.unknown-type', timestamp: '1764300000', type: 'poll_vote', poll_vote: { option: 2 } }] }));
    await stack.stack.drained();
    expect((await messages()).find((message) => message.id === 'wamid.unknown-type')).toMatchObject({ type: 'poll_vote', direction: 'inbound' });
  });
});

describe('vigia messages', () => {
  it('filters by line, contact and time and lists newest last', async () => {
    const line = '106540352242988';
    await stack.post(envelope('messages', { messages: [text('wamid.filter-2', 'dois', '1764400200', '5511970000002'), text('wamid.filter-1', 'um', '1764400100', '5511970000001')] }, line));
    await stack.post(envelope('messages', { messages: [text('wamid.filter-3', 'três', '1764400300', '5511970000001')] }, line));
    await stack.stack.drained();
    expect((await messages('--line', line)).map((message) => message.id)).toEqual(['wamid.filter-1', 'wamid.filter-2', 'wamid.filter-3']);
    expect((await messages('--contact', '5511970000001')).map((message) => message.id)).toEqual(['wamid.filter-1', 'wamid.filter-3']);
    const since = new Date(1764400200 * 1000).toISOString();
    expect((await messages('--line', line, '--since', since)).map((message) => message.id)).toEqual(['wamid.filter-2', 'wamid.filter-3']);
    const recent = await messages('--since', since);
    expect(recent.map((message) => message.id)).toEqual(expect.arrayContaining(['wamid.filter-2', 'wamid.filter-3']));
    expect(recent.every((message) => message.timestamp >= since)).toBe(true);
    const first = (await messages('--line', line))[0];
    expect(first).toMatchObject({ id: 'wamid.filter-1', direction: 'inbound', source: 'cloud_api', type: 'text', lineId: line, contactId: '5511970000001', timestamp: new Date(1764400100 * 1000).toISOString(), text: 'um' });
  });

  it('prints a header and a readable line per message without --json', async () => {
    const lines = await cli('messages', '--line', '106540352242988');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^TIME\s+DIRECTION\s+SOURCE\s+TYPE\s+LINE\s+CONTACT\s+STATUS\s+MESSAGE$/);
    expect(lines[1]).toContain('inbound');
    expect(lines[1]).toContain('“um”');
    expect(await cli('messages', '--line', 'no-such-line')).toEqual(['No messages match.']);
  });

  it('rejects a malformed --since with a usage error', async () => {
    await expect(main(['messages', '--since', 'yesterday'])).rejects.toThrow('--since must be an ISO 8601 date or time, got "yesterday" (see vigia --help)');
    await expect(main(['messages', '--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
    await expect(main(['frobnicate'])).rejects.toThrow('unknown command "frobnicate"');
  });

  it('replays the raw archive without creating anything new', async () => {
    const before = await messages();
    const lines = await cli('replay');
    expect(lines[0]).toMatch(/^replayed \d+ raw webhooks from local stack at .*: 0 records created, \d+ already present, \d+ conflicts, 0 failed$/);
    expect(await messages()).toEqual(before);
  });
});

describe('npm run simulate', () => {
  it('sends signed traffic with duplicates that the stack acknowledges and archives', async () => {
    const before = (await messages()).length;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repoRoot, 'local/simulate.ts'), '--url', `${stack.stack.info.url}/webhook`, '--turns', '40', '--seed', '9'], {
      cwd: repoRoot,
      env: { ...process.env, WHATSAPP_APP_SECRET: stack.stack.secrets.appSecret },
    });
    const match = /^simulate: sent (\d+) webhooks \((\d+) duplicates, (\d+) distinct messages\) in \d+ ms: (\d+)×200$/m.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const [, sent, duplicates, distinct, ok] = match!.map(Number);
    expect(duplicates).toBeGreaterThan(0);
    expect(ok).toBe(sent);
    await stack.stack.drained();
    expect((await messages()).length).toBe(before + distinct);
  });
});
