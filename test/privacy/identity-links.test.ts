import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import type { IdentityLinkRecord, MessageRecord, NormalizedRecord } from '../../shared/capture/records';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { isErased, recordContactIds, recordMessageIds } from '../../shared/privacy/erasure';
import { extendHoldsToLinks, linkedGroups, propagateErasureToLinks } from '../../shared/privacy/identity-links';
import { coveringHold, recordExpiry, recordSubject, type LegalHold } from '../../shared/privacy/retention';
import { cli, cliJson } from '../helpers/cli';
import { startRetentionStack, type TestStack } from '../helpers/local-stack';
import { clockFrom, lineWebhook, SAMPLE_LINE } from '../helpers/webhooks';

/**
 * Identity links (issue 14): two identifiers of the same person — an old and a new BSUID or phone
 * number, or a profile with both — make subject export, erasure and legal holds by either cover
 * both, and keep doing so for records projected afterwards.
 */
const LINE = SAMPLE_LINE;
const RETENTION_DAYS = 3650;
/** Seconds ago, as WhatsApp's Unix timestamp string, and as ISO. */
const NOW = Math.floor(Date.now() / 1000);
const { ago, isoAgo } = clockFrom(NOW);

// One person's business-scoped user id changed twice: A → B → C.
const A = 'BR.LINKOLD0001';
const B = 'BR.LINKMID0001';
const C = 'BR.LINKNEW0001';
// A phone number and a BSUID seen together on a profile.
const P_PHONE = '5511900000031';
const P_BSUID = 'BR.PROFILE0031';
// A number change under a legal hold placed before it.
const H_OLD = '5511900000041';
const H_NEW = '5511900000042';
// Someone else, never linked.
const OTHER = '5511900000099';

const envelope = (value: Record<string, unknown>) => lineWebhook('messages', value);
/** A text from a contact known by its phone number (`from`) or only by its BSUID (`from_user_id`). */
const textFrom = (sender: { phone?: string; bsuid?: string }, id: string, secondsAgo: number, body: string) =>
  envelope({
    contacts: [{ profile: { name: 'Cliente' }, ...(sender.phone ? { wa_id: sender.phone } : {}), ...(sender.bsuid ? { user_id: sender.bsuid } : {}) }],
    messages: [{ ...(sender.phone ? { from: sender.phone } : {}), ...(sender.bsuid ? { from_user_id: sender.bsuid } : {}), id, timestamp: ago(secondsAgo), type: 'text', text: { body } }],
  });
const link = (from: string, to: string, reason: IdentityLinkRecord['reason'], secondsAgo: number): IdentityLinkRecord => ({ kind: 'identity_link', lineId: LINE, from, to, reason, timestamp: isoAgo(secondsAgo) });

