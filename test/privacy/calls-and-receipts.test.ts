import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import type { StatusRecord } from '../../shared/capture/records';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { isErased } from '../../shared/privacy/erasure';
import { itemSubject, recordSubject } from '../../shared/privacy/retention';
import { cli, cliJson } from '../helpers/cli';
import { startRetentionStack, type TestStack } from '../helpers/local-stack';
import { clockFrom, lineWebhook, SAMPLE_DISPLAY, SAMPLE_LINE } from '../helpers/webhooks';

/**
 * Subject requests and holds over Calling API calls (`CALL#<id>`: summary and events) and over a
 * group participant's receipts (status items naming them as `recipientParticipantId` /
 * `recipientParticipantUserId`), without the group message or the other participants' receipts.
 */
const LINE = SAMPLE_LINE;
const DISPLAY = SAMPLE_DISPLAY;
const RETENTION_DAYS = 3650;
const NOW = Math.floor(Date.now() / 1000);
const { ago, isoAgo } = clockFrom(NOW);

// A caller known by phone number and BSUID, and another caller.
const C = '5511900000071';
const C_BSUID = 'BR.CALLER0071';
const D = '5511900000072';
// Two participants of a group the business wrote to.
const GROUP = 'group.privacy-0061';
const P = '5511900000061';
const P_BSUID = 'BR.PARTIC0061';
const Q = '5511900000062';

const envelope = lineWebhook;
const call = (fields: Record<string, unknown>) => envelope('calls', { calls: [fields] });
const callStatus = (id: string, status: string, secondsAgo: number, to: string) => envelope('calls', { statuses: [{ id, type: 'call', status, timestamp: ago(secondsAgo), recipient_id: to }] });
const receipt = (messageId: string, status: string, secondsAgo: number, participant: Record<string, string>) => ({
  id: messageId,
  status,
  timestamp: ago(secondsAgo),
  recipient_id: GROUP,
  recipient_type: 'group',
  ...participant,
});
const receipts = (...statuses: Record<string, unknown>[]) => envelope('messages', { statuses });

const CALL_C1 = 'wacid.PRIV-C1';
const CALL_C2 = 'wacid.PRIV-C2';
const CALL_D1 = 'wacid.PRIV-D1';
const inbound = (id: string, from: Record<string, string>) => ({ id, to: DISPLAY, direction: 'USER_INITIATED', ...from });

const WEBHOOKS = [
  // C calls the business (phone number and BSUID), and the business calls C, who rejects it.
  call({ ...inbound(CALL_C1, { from: C, from_user_id: C_BSUID }), event: 'connect', timestamp: ago(2000), session: { sdp_type: 'offer', sdp: 'v=0' } }),
  call({ ...inbound(CALL_C1, { from: C, from_user_id: C_BSUID }), event: 'terminate', timestamp: ago(1800), status: 'COMPLETED', start_time: ago(1995), end_time: ago(1800), duration: 195 }),
  callStatus(CALL_C2, 'RINGING', 1500, C),
  callStatus(CALL_C2, 'REJECTED', 1490, C),
  // C writes too (by phone number only): found from the BSUID through the calls.
  envelope('messages', { contacts: [{ profile: { name: 'Carla' }, wa_id: C }], messages: [{ from: C, id: 'wamid.C-text', timestamp: ago(1000), type: 'text', text: { body: 'Liguei agora há pouco' } }] }),
  // Someone else's call.
  call({ ...inbound(CALL_D1, { from: D }), event: 'connect', timestamp: ago(1700) }),
  call({ ...inbound(CALL_D1, { from: D }), event: 'terminate', timestamp: ago(1600), status: 'COMPLETED', duration: 100 }),
  // The business writes to a group; P's and Q's receipts, one batch naming both, then one each.
  envelope('smb_message_echoes', { message_echoes: [{ from: DISPLAY, to: GROUP, group_id: GROUP, id: 'wamid.G1', timestamp: ago(3000), type: 'text', text: { body: 'Reunião às 15h' } }] }),
  receipts(
    receipt('wamid.G1', 'delivered', 2990, { recipient_participant_id: P, recipient_participant_user_id: P_BSUID }),
    receipt('wamid.G1', 'delivered', 2990, { recipient_participant_id: Q }),
  ),
  receipts(receipt('wamid.G1', 'read', 2900, { recipient_participant_user_id: P_BSUID })),
  receipts(receipt('wamid.G1', 'read', 2890, { recipient_participant_id: Q })),
];

