import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { resolveTarget } from '../../cli/target';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import { eraseSubject } from '../../shared/privacy/subject-erase';
import type { AuditEntry } from '../../shared/privacy/ports/subject-rights';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { listKeys } from '../helpers/s3';

const LINE = '106540352242922';
const DISPLAY = '5511940000001';
const A = '5511900000001';
const A_BSUID = 'BR.1A2B3C4D5E';
const B = '5511900000002';
const RETENTION_DAYS = 3650;
const T0 = Math.floor(Date.parse('2026-11-20T10:00:00Z') / 1000);
const ts = (offset: number) => String(T0 + offset);
const iso = (offset: number) => new Date((T0 + offset) * 1000).toISOString();

const A_IDS = ['wamid.A1', 'wamid.A2', 'wamid.A3', 'wamid.A-echo1', 'wamid.A-react', 'wamid.A-edit', 'wamid.A-shared'].sort();
const B_IDS = ['wamid.B1', 'wamid.B2', 'wamid.B-shared'].sort();
const SHARED_FILE = Buffer.from('%PDF-1.4\n% the same price list sent by two customers\n%%EOF\n');

function envelope(field: string, value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba-1', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: LINE }, ...value } }] }],
  });
}
const profileA = { profile: { name: 'Alice Prado' }, wa_id: A, user_id: A_BSUID };
const profileB = { profile: { name: 'Bruno Reis' }, wa_id: B };
const fromA = (id: string, offset: number, content: Record<string, unknown>) => ({ from: A, from_user_id: A_BSUID, id, timestamp: ts(offset), ...content });
const fromB = (id: string, offset: number, content: Record<string, unknown>) => ({ from: B, id, timestamp: ts(offset), ...content });
const document = (mediaId: string, filename: string) => ({ type: 'document', document: { id: mediaId, mime_type: 'application/pdf', filename } });

const WEBHOOKS = [
  envelope('messages', { contacts: [profileA], messages: [fromA('wamid.A1', 0, { type: 'text', text: { body: 'Oi, qual é a senha do portal?' } })] }),
  envelope('messages', { contacts: [profileA], messages: [fromA('wamid.A2', 10, document('media-A-only', 'rg.pdf'))] }),
  envelope('messages', { contacts: [profileA], messages: [fromA('wamid.A3', 20, document('media-A-shared', 'precos.pdf'))] }),
  envelope('smb_message_echoes', { message_echoes: [{ from: DISPLAY, to: A, id: 'wamid.A-echo1', timestamp: ts(30), type: 'text', text: { body: 'Olá Alice, já te respondo' } }] }),
  envelope('messages', {
    statuses: ['sent', 'delivered', 'read'].map((status, i) => ({ id: 'wamid.A-echo1', status, timestamp: ts(31 + i), recipient_id: A })),
  }),
  envelope('messages', { contacts: [profileA], messages: [fromA('wamid.A-react', 40, { type: 'reaction', reaction: { message_id: 'wamid.A-echo1', emoji: '👍' } })] }),
  envelope('smb_message_echoes', {
    message_echoes: [{ from: DISPLAY, to: A, id: 'wamid.A-edit', timestamp: ts(50), type: 'edit', edit: { original_message_id: 'wamid.A-echo1', message: { type: 'text', text: { body: 'Olá Alice!' } } } }],
  }),
  // A message sent through the Cloud API has no webhook of its own: only its statuses.
  envelope('messages', { statuses: [{ id: 'wamid.A-api', status: 'read', timestamp: ts(55), recipient_id: A }] }),
  envelope('messages', { contacts: [profileB], messages: [fromB('wamid.B1', 60, { type: 'text', text: { body: 'Bom dia, chegou o pedido' } })] }),
  envelope('messages', { contacts: [profileB], messages: [fromB('wamid.B2', 70, document('media-B-shared', 'precos.pdf'))] }),
  // One webhook carrying both customers: kept on erasure, the erased contact's record skipped by every projection.
  envelope('messages', {
    contacts: [profileA, profileB],
    messages: [fromA('wamid.A-shared', 80, { type: 'text', text: { body: 'Alice de novo' } }), fromB('wamid.B-shared', 81, { type: 'text', text: { body: 'Bruno de novo' } })],
  }),
];