let stack: TestStack;
let work: string;
const db = () => createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
const table = () => stack.stack.info.table;
const item = async (pk: string, sk: string) => (await db().send(new GetCommand({ TableName: table(), Key: { pk, sk }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  ({ stack, work } = await startRetentionStack(RETENTION_DAYS, 'identity'));
  for (const body of [
    textFrom({ bsuid: A }, 'wamid.LA1', 7200, 'Oi, sou eu'),
    textFrom({ bsuid: B }, 'wamid.LB1', 7000, 'Oi de novo, conta nova'),
    textFrom({ bsuid: C }, 'wamid.LC1', 6800, 'Mais uma vez'),
    textFrom({ phone: P_PHONE }, 'wamid.LP1', 6600, 'Pelo número'),
    textFrom({ bsuid: P_BSUID }, 'wamid.LP2', 6500, 'Pelo usuário'),
    textFrom({ phone: H_OLD }, 'wamid.LH1', 6400, 'Número antigo'),
    textFrom({ phone: OTHER }, 'wamid.LX1', 6300, 'Outra pessoa'),
  ]) {
    expect((await stack.post(body)).status).toBe(200);
  }
  await stack.stack.drained();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/**
 * Projects records the way shared/capture/project-raw-webhook.ts does, with the two identity-link
 * steps it calls: erasures extended over the links before the erased contacts' records are dropped,
 * holds extended over the links once read. (The normalizer does not emit links yet in this test's
 * tree, so the link records are built here.)
 */
async function project(records: NormalizedRecord[], rawKey = `raw/test/${randomUUID()}.json`) {
  const privacy = new DynamoDbPrivacyRepository(db(), table());
  const repository = new DynamoDbArchiveRepository(db(), table());
  const tombstones = await privacy.tombstones(recordContactIds(records));
  for (const [id, erasedAt] of await propagateErasureToLinks(records, privacy, tombstones)) tombstones.set(id, erasedAt);
  const erasedMessageIds = await privacy.erasedMessages(records.flatMap(recordMessageIds));
  const kept = records.filter((record) => !isErased(record, tombstones, erasedMessageIds));
  const holds = await extendHoldsToLinks(kept, privacy, await privacy.activeHolds());
  const receivedAt = new Date().toISOString();
  const context = { rawKey, receivedAt, expiry: recordExpiry(RETENTION_DAYS, holds, receivedAt) };
  const outcomes: string[] = [];
  for (const [index, record] of kept.entries()) outcomes.push(await repository.save(record, context, index));
  return { outcomes, kept, holds };
}

async function cliFails(...args: string[]): Promise<string> {
  try {
    await main(args, () => undefined);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`vigia ${args.join(' ')} succeeded`);
}

const messageIds = async (...args: string[]) => (await cliJson<MessageView>('messages', '--json', ...args)).map((message) => message.id).sort();

async function exportOf(contact: string) {
  const out = join(work, `${contact}-${randomUUID()}.zip`);
  await cli('subject', 'export', '--contact', contact, '--out', out, '--by', 'dpo@example.com');
  const files = unzipSync(readFileSync(out));
  const json = (name: string) => JSON.parse(Buffer.from(files[name]).toString('utf8')) as Record<string, any>[];
  return {
    messages: json('messages.json').map((message) => String(message.id)).sort(),
    identities: json('identities.json'),
    manifest: JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as { contactIds: string[]; counts: Record<string, number> },
  };
}

describe('identity links: the records', () => {
  it('groups identifiers transitively and extends a hold in memory for the same webhook', async () => {
    expect(linkedGroups([link(A, B, 'user_changed_user_id', 0), link(B, C, 'user_changed_user_id', 0), link(P_PHONE, P_BSUID, 'contact_profile', 0)])).toEqual([
      [A, B, C].sort(),
      [P_BSUID, P_PHONE].sort(),
    ]);
    const hold: LegalHold = { id: `contact:${A}`, scope: 'contact', contactId: A, contactIds: [A], reason: 'r', by: 'b', at: isoAgo(0) };
    const extended: { hold: LegalHold; ids: string[] }[] = [];
    const holds = await extendHoldsToLinks([link(A, B, 'user_changed_user_id', 0)], { extendHold: async (h, ids) => (extended.push({ hold: h, ids }), ids) }, [hold]);
    expect(extended).toEqual([{ hold, ids: [B] }]);
    const fromB: MessageRecord = { kind: 'message', id: 'wamid.x', lineId: LINE, contactId: B, direction: 'inbound', source: 'cloud_api', type: 'text', timestamp: isoAgo(0), payload: {} };
    expect(coveringHold([hold], recordSubject(fromB))).toBeUndefined();
    expect(coveringHold(holds, recordSubject(fromB))?.id).toBe(hold.id);
    expect(recordSubject(link(A, B, 'user_changed_user_id', 0)).contactIds).toEqual([A, B]);
  });

  it('stores a link under both identifiers, once: a retry or replay writes nothing new', async () => {
    const record = link(A, B, 'user_changed_user_id', 6900);
    const first = await project([record]);
    expect(first.outcomes).toEqual(['created']);
    const forward = await item(`IDENTITY#${A}`, `LINK#${B}`);
    const backward = await item(`IDENTITY#${B}`, `LINK#${A}`);
    for (const stored of [forward, backward]) {
      expect(stored).toMatchObject({ entity: 'identity_link', from: A, to: B, reason: 'user_changed_user_id', lineId: LINE, timestamp: record.timestamp, rawKey: expect.stringMatching(/^raw\/test\//) });
      expect(stored!.expiresAt).toBe(Math.floor(Date.parse(record.timestamp!) / 1000) + RETENTION_DAYS * 86_400);
    }
    const again = await project([record]);
    expect(again.outcomes).toEqual(['duplicates']);
    expect(await item(`IDENTITY#${A}`, `LINK#${B}`)).toEqual(forward);
    expect(await item(`IDENTITY#${B}`, `LINK#${A}`)).toEqual(backward);
  });
});

describe('identity links: subject requests and holds by either identifier', () => {
  it('exports the messages of every linked identifier, transitively, from any of them', async () => {
    await project([link(B, C, 'user_changed_user_id', 6700)]);
    for (const contact of [A, B, C]) {
      const exported = await exportOf(contact);
      expect(exported.messages, contact).toEqual(['wamid.LA1', 'wamid.LB1', 'wamid.LC1']);
      expect(exported.manifest.contactIds, contact).toEqual([A, B, C].sort());
      expect(exported.identities.map((entry) => `${entry.from}→${entry.to} ${entry.reason}`), contact).toEqual([`${A}→${B} user_changed_user_id`, `${B}→${C} user_changed_user_id`]);
      expect(exported.manifest.counts.identityLinks).toBe(2);
    }
  });

  it('links a phone number and a BSUID seen on one profile', async () => {
    expect((await exportOf(P_PHONE)).messages).toEqual(['wamid.LP1']);
    expect((await project([link(P_PHONE, P_BSUID, 'contact_profile', 6500)])).outcomes).toEqual(['created']);
    for (const contact of [P_PHONE, P_BSUID]) {
      const exported = await exportOf(contact);
      expect(exported.messages, contact).toEqual(['wamid.LP1', 'wamid.LP2']);
      expect(exported.identities).toEqual([expect.objectContaining({ from: P_PHONE, to: P_BSUID, reason: 'contact_profile' })]);
    }
  });

  it('follows a number change that came through ingest (a user_changed_number system message)', async () => {
    const N1 = '5511900000051';
    const N2 = '5511900000052';
    const system = { from: N1, id: 'wamid.LN-system', timestamp: ago(5000), type: 'system', system: { body: 'User A changed from 5511900000051 to 5511900000052', wa_id: N2, type: 'user_changed_number' } };
    for (const body of [
      textFrom({ phone: N1 }, 'wamid.LN1', 5100, 'Número antigo'),
      envelope({ contacts: [{ profile: { name: 'Cliente' }, wa_id: N1 }], messages: [system] }),
      textFrom({ phone: N2 }, 'wamid.LN2', 4900, 'Número novo'),
    ]) {
      expect((await stack.post(body)).status).toBe(200);
    }
    // Meta retries the system message: nothing new.
    expect((await stack.post(envelope({ contacts: [{ profile: { name: 'Cliente' }, wa_id: N1 }], messages: [system] }))).status).toBe(200);
    await stack.stack.drained();
    expect(await item(`IDENTITY#${N1}`, `LINK#${N2}`)).toMatchObject({ from: N1, to: N2, reason: 'user_changed_number' });
    for (const contact of [N1, N2]) {
      const exported = await exportOf(contact);
      expect(exported.messages, contact).toEqual(expect.arrayContaining(['wamid.LN1', 'wamid.LN2']));
      expect(exported.messages, contact).not.toContain('wamid.LX1');
      expect(exported.identities, contact).toEqual([expect.objectContaining({ from: N1, to: N2, reason: 'user_changed_number' })]);
    }
  });

  it('places a hold by one identifier over all of them, so erasure by another is refused', async () => {
    const [placed] = await cli('hold', 'add', '--contact', A, '--reason', 'Processo 0004444-14.2026', '--by', 'legal@example.com');
    expect(placed).toMatch(/^placed legal hold contact:BR\.LINKOLD0001: \d+ record\(s\) no longer expire/);
    const [hold] = await cliJson<LegalHold>('hold', 'list', '--json');
    expect(hold.contactIds).toEqual([A, B, C].sort());
    expect((await item('MSG#wamid.LC1', 'MSG'))!.heldExpiresAt).toBeDefined();
    expect((await item(`IDENTITY#${C}`, `LINK#${B}`))!.heldExpiresAt).toBeDefined();
    expect(await cliFails('subject', 'erase', '--contact', C, '--reason', 'pedido do titular', '--by', 'dpo@example.com')).toMatch(/^refused: legal hold contact:BR\.LINKOLD0001 /);
    await cli('hold', 'remove', '--contact', A, '--by', 'legal@example.com');
    expect((await item('MSG#wamid.LC1', 'MSG'))!.expiresAt).toBeDefined();
  });

  it('erases by the newest identifier the messages and links of all of them, and nobody else\'s', async () => {
    const [line] = await cli('subject', 'erase', '--contact', C, '--reason', 'LGPD art. 18 VI', '--by', 'dpo@example.com');
    expect(line).toMatch(/^erased contact BR\.LINKNEW0001 \(identifiers BR\.LINKMID0001, BR\.LINKNEW0001, BR\.LINKOLD0001\) .*3 messages.*2 identityLinks/);
    for (const contact of [A, B, C]) expect(await messageIds('--contact', contact), contact).toEqual([]);
    expect(await item(`IDENTITY#${A}`, `LINK#${B}`)).toBeUndefined();
    expect(await item(`IDENTITY#${C}`, `LINK#${B}`)).toBeUndefined();
    for (const contact of [A, B, C]) expect(await item(`ERASED#${contact}`, 'ERASED'), contact).toBeDefined();
    expect(await messageIds('--contact', OTHER)).toEqual(['wamid.LX1']);
    expect(await messageIds('--contact', P_PHONE)).toEqual(['wamid.LP1']);
  });
});

describe('identity links: projections after an erasure or a hold', () => {
  it('after an erasure, a link from an erased identifier erases the new one too: nothing from before the erasure comes back', async () => {
    const D = 'BR.LINKNEXT001';
    const erasedAt = String((await item(`ERASED#${C}`, 'ERASED'))!.erasedAt);
    // A late webhook: C changed to D before the erasure, with a message of D's from then.
    const lateLink = link(C, D, 'user_changed_user_id', 6000);
    const { kept } = await project([lateLink]);
    expect(kept).toEqual([]);
    expect(await item(`IDENTITY#${C}`, `LINK#${D}`)).toBeUndefined();
    expect((await item(`ERASED#${D}`, 'ERASED'))!.erasedAt).toBe(erasedAt);
    expect((await stack.post(textFrom({ bsuid: D }, 'wamid.LD-before', 5900, 'Antes da eliminação'))).status).toBe(200);
    // A's own retry is skipped as before.
    expect((await stack.post(textFrom({ bsuid: A }, 'wamid.LA1', 7200, 'Oi, sou eu'))).status).toBe(200);
    await stack.stack.drained();
    expect(await messageIds('--contact', D)).toEqual([]);
    expect(await messageIds('--contact', A)).toEqual([]);
    // What D writes after the erasure is new data, archived as for any erased contact.
    const later = Math.floor(Date.now() / 1000) + 5;
    expect((await stack.post(envelope({ contacts: [{ profile: { name: 'Cliente' }, user_id: D }], messages: [{ from_user_id: D, id: 'wamid.LD-after', timestamp: String(later), type: 'text', text: { body: 'Voltei' } }] }))).status).toBe(200);
    await stack.stack.drained();
    expect(await messageIds('--contact', D)).toEqual(['wamid.LD-after']);
  });

  it('a hold placed before a number change covers the new number\'s later records', async () => {
    await cli('hold', 'add', '--contact', H_OLD, '--reason', 'Processo 0005555-15.2026', '--by', 'legal@example.com');
    const { holds } = await project([link(H_OLD, H_NEW, 'user_changed_number', 6300)]);
    expect(holds.find((hold) => hold.id === `contact:${H_OLD}`)?.contactIds).toEqual(expect.arrayContaining([H_OLD, H_NEW]));
    const stored = (await cliJson<LegalHold>('hold', 'list', '--json')).find((hold) => hold.id === `contact:${H_OLD}`)!;
    expect([...stored.contactIds!].sort()).toEqual([H_OLD, H_NEW].sort());
    // The link itself is held, and so is what the new number writes afterwards (the stack's own ingest).
    for (const [pk, sk] of [[`IDENTITY#${H_OLD}`, `LINK#${H_NEW}`], [`IDENTITY#${H_NEW}`, `LINK#${H_OLD}`]]) {
      expect((await item(pk!, sk!))!.heldExpiresAt, pk).toBeDefined();
      expect((await item(pk!, sk!))!.expiresAt, pk).toBeUndefined();
    }
    expect((await stack.post(textFrom({ phone: H_NEW }, 'wamid.LH2', 60, 'Número novo'))).status).toBe(200);
    await stack.stack.drained();
    for (const [pk, sk] of [['MSG#wamid.LH2', 'MSG'], [`CONTACT#${LINE}#${H_NEW}`, 'PROFILE']]) {
      const written = (await item(pk!, sk!))!;
      expect(written.expiresAt, pk).toBeUndefined();
      expect(written.heldExpiresAt, pk).toBeGreaterThan(NOW + (RETENTION_DAYS - 1) * 86_400);
    }
    // Someone else's records still expire; erasure by the new number is refused.
    expect((await item('MSG#wamid.LX1', 'MSG'))!.expiresAt).toBeDefined();
    expect(await cliFails('subject', 'erase', '--contact', H_NEW, '--reason', 'pedido do titular', '--by', 'dpo@example.com')).toMatch(/^refused: legal hold contact:5511900000041 /);
    // Extending again (a retry of the link) changes nothing.
    await project([link(H_OLD, H_NEW, 'user_changed_number', 6300)]);
    expect((await cliJson<LegalHold>('hold', 'list', '--json')).find((hold) => hold.id === `contact:${H_OLD}`)!.contactIds).toHaveLength(2);
    // Released: both numbers' records expire again.
    await cli('hold', 'remove', '--contact', H_OLD, '--by', 'legal@example.com');
    expect((await item('MSG#wamid.LH2', 'MSG'))!.expiresAt).toBeDefined();
    expect((await item('MSG#wamid.LH1', 'MSG'))!.expiresAt).toBeDefined();
  });
});
