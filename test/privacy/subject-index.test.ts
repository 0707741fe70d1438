import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget, type Target } from '../../cli/target';
import { holdAdd, holdRemove, subjectErase, subjectExport } from '../../cli/commands/privacy';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import type { ArchiveItem, ItemSelector } from '../../shared/privacy/ports/subject-rights';
import { findSubjectItems, type SubjectItems } from '../../shared/privacy/subject';
import { SUBJECT_MIGRATION_KEY } from '../../shared/resources/migrate-subject-index';
import { identifiersInDetail, subjectIdsOfItem, subjectIndexWrites } from '../../shared/resources/subject-index';
import { cli } from '../helpers/cli';
import { startRetentionStack, type TestStack } from '../helpers/local-stack';
import { clockFrom, lineWebhook, SAMPLE_DISPLAY } from '../helpers/webhooks';

/**
 * The contact index (issue 19): subject export, erasure and holds find every item of a contact —
 * including those only a status, a profile, a contact-book entry, a change event, a call, a group
 * receipt or an alias names — with Queries and reads by key, never a Scan; exactly the items the
 * table scan found before. Items written before the index are put in it by `vigia migrate
 * subject-index`, which resumes after kill -9.
 */

const NOW = Math.floor(Date.now() / 1000);
const { ago } = clockFrom(NOW);
const A = '5511900000081';
const A_USER = 'BR.SUBJ0081';
const A_NEW_USER = 'BR.SUBJ0081NEW';
const B = '5511900000082';
const GROUP = 'group.subject-0081';

const WEBHOOKS = [
  lineWebhook('messages', { contacts: [{ profile: { name: 'Ana Sujeito' }, wa_id: A, user_id: A_USER }], messages: [{ from: A, from_user_id: A_USER, id: 'wamid.SI-A1', timestamp: ago(900), type: 'text', text: { body: 'Oi' } }] }),
  // A message sent through the Cloud API: only its statuses name A (phone number and BSUID).
  lineWebhook('messages', { statuses: ['delivered', 'read'].map((status, i) => ({ id: 'wamid.SI-API', status, timestamp: ago(800 - i), recipient_id: A, recipient_user_id: A_USER })) }),
  lineWebhook('smb_app_state_sync', { state_sync: [{ type: 'contact', action: 'add', contact: { full_name: 'Ana (agenda)', phone_number: A }, metadata: { timestamp: ago(700) } }] }),
  lineWebhook('user_preferences', { user_preferences: [{ wa_id: A, user_id: A_USER, category: 'marketing_messages', value: 'stop', timestamp: Number(ago(650)) }] }),
  lineWebhook('calls', { calls: [{ id: 'wacid.SI-A1', from: A, from_user_id: A_USER, to: SAMPLE_DISPLAY, direction: 'USER_INITIATED', event: 'connect', timestamp: ago(600), session: { sdp_type: 'offer', sdp: 'v=0' } }] }),
  lineWebhook('smb_message_echoes', { message_echoes: [{ from: SAMPLE_DISPLAY, to: GROUP, group_id: GROUP, id: 'wamid.SI-G1', timestamp: ago(500), type: 'text', text: { body: 'Reunião' } }] }),
  lineWebhook('messages', {
    statuses: [
      { id: 'wamid.SI-G1', status: 'read', timestamp: ago(490), recipient_id: GROUP, recipient_type: 'group', recipient_participant_id: A, recipient_participant_user_id: A_USER },
      { id: 'wamid.SI-G1', status: 'read', timestamp: ago(489), recipient_id: GROUP, recipient_type: 'group', recipient_participant_id: B },
    ],
  }),
  // A gets a new BSUID; then writes with it alone: only the identity link leads there from the phone number.
  lineWebhook('messages', { messages: [{ from_user_id: A_USER, id: 'wamid.SI-SYS', timestamp: ago(400), type: 'system', system: { body: 'novo id', type: 'user_changed_user_id', user_id: A_NEW_USER } }] }),
  lineWebhook('messages', { messages: [{ from_user_id: A_NEW_USER, id: 'wamid.SI-A2', timestamp: ago(300), type: 'text', text: { body: 'Sou eu de novo' } }] }),
  lineWebhook('messages', { contacts: [{ profile: { name: 'Bruno' }, wa_id: B }], messages: [{ from: B, id: 'wamid.SI-B1', timestamp: ago(200), type: 'text', text: { body: 'Bom dia' } }] }),
];

let stack: TestStack;
let work: string;
let target: Target;
let table: string;
let db: DynamoDBDocumentClient;
/** Every DynamoDB command this process's target sends, by name (the SDK's middleware stack). */
const commands: string[] = [];
const indexQueries: string[] = [];

beforeAll(async () => {
  ({ stack, work } = await startRetentionStack(3650, 'subject-index'));
  for (const body of WEBHOOKS) expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  target = await resolveTarget({});
  ({ db, name: table } = target.table);
  db.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      const input = args.input as { IndexName?: string };
      if (input.IndexName) indexQueries.push(input.IndexName);
      return next(args);
    },
    { step: 'initialize', name: 'commandLog' },
  );
});
afterAll(async () => {
  target?.close();
  await stack?.stop();
});

