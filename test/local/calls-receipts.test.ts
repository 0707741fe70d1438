/**
 * Group receipts and Calling API calls in the archive table (dynalite, through the archive
 * repository), and `vigia calls` / `vigia messages --json` against the local stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { UsageError } from '../../cli/errors';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import type { NormalizedRecord } from '../../shared/capture/records';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { normalizeWebhook } from '../../shared/capture/whatsapp/normalize';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { eventsDir } from '../helpers/paths';

let stack: TestStack;
let db: ReturnType<typeof createDynamoDbClient>;
let archive: DynamoDbArchiveRepository;

beforeAll(async () => {
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
  archive = new DynamoDbArchiveRepository(db, stack.stack.info.table);
});
afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

const BUSINESS = '5531930000007';
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function webhook(lineId: string, field: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '330918274650001', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: BUSINESS, phone_number_id: lineId }, ...value } }] }],
  };
}

function records(lineId: string, field: string, value: Record<string, unknown>): NormalizedRecord[] {
  const result = normalizeWebhook(webhook(lineId, field, value));
  expect(result.issues).toEqual([]);
  return result.records;
}

let raw = 0;
/** Saves records as one projection of a raw webhook would; the outcome of each. */
async function save(list: NormalizedRecord[]): Promise<string[]> {
  const rawKey = `raw/test-calls-receipts-${++raw}.json`;
  return Promise.all(list.map((record, index) => archive.save(record, { rawKey, receivedAt: new Date().toISOString() }, index)));
}

describe('group receipts (archive repository on dynalite)', () => {
  const LINE = '118200456712101';
  const GROUP_MESSAGE = 'wamid.group-receipts-1';
  const status = (participant: Record<string, string>, status: string, timestamp: string) => ({
    id: GROUP_MESSAGE,
    status,
    timestamp,
    recipient_id: 'group.receipts',
    recipient_type: 'group',
    ...participant,
  });
  const sameSecond = '1779400060';
  const statuses = records(LINE, 'messages', {
    statuses: [
      status({ recipient_participant_id: '5531991120001' }, 'delivered', '1779400010'),
      status({ recipient_participant_id: '5531991120001' }, 'read', sameSecond),
      status({ recipient_participant_user_id: 'BR.1120002' }, 'read', sameSecond),
      status({ participant_recipient_id: '5531991120003' }, 'read', sameSecond),
    ],
  });
  const message = records(LINE, 'smb_message_echoes', {
    message_echoes: [{ from: BUSINESS, to: 'group.receipts', group_id: 'group.receipts', id: GROUP_MESSAGE, timestamp: '1779400000', type: 'text', text: { body: 'Reunião às 15h' } }],
  });
  const expected = [
    { participant: '5531991120001', status: 'delivered', timestamp: iso(1779400010) },
    { participant: '5531991120001', status: 'read', timestamp: iso(1779400060) },
    { participant: '5531991120003', status: 'read', timestamp: iso(1779400060) },
    { participant: 'BR.1120002', status: 'read', timestamp: iso(1779400060) },
  ];

  it('keeps one receipt per participant, statuses arriving before the message and again (retries)', async () => {
    expect(await save(statuses)).toEqual(['created', 'created', 'created', 'created']);
    await save(message);
    expect(await save(statuses)).toEqual(['duplicates', 'duplicates', 'duplicates', 'duplicates']);
    const view = await archive.getMessage(GROUP_MESSAGE);
    expect(view).toMatchObject({ id: GROUP_MESSAGE, groupId: 'group.receipts', status: 'read' });
    expect(view?.receipts).toEqual(expected);
  });

  it('lists the receipts with the message, and none for a one-to-one message', async () => {
    await save(records(LINE, 'smb_message_echoes', { message_echoes: [{ from: BUSINESS, to: '5531991120009', id: 'wamid.one-to-one', timestamp: '1779400100', type: 'text', text: { body: 'oi' } }] }));
    await save(records(LINE, 'messages', { statuses: [{ id: 'wamid.one-to-one', status: 'read', timestamp: '1779400120', recipient_id: '5531991120009' }] }));
    const listed = await archive.listMessages({ lineId: LINE });
    expect(listed.map((m) => m.id)).toEqual([GROUP_MESSAGE, 'wamid.one-to-one']);
    expect(listed[0].receipts).toEqual(expected);
    expect(listed[1]).not.toHaveProperty('receipts');
    expect(listed[1].status).toBe('read');
  });

  it('shows them in `vigia messages --json`', async () => {
    const [group] = (await cliJson<MessageView>('messages', '--json', '--line', LINE)).filter((m) => m.id === GROUP_MESSAGE);
    expect(group.receipts).toEqual(expected);
  });
});