let stack: TestStack;
let work: string;
const db = () => createDynamoDbClient(stack.stack.info.dynamodbEndpoint);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigia-privacy-'));
  const config = join(work, 'vigia.config.yaml');
  writeFileSync(config, `${readFileSync('vigia.config.yaml', 'utf8')}\nretention:\n  days: ${RETENTION_DAYS}\n  basis: "legal obligation: CLT art. 11"\n`);
  stack = await startTestStack({ env: { VIGIA_CONFIG: config } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  process.env.VIGIA_CONFIG = config;
  delete process.env.VIGIA_STAGE;
  stack.graph.files.set('media-A-shared', { content: SHARED_FILE, mimeType: 'application/pdf' });
  stack.graph.files.set('media-B-shared', { content: SHARED_FILE, mimeType: 'application/pdf' });
  for (const body of WEBHOOKS) expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const messageIds = async (...args: string[]) => (await cliJson<MessageView>('messages', '--json', ...args)).map((message) => message.id).sort();

/** Runs the CLI expecting a failure: the one-line message and exit code. */
async function cliFails(...args: string[]): Promise<{ message: string; exitCode: number }> {
  try {
    await main(args, () => undefined);
  } catch (error) {
    return { message: (error as Error).message, exitCode: (error as { exitCode?: number }).exitCode ?? 1 };
  }
  throw new Error(`vigia ${args.join(' ')} succeeded`);
}

function readZip(file: string): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(unzipSync(readFileSync(file))).map(([name, bytes]) => [name, Buffer.from(bytes)]));
}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ids = (json: Buffer, field = 'id') => (JSON.parse(json.toString('utf8')) as Record<string, unknown>[]).map((item) => String(item[field])).sort();