/** The same lookup as before the index: the parallel table scan for every attribute that names a contact. */
class ScanningPrivacyRepository extends DynamoDbPrivacyRepository {
  override indexedSubject(selector: ItemSelector): Promise<ArchiveItem[]> {
    return this.scanSubject(selector);
  }
}

const keysOf = (subject: SubjectItems) => subject.all.filter((item) => item.entity !== 'subject_ref').map((item) => `${item.pk} ${item.sk}`).sort();

async function bothWays(selector: ItemSelector) {
  commands.length = 0;
  indexQueries.length = 0;
  const indexed = await findSubjectItems(new DynamoDbPrivacyRepository(db, table), selector);
  const sent = [...commands];
  const viaIndex = [...indexQueries];
  const scanned = await findSubjectItems(new ScanningPrivacyRepository(db, table), selector);
  return { indexed, scanned, sent, viaIndex };
}

describe('the contact index', () => {
  it('keys an item under its first identifier and references the others; finds identifiers in change events', () => {
    expect(subjectIdsOfItem({ entity: 'message', contactId: A, contactUserId: A_USER })).toEqual([A, A_USER]);
    expect(subjectIdsOfItem({ entity: 'status', recipientId: A })).toEqual([]);
    expect(subjectIdsOfItem({ entity: 'status', recipientId: GROUP, recipientParticipantUserId: A_USER })).toEqual([A_USER]);
    expect(subjectIdsOfItem({ entity: 'raw', erasedContacts: [A, B] })).toEqual([A, B]);
    expect(identifiersInDetail(JSON.stringify({ metadata: { display_phone_number: SAMPLE_DISPLAY }, user_preferences: [{ wa_id: A, user_id: A_USER, value: 'stop' }], phone_number: SAMPLE_DISPLAY }))).toEqual([A, A_USER]);
    expect(identifiersInDetail('not json')).toEqual([]);
    const writes = subjectIndexWrites({ pk: 'MSG#w', sk: 'MSG' }, [A, A_USER, A]);
    expect(writes.attributes).toEqual({ subjectPk: `SUBJECT#${A}` });
    expect(writes.references).toEqual([{ pk: 'MSG#w', sk: `MSG#SUBJECT#${A_USER}`, subjectPk: `SUBJECT#${A_USER}`, refSk: 'MSG', entity: 'subject_ref' }]);
    expect(subjectIndexWrites({ pk: 'MSG#w', sk: 'MSG' }, [])).toEqual({ attributes: {}, references: [] });
  });

  it.each([
    ['the phone number', { contactIds: [A] }],
    ['the first BSUID', { contactIds: [A_USER] }],
    ['the new BSUID (an alias)', { contactIds: [A_NEW_USER] }],
    ['a conversation (line and contact)', { contactIds: [A], lineId: '106540352242922' }],
    ['another contact', { contactIds: [B] }],
  ])('finds from %s exactly the items the table scan found, with Queries and reads by key only', async (_name, selector) => {
    const { indexed, scanned, sent, viaIndex } = await bothWays(selector);
    expect(keysOf(indexed)).toEqual(keysOf(scanned));
    expect(indexed.contactIds).toEqual(scanned.contactIds);
    expect(sent).not.toContain('ScanCommand');
    expect(sent).toContain('QueryCommand');
    expect(viaIndex).toContain('bySubject');
  });

  it('finds every kind of item of the contact (so the equality above is not about nothing)', async () => {
    const { indexed } = await bothWays({ contactIds: [A] });
    expect(indexed.contactIds).toEqual([A, A_USER, A_NEW_USER].sort());
    expect(indexed.messages.map((item) => item.id).sort()).toEqual(['wamid.SI-A1', 'wamid.SI-A2', 'wamid.SI-SYS']);
    expect(indexed.stubs.map((item) => item.pk)).toEqual(['MSG#wamid.SI-API']);
    // The Cloud API message's two statuses and A's own receipt of the group message, not B's.
    expect(indexed.statuses.map((item) => `${item.messageId} ${item.status} ${item.recipientParticipantId ?? item.recipientId}`).sort()).toEqual([
      'wamid.SI-API delivered 5511900000081',
      'wamid.SI-API read 5511900000081',
      'wamid.SI-G1 read 5511900000081',
    ]);
    expect(indexed.contacts).toHaveLength(1);
    expect(indexed.contactSyncs).toHaveLength(1);
    expect(indexed.events.map((item) => item.field)).toEqual(['user_preferences']);
    expect(indexed.callEvents).toHaveLength(1);
    expect(indexed.calls).toHaveLength(1);
    expect(indexed.identityLinks.length).toBeGreaterThanOrEqual(2);
    // The group message and B's receipt are not A's.
    expect(indexed.all.some((item) => item.pk === 'MSG#wamid.SI-G1' && item.sk === 'MSG')).toBe(false);
    expect(JSON.stringify(indexed.all)).not.toContain(B);
    // The references (further identifiers) come with their items, apart from what is exported.
    expect(indexed.references.length).toBeGreaterThan(0);
    expect(indexed.references.every((item) => indexed.all.some((target) => target.pk === item.pk && target.sk === item.refSk))).toBe(true);
  });

  it('exports, holds, releases and erases through the index: no Scan, references held and erased with their items', async () => {
    const lines: string[] = [];
    commands.length = 0;
    await subjectExport(target, { contact: A_NEW_USER, out: join(work, 'a.zip'), by: 'dpo@example.com' }, (line) => lines.push(line));
    await holdAdd(target, { scope: 'contact', contactId: A }, { reason: 'Processo 1', by: 'legal@example.com' }, (line) => lines.push(line));
    const heldLog = [...commands];
    const references = (await db.send(new ScanCommand({ TableName: table, FilterExpression: 'entity = :ref', ExpressionAttributeValues: { ':ref': 'subject_ref' } }))).Items ?? [];
    const ofA = references.filter((item) => [A, A_USER, A_NEW_USER].some((id) => item.subjectPk === `SUBJECT#${id}`));
    expect(ofA.length).toBeGreaterThan(3);
    // Each reference is held exactly when the item it stands for is (the message, the receipt, the profile…).
    let held = 0;
    for (const reference of ofA) {
      const item = (await db.send(new GetCommand({ TableName: table, Key: { pk: reference.pk, sk: reference.refSk }, ConsistentRead: true }))).Item!;
      expect([reference.heldExpiresAt !== undefined, reference.expiresAt !== undefined], reference.sk).toEqual([item.heldExpiresAt !== undefined, item.expiresAt !== undefined]);
      if (reference.heldExpiresAt !== undefined) held += 1;
    }
    expect(held).toBeGreaterThan(2);
    commands.length = 0;
    await holdRemove(target, { scope: 'contact', contactId: A }, { by: 'legal@example.com' }, (line) => lines.push(line));
    await subjectErase(target, { contact: A, reason: 'pedido do titular', by: 'dpo@example.com' }, (line) => lines.push(line));
    expect(heldLog).toContain('QueryCommand');
    expect([...heldLog, ...commands]).not.toContain('ScanCommand');
    expect(lines.some((line) => /^erased contact 5511900000081 /.test(line))).toBe(true);
    // Nothing about A is left (the table scan of before finds nothing), references included; B's remains.
    const left = await findSubjectItems(new ScanningPrivacyRepository(db, table), { contactIds: [A, A_USER, A_NEW_USER] });
    expect(keysOf(left)).toEqual([]);
    const leftReferences = (await db.send(new ScanCommand({ TableName: table, FilterExpression: 'entity = :ref', ExpressionAttributeValues: { ':ref': 'subject_ref' } }))).Items ?? [];
    expect(leftReferences.filter((item) => [A, A_USER, A_NEW_USER].some((id) => item.subjectPk === `SUBJECT#${id}`))).toEqual([]);
    expect((await findSubjectItems(new DynamoDbPrivacyRepository(db, table), { contactIds: [B] })).messages.map((item) => item.id)).toEqual(['wamid.SI-B1']);
  });

  it('indexes an archive written before the index with `vigia migrate subject-index`, which resumes after kill -9', async () => {
    const expected = keysOf(await findSubjectItems(new ScanningPrivacyRepository(db, table), { contactIds: [B] }));
    expect(expected.length).toBeGreaterThan(2);
    // As an older version wrote it: no index keys, no references, no migration done.
    const items = (await db.send(new ScanCommand({ TableName: table }))).Items ?? [];
    for (const item of items) {
      if (item.entity === 'subject_ref') await db.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
      else if (item.subjectPk !== undefined) await db.send(new UpdateCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'REMOVE subjectPk' }));
    }
    await db.send(new DeleteCommand({ TableName: table, Key: SUBJECT_MIGRATION_KEY }));
    expect(keysOf(await findSubjectItems(new DynamoDbPrivacyRepository(db, table), { contactIds: [B] }))).toEqual([]);

    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./cli/main.ts').then((m) => m.run(['migrate', 'subject-index']))"], {
      cwd: process.cwd(),
      env: { ...process.env, VIGIA_DATA_DIR: stack.dataDir, VIGIA_MIGRATE_PAGE_SIZE: '3' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await expect
      .poll(async () => Number((await db.send(new GetCommand({ TableName: table, Key: SUBJECT_MIGRATION_KEY, ConsistentRead: true }))).Item?.scanned ?? 0), { timeout: 20_000, interval: 20 })
      .toBeGreaterThan(0);
    child.kill('SIGKILL');
    await exited;
    expect((await db.send(new GetCommand({ TableName: table, Key: SUBJECT_MIGRATION_KEY, ConsistentRead: true }))).Item?.done).toBe(false);

    const [line] = await cli('migrate', 'subject-index');
    expect(line).toMatch(/contact index complete — \d+ items indexed, \d+ references, of \d+ items scanned \(in all runs\)$/);
    expect(keysOf(await findSubjectItems(new DynamoDbPrivacyRepository(db, table), { contactIds: [B] }))).toEqual(expected);
    // Done: a second run has nothing to do and says the same.
    expect(await cli('migrate', 'subject-index')).toEqual([line]);
  });
});