describe('calls (archive repository on dynalite)', () => {
  const LINE = '118200456712102';
  const CALL = 'wacid.repo-call-1';
  const connect = { id: CALL, from: '5531991130001', to: BUSINESS, event: 'connect', direction: 'USER_INITIATED', timestamp: '1779410000', session: { sdp_type: 'offer', sdp: 'v=0' } };
  const terminate = { id: CALL, from: '5531991130001', to: BUSINESS, event: 'terminate', direction: 'USER_INITIATED', timestamp: '1779410200', status: 'COMPLETED', start_time: '1779410005', end_time: '1779410200', duration: 195 };
  const connected = records(LINE, 'calls', { calls: [connect] });
  const terminated = records(LINE, 'calls', { calls: [terminate] });

  it('merges connect and terminate into one call whatever their order, retries writing nothing new', async () => {
    expect(await save(terminated)).toEqual(['created']);
    expect(await save(connected)).toEqual(['created']);
    expect(await save(terminated)).toEqual(['duplicates']);
    expect(await save(connected)).toEqual(['duplicates']);
    expect(await archive.listCalls({ lineId: LINE })).toEqual([
      {
        id: CALL,
        lineId: LINE,
        contactId: '5531991130001',
        direction: 'inbound',
        status: 'COMPLETED',
        // terminate's start_time (the call answered), not connect's time (the call ringing)
        startedAt: iso(1779410005),
        endedAt: iso(1779410200),
        durationSeconds: 195,
        events: ['connect', 'terminate'],
      },
    ]);
  });

  it('gives the same call for the other order', async () => {
    const other = (value: Record<string, unknown>) => records(LINE, 'calls', { calls: [{ ...value, id: 'wacid.repo-call-2' }] });
    await save(other(connect));
    await save(other(terminate));
    const [first, second] = await archive.listCalls({ lineId: LINE });
    expect({ ...second, id: CALL }).toEqual(first);
  });

  it('prefers the phone number to the BSUID as the contact whichever event brings it', async () => {
    const bsuidOnly = { id: 'wacid.repo-call-3', from: BUSINESS, to_user_id: 'BR.1130003', event: 'connect', direction: 'BUSINESS_INITIATED', timestamp: '1779420000' };
    const withNumber = { ...bsuidOnly, to: '5531991130003', event: 'terminate', timestamp: '1779420090', status: 'COMPLETED', duration: 90 };
    await save(records(LINE, 'calls', { calls: [withNumber] }));
    await save(records(LINE, 'calls', { calls: [bsuidOnly] }));
    const bsuidFirst = { ...bsuidOnly, id: 'wacid.repo-call-4' };
    await save(records(LINE, 'calls', { calls: [bsuidFirst] }));
    await save(records(LINE, 'calls', { calls: [{ ...withNumber, id: 'wacid.repo-call-4' }] }));
    const listed = (await archive.listCalls({ lineId: LINE })).filter((call) => call.id === 'wacid.repo-call-3' || call.id === 'wacid.repo-call-4');
    expect(listed.map((call) => [call.id, call.contactId, call.contactUserId, call.direction, call.startedAt, call.durationSeconds])).toEqual([
      ['wacid.repo-call-3', '5531991130003', 'BR.1130003', 'outbound', iso(1779420000), 90],
      ['wacid.repo-call-4', '5531991130003', 'BR.1130003', 'outbound', iso(1779420000), 90],
    ]);
    expect((await archive.listCalls({ contactId: 'BR.1130003' })).map((call) => call.id)).toEqual(['wacid.repo-call-3', 'wacid.repo-call-4']);
  });

  it('takes the status of a call still ringing from its latest call status', async () => {
    const ringing = (status: string, timestamp: string) => records(LINE, 'calls', { statuses: [{ id: 'wacid.repo-call-5', type: 'call', status, timestamp, recipient_id: '5531991130005' }] });
    await save(ringing('ACCEPTED', '1779430010'));
    await save(ringing('RINGING', '1779430000'));
    const [call] = (await archive.listCalls({ lineId: LINE })).filter((c) => c.id === 'wacid.repo-call-5');
    expect(call).toMatchObject({ status: 'ACCEPTED', direction: 'outbound', contactId: '5531991130005', events: ['status'] });
    expect(call.startedAt).toBeUndefined();
  });
});