describe('subject access: vigia subject export', () => {
  it('archives the traffic of both contacts (the setup)', async () => {
    expect(await messageIds('--contact', A)).toEqual(A_IDS);
    expect(await messageIds('--contact', B)).toEqual(B_IDS);
  });

  it('writes every record of the contact and only theirs, with media and a manifest whose hashes match', async () => {
    const out = join(work, 'alice.zip');
    const [line] = await cli('subject', 'export', '--contact', A, '--out', out, '--by', 'dpo@example.com');
    expect(line).toMatch(/^wrote .*alice\.zip for contact 5511900000001 .*sha256 [0-9a-f]{64}$/);
    const files = readZip(out);
    expect(ids(files['messages.json'])).toEqual(A_IDS);
    const statuses = JSON.parse(files['statuses.json'].toString()) as { messageId: string; status: string }[];
    expect(statuses.map((status) => `${status.messageId} ${status.status}`).sort()).toEqual(['wamid.A-api read', 'wamid.A-echo1 delivered', 'wamid.A-echo1 read', 'wamid.A-echo1 sent']);
    const alerts = JSON.parse(files['alerts.json'].toString()) as { messageId: string; policyId: string }[];
    expect(alerts.map((alert) => `${alert.messageId} ${alert.policyId}`)).toContain('wamid.A1 confidential-terms');
    expect(ids(files['media.json'], 'mediaId')).toEqual(['media-A-only', 'media-A-shared']);
    const contacts = JSON.parse(files['contacts.json'].toString()) as { contactId: string; userId?: string }[];
    expect(contacts.map((contact) => contact.contactId)).toEqual([A]);
    // Nothing about Bruno anywhere, except the id of the shared raw webhook left out.
    const everything = Object.entries(files).filter(([name]) => name !== 'manifest.json').map(([, bytes]) => bytes.toString('latin1')).join('\n');
    expect(everything).not.toContain(B);
    expect(everything).not.toContain('Bruno');

    const manifest = JSON.parse(files['manifest.json'].toString()) as {
      contactIds: string[];
      files: { path: string; sha256: string; size: number }[];
      rawWebhooks: { path: string; key: string; signatureHeader: string }[];
      notIncluded: { key: string; reason: string }[];
    };
    expect(manifest.contactIds).toEqual([A, A_BSUID].sort());
    expect(Object.keys(files).sort()).toEqual([...manifest.files.map((file) => file.path), 'manifest.json'].sort());
    for (const file of manifest.files) {
      expect(sha256(files[file.path]), file.path).toBe(file.sha256);
      expect(files[file.path].length, file.path).toBe(file.size);
    }
    const mediaFiles = manifest.files.filter((file) => file.path.startsWith('media/'));
    expect(mediaFiles.map((file) => file.sha256).sort()).toEqual([stack.graph.sha256Of('media-A-only'), sha256(SHARED_FILE)].sort());
    // Raw webhooks only about Alice are included, signed; the one shared with Bruno is not.
    expect(manifest.rawWebhooks.length).toBe(8);
    for (const raw of manifest.rawWebhooks) expect(raw.signatureHeader).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(manifest.notIncluded.filter((entry) => entry.key.startsWith('raw/'))).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('other people') }),
    ]);
  });

  it('finds the same records from the business-scoped user id', async () => {
    const out = join(work, 'alice-bsuid.zip');
    await cli('subject', 'export', '--contact', A_BSUID, '--out', out, '--by', 'dpo@example.com');
    const files = readZip(out);
    expect(ids(files['messages.json'])).toEqual(A_IDS);
    expect(ids(files['media.json'], 'mediaId')).toEqual(['media-A-only', 'media-A-shared']);
  });

  it('rejects an unknown contact, a missing contact and a bad --out path in one line with a non-zero exit', async () => {
    const unknown = await cliFails('subject', 'export', '--contact', '5511999999999', '--out', join(work, 'nobody.zip'));
    expect(unknown).toMatchObject({ exitCode: 1, message: expect.stringContaining('no record names contact 5511999999999') });
    expect(existsSync(join(work, 'nobody.zip'))).toBe(false);
    const missing = await cliFails('subject', 'export', '--out', join(work, 'x.zip'));
    expect(missing.exitCode).toBe(2);
    const noFolder = await cliFails('subject', 'export', '--contact', A, '--out', join(work, 'missing-folder', 'a.zip'));
    expect(noFolder).toMatchObject({ exitCode: 1, message: expect.stringContaining('does not exist') });
    const folder = await cliFails('subject', 'export', '--contact', A, '--out', work);
    expect(folder).toMatchObject({ exitCode: 1, message: expect.stringContaining('is a folder') });
    for (const failure of [unknown, missing, noFolder, folder]) expect(failure.message).not.toContain('\n');
  });
});