let stack: TestStack;
let work: string;
const db = () => createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
const table = () => stack.stack.info.table;
const item = async (pk: string, sk: string) => (await db().send(new GetCommand({ TableName: table(), Key: { pk, sk }, ConsistentRead: true }))).Item;
const receiptKey = (messageId: string, status: string, secondsAgo: number, participant: string) => [`MSG#${messageId}`, `STATUS#${isoAgo(secondsAgo)}#${status}#${participant}`] as const;
const P_RECEIPTS = [receiptKey('wamid.G1', 'delivered', 2990, P), receiptKey('wamid.G1', 'read', 2900, P_BSUID)];
const Q_RECEIPTS = [receiptKey('wamid.G1', 'delivered', 2990, Q), receiptKey('wamid.G1', 'read', 2890, Q)];

beforeAll(async () => {
  ({ stack, work } = await startRetentionStack(RETENTION_DAYS, 'calls-receipts'));
  for (const body of WEBHOOKS) expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function cliFails(...args: string[]): Promise<string> {
  try {
    await main(args, () => undefined);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`vigia ${args.join(' ')} succeeded`);
}

async function exportOf(contact: string) {
  const out = join(work, `${contact}-${randomUUID()}.zip`);
  await cli('subject', 'export', '--contact', contact, '--out', out, '--by', 'dpo@example.com');
  const files = Object.fromEntries(Object.entries(unzipSync(readFileSync(out))).map(([name, bytes]) => [name, Buffer.from(bytes)]));
  const json = (name: string) => JSON.parse(files[name].toString('utf8')) as Record<string, any>[];
  return {
    files,
    json,
    text: Object.entries(files)
      .filter(([name]) => name !== 'manifest.json')
      .map(([, bytes]) => bytes.toString('utf8'))
      .join('\n'),
    manifest: JSON.parse(files['manifest.json'].toString('utf8')) as {
      contactIds: string[];
      counts: Record<string, number>;
      files: { path: string }[];
      rawWebhooks: { key: string }[];
      notIncluded: { key: string; reason: string }[];
    },
  };
}

const groupReceipts = async (id: string) => (await cliJson<MessageView>('messages', '--json', '--line', LINE)).find((message) => message.id === id)?.receipts;
const callIds = async () => (await cliJson<{ id: string }>('calls', '--json', '--line', LINE)).map((row) => row.id).sort();

describe('calls in subject requests', () => {
  it('exports the contact\'s calls in calls.json, one entry per call with its events, found from either identifier', async () => {
    expect(await callIds()).toEqual([CALL_C1, CALL_C2, CALL_D1].sort());
    for (const contact of [C, C_BSUID]) {
      const exported = await exportOf(contact);
      expect(exported.manifest.contactIds, contact).toEqual([C, C_BSUID].sort());
      const calls = exported.json('calls.json');
      expect(calls.map(({ events, ...summary }) => summary), contact).toEqual([
        { id: CALL_C1, lineId: LINE, contactId: C, contactUserId: C_BSUID, direction: 'inbound', status: 'COMPLETED', startedAt: isoAgo(1995), endedAt: isoAgo(1800), durationSeconds: 195 },
        { id: CALL_C2, lineId: LINE, contactId: C, direction: 'outbound', status: 'REJECTED' },
      ]);
      expect(calls[0].events.map((event: Record<string, unknown>) => `${event.event} ${event.timestamp}`)).toEqual([`connect ${isoAgo(2000)}`, `terminate ${isoAgo(1800)}`]);
      expect(calls[0].events[1]).toMatchObject({ entity: 'call_event', status: 'COMPLETED', payload: expect.objectContaining({ duration: 195, from_user_id: C_BSUID }) });
      expect(calls[1].events.map((event: Record<string, unknown>) => `${event.event} ${event.status}`)).toEqual(['status RINGING', 'status REJECTED']);
      expect(exported.manifest.counts.calls).toBe(2);
      expect(exported.manifest.files.map((file) => file.path)).toContain('calls.json');
      // The message is found through the calls' phone number, even from the BSUID.
      expect(exported.json('messages.json').map((message) => message.id)).toEqual(['wamid.C-text']);
      // The four call webhooks and the message's are about C only: included.
      expect(exported.manifest.rawWebhooks).toHaveLength(5);
      expect(exported.text).not.toContain(D);
      expect(exported.text).not.toContain(CALL_D1);
    }
  });

  it('holds every item of the contact\'s calls (summary and events) and nobody else\'s, and gives their expiry back', async () => {
    const c1 = [[`CALL#${CALL_C1}`, 'CALL'], [`CALL#${CALL_C1}`, `EVENT#${isoAgo(2000)}#connect#`], [`CALL#${CALL_C1}`, `EVENT#${isoAgo(1800)}#terminate#COMPLETED`], [`CALL#${CALL_C2}`, 'CALL'], [`CALL#${CALL_C2}`, `EVENT#${isoAgo(1500)}#status#RINGING`]];
    const before = (await item(`CALL#${CALL_C1}`, 'CALL'))!.expiresAt as number;
    expect(before).toBeGreaterThan(NOW + (RETENTION_DAYS - 1) * 86_400);
    await cli('hold', 'add', '--contact', C_BSUID, '--reason', 'Processo 0007777-17.2026', '--by', 'legal@example.com');
    for (const [pk, sk] of c1) {
      const held = (await item(pk, sk))!;
      expect(held.expiresAt, `${pk} ${sk}`).toBeUndefined();
      expect(held.heldExpiresAt, `${pk} ${sk}`).toBeGreaterThan(NOW);
    }
    expect((await item(`CALL#${CALL_D1}`, 'CALL'))!.expiresAt).toBeDefined();
    expect(await cliFails('subject', 'erase', '--contact', C, '--reason', 'pedido do titular', '--by', 'dpo@example.com')).toMatch(/^refused: legal hold contact:BR\.CALLER0071 /);
    await cli('hold', 'remove', '--contact', C_BSUID, '--by', 'legal@example.com');
    for (const [pk, sk] of c1) expect((await item(pk, sk))!.expiresAt, `${pk} ${sk}`).toBeDefined();
    expect((await item(`CALL#${CALL_C1}`, 'CALL'))!.expiresAt).toBe(before);
  });

  it('erases the call summaries and events, which replay does not bring back; other calls stay', async () => {
    const [line] = await cli('subject', 'erase', '--contact', C, '--reason', 'LGPD art. 18 VI', '--by', 'dpo@example.com');
    expect(line).toMatch(/^erased contact 5511900000071 \(identifiers 5511900000071, BR\.CALLER0071\) .*1 messages, .*2 calls/);
    expect(await callIds()).toEqual([CALL_D1]);
    expect(await item(`CALL#${CALL_C1}`, 'CALL')).toBeUndefined();
    expect(await item(`CALL#${CALL_C1}`, `EVENT#${isoAgo(2000)}#connect#`)).toBeUndefined();
    expect(await item(`CALL#${CALL_C2}`, `EVENT#${isoAgo(1490)}#status#REJECTED`)).toBeUndefined();
    expect(await item(`CALL#${CALL_D1}`, `EVENT#${isoAgo(1700)}#connect#`)).toBeDefined();
    await cli('replay');
    expect(await callIds()).toEqual([CALL_D1]);
    expect(await cliFails('subject', 'export', '--contact', C_BSUID, '--out', join(work, 'c-again.zip'))).toContain('no record names contact');
  });
});

describe('group participants in subject requests', () => {
  it('names the participant of a group receipt as its subject (records and items)', () => {
    const status: StatusRecord = { kind: 'status', messageId: 'wamid.G1', lineId: LINE, status: 'read', timestamp: isoAgo(10), recipientId: GROUP, recipientParticipantUserId: P_BSUID, payload: {} };
    expect(recordSubject(status).contactIds).toEqual([GROUP, P_BSUID]);
    expect(itemSubject({ entity: 'status', lineId: LINE, recipientId: GROUP, recipientParticipantId: P }).contactIds).toEqual([GROUP, P]);
    // A late retry of an erased participant's receipt is skipped; the other participants' are not.
    expect(isErased(status, new Map([[P_BSUID, isoAgo(0)]]), new Set())).toBe(true);
    expect(isErased({ ...status, recipientParticipantUserId: undefined, recipientParticipantId: Q }, new Map([[P_BSUID, isoAgo(0)]]), new Set())).toBe(false);
  });

  it('exports only the participant\'s own receipts: not the group message, not the others\' receipts', async () => {
    expect(await groupReceipts('wamid.G1')).toHaveLength(4);
    for (const contact of [P, P_BSUID]) {
      const exported = await exportOf(contact);
      expect(exported.manifest.contactIds, contact).toEqual([P, P_BSUID].sort());
      const statuses = exported.json('statuses.json');
      expect(statuses.map((status) => `${status.messageId} ${status.status} ${status.recipientParticipantId ?? status.recipientParticipantUserId}`)).toEqual([
        `wamid.G1 delivered ${P}`,
        `wamid.G1 read ${P_BSUID}`,
      ]);
      expect(statuses[0]).toMatchObject({ recipientId: GROUP, payload: expect.objectContaining({ recipient_participant_id: P }) });
      expect(exported.manifest.counts).toMatchObject({ statuses: 2, messages: 0, calls: 0 });
      expect(exported.json('messages.json')).toEqual([]);
      expect(exported.text).not.toContain('Reunião');
      expect(exported.text).not.toContain(Q);
      // The receipt webhook about P alone is included; the batch naming Q too is not.
      expect(exported.manifest.rawWebhooks).toHaveLength(1);
      expect(exported.manifest.notIncluded).toEqual([expect.objectContaining({ reason: expect.stringContaining('other people') })]);
    }
  });

  it('holds the participant\'s receipts (those written during the hold too) and nothing else of the group', async () => {
    const privacy = new DynamoDbPrivacyRepository(db(), table());
    await cli('hold', 'add', '--contact', P, '--reason', 'Processo 0008888-18.2026', '--by', 'legal@example.com');
    for (const [pk, sk] of P_RECEIPTS) {
      expect((await item(pk, sk))!.heldExpiresAt, sk).toBeDefined();
      expect((await item(pk, sk))!.expiresAt, sk).toBeUndefined();
    }
    for (const [pk, sk] of [...Q_RECEIPTS, ['MSG#wamid.G1', 'MSG'] as const]) expect((await item(pk, sk))!.expiresAt, sk).toBeDefined();
    // A second group message, sent through the Cloud API (no webhook of its own): P's receipt is written held, Q's and the stub are not.
    expect((await stack.post(receipts(receipt('wamid.G2', 'delivered', 60, { recipient_participant_id: P })))).status).toBe(200);
    expect((await stack.post(receipts(receipt('wamid.G2', 'delivered', 59, { recipient_participant_id: Q })))).status).toBe(200);
    await stack.stack.drained();
    expect((await item(...receiptKey('wamid.G2', 'delivered', 60, P)))!.heldExpiresAt).toBeDefined();
    expect((await item(...receiptKey('wamid.G2', 'delivered', 59, Q)))!.expiresAt).toBeDefined();
    const stub = (await item('MSG#wamid.G2', 'MSG'))!;
    expect(stub.expiresAt).toBeDefined();
    expect(stub.heldExpiresAt).toBeUndefined();
    // A hold placed while a receipt was being projected holds that receipt only, not the group message's partition.
    const [pk, sk] = Q_RECEIPTS[0];
    const late: StatusRecord = { kind: 'status', messageId: 'wamid.G1', lineId: LINE, status: 'delivered', timestamp: isoAgo(2990), recipientId: GROUP, recipientParticipantId: Q, payload: {} };
    expect(await privacy.holdProjected([late], 'raw/test/late.json')).toBe(1);
    expect((await item(pk, sk))!.heldExpiresAt).toBeDefined();
    expect((await item('MSG#wamid.G1', 'MSG'))!.expiresAt).toBeDefined();
    expect((await item(...Q_RECEIPTS[1]))!.expiresAt).toBeDefined();
    await privacy.moveExpiry({ pk, sk }, 'release');

    expect(await cliFails('subject', 'erase', '--contact', P_BSUID, '--reason', 'pedido do titular', '--by', 'dpo@example.com')).toMatch(/^refused: legal hold contact:5511900000061 /);
    await cli('hold', 'remove', '--contact', P, '--by', 'legal@example.com');
    for (const [pk, sk] of [...P_RECEIPTS, receiptKey('wamid.G2', 'delivered', 60, P)]) {
      expect((await item(pk, sk))!.expiresAt, sk).toBeDefined();
      expect((await item(pk, sk))!.heldExpiresAt, sk).toBeUndefined();
    }
  });

  it('erases the participant\'s receipts only, for good: the group message and the others\' receipts stay', async () => {
    const [line] = await cli('subject', 'erase', '--contact', P_BSUID, '--reason', 'LGPD art. 18 VI', '--by', 'dpo@example.com');
    expect(line).toMatch(/^erased contact BR\.PARTIC0061 \(identifiers 5511900000061, BR\.PARTIC0061\) .*0 messages, 0 stubs, 3 statuses/);
    for (const [pk, sk] of [...P_RECEIPTS, receiptKey('wamid.G2', 'delivered', 60, P)]) expect(await item(pk, sk), sk).toBeUndefined();
    for (const [pk, sk] of [...Q_RECEIPTS, receiptKey('wamid.G2', 'delivered', 59, Q)]) expect(await item(pk, sk), sk).toBeDefined();
    expect(await item('MSG#wamid.G1', 'MSG')).toMatchObject({ text: 'Reunião às 15h' });
    expect(await item('MSG#wamid.G1', 'ERASED')).toBeUndefined();
    for (const id of [P, P_BSUID]) expect(await item(`ERASED#${id}`, 'ERASED'), id).toBeDefined();
    expect(await item(`ERASED#${GROUP}`, 'ERASED')).toBeUndefined();
    const onlyQ = [
      { participant: Q, status: 'delivered', timestamp: isoAgo(2990) },
      { participant: Q, status: 'read', timestamp: isoAgo(2890) },
    ];
    expect(await groupReceipts('wamid.G1')).toEqual(onlyQ);
    // The batch naming Q too is kept and projected again without P's receipt; a Meta retry of P's alone neither.
    expect((await cli('replay'))[0]).toMatch(/records of erased contacts skipped/);
    expect((await stack.post(WEBHOOKS.at(-2)!)).status).toBe(200);
    await stack.stack.drained();
    expect(await groupReceipts('wamid.G1')).toEqual(onlyQ);
  });
});