describe('vigia calls (CLI, webhooks through the local stack)', () => {
  const LINE = '106540352242922';
  const CALL = 'wacid.HBgLMzQ2MTIzNDU2NzgVAgARGBI5QTdFMzFDMEQ0QjI4RjZBMUUA';

  beforeAll(async () => {
    const sample = JSON.parse(readFileSync(join(eventsDir, 'calls-connect-terminate.json'), 'utf8'));
    // The terminate first, then the connect, then the whole sample again (a Meta retry).
    const [connect, terminate, ringing] = sample.entry[0].changes;
    for (const changes of [[terminate], [connect, ringing], [connect, terminate, ringing]]) {
      expect((await stack.post(JSON.stringify({ ...sample, entry: [{ ...sample.entry[0], changes }] }))).status).toBe(200);
      await stack.stack.drained();
    }
  });

  it('lists each call once with its merged fields (--json)', async () => {
    const rows = await cliJson<Record<string, unknown>>('calls', '--json', '--line', LINE);
    expect(rows).toEqual([
      {
        id: CALL,
        lineId: LINE,
        contactId: '34612345678',
        contactUserId: null,
        direction: 'inbound',
        status: 'COMPLETED',
        startedAt: iso(1779274806),
        endedAt: iso(1779275046),
        durationSeconds: 240,
        events: ['connect', 'terminate'],
      },
      {
        id: 'wacid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjJGNkQ4QjFBOUMwRTQ3RDNCNQA=',
        lineId: LINE,
        contactId: '5511987654321',
        contactUserId: null,
        direction: 'outbound',
        status: 'RINGING',
        startedAt: null,
        endedAt: null,
        durationSeconds: null,
        events: ['status'],
      },
    ]);
    expect((await cliJson<{ id: string }>('calls', '--json', '--contact', '34612345678')).map((row) => row.id)).toEqual([CALL]);
    expect(await cli('calls', '--json', '--line', 'no-such-line')).toEqual([]);
  });

  it('prints a header and one line per call without --json', async () => {
    const lines = await cli('calls', '--line', LINE);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^STARTED\s+DIRECTION\s+STATUS\s+DURATION\s+LINE\s+CONTACT\s+CALL$/);
    expect(lines[1]).toContain(CALL);
    expect(lines[1]).toMatch(/inbound\s+COMPLETED\s+240 s\s+106540352242922\s+34612345678/);
    expect(await cli('calls', '--line', 'no-such-line')).toEqual(['No calls match.']);
  });

  it('prints usage for --help and rejects unknown flags in one line', async () => {
    const help: string[] = [];
    expect(await main(['calls', '--help'], (line) => help.push(line))).toBe(0);
    expect(help[0]).toBe('Usage: vigia calls [--line ID] [--contact ID] [--json]');
    expect(help.join('\n')).toContain('List Calling API calls');
    await expect(main(['calls', '--since', '2026-01-01'], () => undefined)).rejects.toThrow(UsageError);
    await expect(main(['calls', 'extra'], () => undefined)).rejects.toThrow(/Unexpected argument/);
  });
});