describe('retention and legal holds', () => {
  const item = async (pk: string, sk = 'MSG') => (await db().send(new GetCommand({ TableName: stack.stack.info.table, Key: { pk, sk }, ConsistentRead: true }))).Item!;

  it('writes expiresAt = the record time + retention.days on messages, statuses, profiles, media and raw markers', async () => {
    const expected = (offset: number) => Math.floor(Date.parse(iso(offset)) / 1000) + RETENTION_DAYS * 86_400;
    expect((await item('MSG#wamid.B1')).expiresAt).toBe(expected(60));
    const statuses = (await cliJson<MessageView>('messages', '--json', '--contact', A)).find((message) => message.id === 'wamid.A-echo1');
    expect(statuses?.status).toBe('read');
    expect((await item('MSG#wamid.A-echo1', `STATUS#${iso(33)}#read#`)).expiresAt).toBe(expected(33));
    expect((await item(`CONTACT#${LINE}#${B}`, 'PROFILE')).expiresAt).toBe(expected(81));
    expect((await item('MEDIA#media-B-shared', 'MEDIA')).expiresAt).toBe(expected(70));
    const alert = (await cliJson<{ id: string; messageId: string }>('alerts', '--json')).find((candidate) => candidate.messageId === 'wamid.A1')!;
    expect((await item(`ALERT#${alert.id}`, 'ALERT')).expiresAt).toBe(expected(0));
    const raws = await listKeys(createS3Client(stack.stack.info.s3Endpoint), stack.stack.info.bucket, 'raw/');
    const marker = await item(`RAW#${raws[0]}`, 'RAW');
    expect(marker.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000) + (RETENTION_DAYS - 1) * 86_400);
  });

  it('removes expiresAt from held items (and tags their objects hold), and gives it back on release', async () => {
    const before = (await item('MSG#wamid.B1')).expiresAt as number;
    const [placed] = await cli('hold', 'add', '--contact', B, '--line', LINE, '--reason', 'Processo 0001234-56.2026', '--by', 'legal@example.com');
    expect(placed).toMatch(/^placed legal hold conversation:106540352242922:5511900000002: \d+ record\(s\) no longer expire/);
    const held = await item('MSG#wamid.B1');
    expect(held.expiresAt).toBeUndefined();
    expect(held.heldExpiresAt).toBe(before);
    expect((await item('MEDIA#media-B-shared', 'MEDIA')).expiresAt).toBeUndefined();
    const s3 = createS3Client(stack.stack.info.s3Endpoint);
    const rawKey = String(held.rawKey);
    const tagOf = async (key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: stack.stack.info.bucket, Key: key }))).TagSet?.find((tag) => tag.Key === 'vigia-retention')?.Value;
    expect(await tagOf(rawKey)).toBe('hold');
    expect(await cliJson('hold', 'list', '--json')).toEqual([
      expect.objectContaining({ id: `conversation:${LINE}:${B}`, scope: 'conversation', by: 'legal@example.com', reason: 'Processo 0001234-56.2026' }),
    ]);

    // Erasure is refused under the hold, and nothing changes.
    const refused = await cliFails('subject', 'erase', '--contact', B, '--reason', 'titular pediu a eliminação', '--by', 'dpo@example.com');
    expect(refused.exitCode).toBe(1);
    expect(refused.message).toMatch(/^refused: legal hold conversation:106540352242922:5511900000002 placed by legal@example\.com .*"Processo 0001234-56\.2026".*nothing was erased$/);
    expect(await messageIds('--contact', B)).toEqual(B_IDS);

    const [released] = await cli('hold', 'remove', '--contact', B, '--line', LINE, '--by', 'legal@example.com');
    expect(released).toMatch(/^released legal hold conversation:106540352242922:5511900000002: \d+ record\(s\) expire again/);
    const back = await item('MSG#wamid.B1');
    expect(back.expiresAt).toBe(before);
    expect(back.heldExpiresAt).toBeUndefined();
    expect(await tagOf(rawKey)).toBe('expire');
    expect(await cliJson('hold', 'list', '--json')).toEqual([]);
  });

  it('refuses an erasure the retention basis forbids, naming the basis, and changes nothing', async () => {
    const target = await resolveTarget({});
    try {
      const erase = eraseSubject(
        { repository: target.privacy, objects: target.objects, rawArchive: target.archive, retention: { days: RETENTION_DAYS, basis: 'legal obligation: CLT art. 11', minimumDays: 1825 } },
        { contact: B, reason: 'titular pediu a eliminação', by: 'dpo@example.com' },
      );
      await expect(erase).rejects.toThrow(/^refused: retention basis "legal obligation: CLT art\. 11" \(retention\.minimumDays 1825\) requires keeping \d+ record\(s\) of contact 5511900000002 .*nothing was erased$/);
    } finally {
      target.close();
    }
    expect(await messageIds('--contact', B)).toEqual(B_IDS);
  });
});

describe('erasure: vigia subject erase', () => {
  it('needs --reason (usage error, exit 2) and refuses an unknown contact (exit 1)', async () => {
    expect(await cliFails('subject', 'erase', '--contact', A)).toMatchObject({ exitCode: 2, message: expect.stringContaining('--reason') });
    const unknown = await cliFails('subject', 'erase', '--contact', '5511999999999', '--reason', 'pedido do titular');
    expect(unknown).toMatchObject({ exitCode: 1, message: expect.stringContaining('no record names contact 5511999999999') });
  });

  it('removes the contact from messages, media and the next export; a file shared with another contact stays', async () => {
    const [line] = await cli('subject', 'erase', '--contact', A_BSUID, '--reason', 'LGPD art. 18 VI: pedido do titular em 2026-11-27', '--by', 'dpo@example.com');
    expect(line).toMatch(/^erased contact BR\.1A2B3C4D5E \(identifiers 5511900000001, BR\.1A2B3C4D5E\) .*7 messages.*1 mediaFilesDeleted, 1 mediaFilesShared/);
    expect(await messageIds('--contact', A)).toEqual([]);
    expect(await messageIds()).toEqual(expect.not.arrayContaining(A_IDS));
    expect(await messageIds('--contact', B)).toEqual(B_IDS);
    const media = (await cliJson<{ mediaId: string }>('media', '--json')).map((item) => item.mediaId);
    expect(media).not.toContain('media-A-only');
    expect(media).not.toContain('media-A-shared');
    expect(media).toContain('media-B-shared');
    const keys = await listKeys(createS3Client(stack.stack.info.s3Endpoint), stack.stack.info.bucket, 'media/');
    expect(keys).not.toContain(`media/sha256/${stack.graph.sha256Of('media-A-only')}`);
    expect(keys).toContain(`media/sha256/${sha256(SHARED_FILE)}`);
    await cli('media', 'get', 'media-B-shared', '--out', join(work, 'b.pdf'));
    expect(readFileSync(join(work, 'b.pdf'))).toEqual(SHARED_FILE);
    expect((await cliFails('subject', 'export', '--contact', A, '--out', join(work, 'again.zip'))).message).toContain('no record names contact');
  });

  it('is not undone by vigia replay, nor by a late Meta retry; a new conversation afterwards is archived', async () => {
    const [replayed] = await cli('replay');
    expect(replayed).toMatch(/records of erased contacts skipped/);
    expect(await messageIds('--contact', A)).toEqual([]);
    expect(await messageIds('--contact', B)).toEqual(B_IDS);
    // Meta retries the shared webhook and Alice's first one days later: archived, not projected.
    expect((await stack.post(WEBHOOKS[0])).status).toBe(200);
    expect((await stack.post(WEBHOOKS.at(-1)!)).status).toBe(200);
    await stack.stack.drained();
    expect(await messageIds('--contact', A)).toEqual([]);
    // Alice writes again after the erasure: new data, archived as usual.
    const later = Math.floor(Date.now() / 1000) + 5;
    expect((await stack.post(envelope('messages', { contacts: [profileA], messages: [{ from: A, id: 'wamid.A-new', timestamp: String(later), type: 'text', text: { body: 'Voltei' } }] }))).status).toBe(200);
    await stack.stack.drained();
    expect(await messageIds('--contact', A)).toEqual(['wamid.A-new']);
  });

  it('appends every request, refusal and hold to the audit log', async () => {
    const entries = await cliJson<AuditEntry>('audit', '--json');
    const summary = entries.map((entry) => `${entry.action} ${entry.outcome} ${entry.contact ?? entry.lineId}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        `subject-export done ${A}`,
        `subject-export done ${A_BSUID}`,
        'subject-export not-found 5511999999999',
        `hold-add done ${B}`,
        `subject-erase refused ${B}`,
        `hold-remove done ${B}`,
        'subject-erase not-found 5511999999999',
        `subject-erase done ${A_BSUID}`,
      ]),
    );
    const erased = entries.find((entry) => entry.action === 'subject-erase' && entry.outcome === 'done')!;
    expect(erased).toMatchObject({ by: 'dpo@example.com', reason: 'LGPD art. 18 VI: pedido do titular em 2026-11-27', counts: expect.objectContaining({ messages: 7 }) });
    const refusals = entries.filter((entry) => entry.action === 'subject-erase' && entry.outcome === 'refused').map((entry) => entry.detail);
    expect(refusals).toEqual([expect.stringContaining('legal hold'), expect.stringContaining('legal obligation: CLT art. 11')]);
    expect(entries.map((entry) => entry.at)).toEqual([...entries.map((entry) => entry.at)].sort());
    const text = await cli('audit');
    expect(text.some((line) => line.includes('subject-erase') && line.includes('by dpo@example.com'))).toBe(true);
  });
});
