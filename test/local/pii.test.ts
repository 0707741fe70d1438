import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_TABLE_NAMES } from '../../shared/analytics/export-schema';
import { buildXlsx } from '../../shared/media/text-extraction/sample-spreadsheet';
import { cli, cliJson } from '../helpers/cli';
import { buildPdf, zipBomb } from '../helpers/documents';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { lineWebhook } from '../helpers/webhooks';

/*
 * The pii policy kind end to end on the local stack: the sample config's `customer-data-out`
 * (cpf, cnpj, card, iban, pix; outbound; three or more) with the CPF-shaped regex policy
 * (`leak-patterns`) taken out — it would alert on any eleven digits, which is what the pii kind
 * exists to avoid — and `analytics.includeText: true`, so the export's text is checked too.
 */

const EMPLOYEE = '5511940000001';
const CUSTOMER = '5511981112222';
const VALID_CPFS = ['529.982.247-25', '111.444.777-35', '390.533.447-05'];
const WRONG_DIGIT_CPFS = ['529.982.247-26', '111.444.777-36', '390.533.447-06'];
const CARDS = ['4111 1111 1111 1111', '5500 0000 0000 0004', '4012 8888 8888 1881'];
/** Every full number of the test, formatted and as bare digits: none may appear where values are masked. */
const FULL_NUMBERS = [...VALID_CPFS, ...CARDS].flatMap((value) => [value, value.replace(/\D/g, '')]);

interface AlertJson {
  id: string;
  messageId: string;
  policyId: string;
  kind: string;
  evidence: { source?: string; count?: number; found?: { detector: string; count: number; masked: string[]; fingerprints: string[] }[] };
}
interface MessageJson {
  id: string;
  text?: string;
  compliance?: { fileText?: { scanned: boolean; reason?: string; format?: string }; pii?: { hits: unknown[] } };
}

let stack: TestStack;
let work: string;
/** Built before the stack starts: seconds of CPU between two requests would outlast the connection's keep-alive. */
let bombBytes: Buffer;
beforeAll(async () => {
  bombBytes = Buffer.from(zipBomb());
  work = mkdtempSync(join(tmpdir(), 'vigia-pii-'));
  const sample = readFileSync('vigia.config.yaml', 'utf8');
  const config = sample.replace(/ {2}- id: leak-patterns\n(?: {4}.*\n)+\n/, '').replace('includeText: false', 'includeText: true');
  expect(config).not.toContain('leak-patterns');
  expect(config).toContain('includeText: true');
  writeFileSync(join(work, 'vigia.config.yaml'), config);
  stack = await startTestStack({ env: { VIGIA_CONFIG: join(work, 'vigia.config.yaml') } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  process.env.VIGIA_CONFIG = join(work, 'vigia.config.yaml');
  delete process.env.VIGIA_STAGE;
});
afterAll(async () => {
  await stack.stop();
  delete process.env.VIGIA_CONFIG;
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
/** A message on the sample line: typed by the employee in the Business app (an echo), or sent by the customer. */
async function receive(from: 'employee' | 'customer', message: Record<string, unknown>): Promise<string> {
  const id = `wamid.pii-${++counter}`;
  const base = { id, timestamp: String(Math.floor(Date.now() / 1000) - 600 + counter), ...message };
  const body =
    from === 'employee'
      ? lineWebhook('smb_message_echoes', { message_echoes: [{ from: EMPLOYEE, to: CUSTOMER, ...base }] })
      : lineWebhook('messages', { contacts: [{ profile: { name: 'Cliente' }, wa_id: CUSTOMER }], messages: [{ from: CUSTOMER, ...base }] });
  expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  return id;
}
async function sendFile(name: string, mimeType: string, content: Buffer | { size: number; seed: number }): Promise<string> {
  const mediaId = `media-pii-${++counter}`;
  stack.graph.files.set(mediaId, { content, mimeType });
  return receive('employee', { type: 'document', document: { id: mediaId, mime_type: mimeType, filename: name } });
}

const alertsOf = async (messageId: string) => (await cliJson<AlertJson>('alerts', '--json')).filter((alert) => alert.messageId === messageId);
const piiAlertsOf = async (messageId: string) => (await alertsOf(messageId)).filter((alert) => alert.kind === 'pii');
const messageOf = async (messageId: string) => (await cliJson<MessageJson>('messages', '--json')).find((message) => message.id === messageId)!;
const expectNoFullNumber = (text: string, where: string) => {
  for (const value of FULL_NUMBERS) expect(text.includes(value), `${value} in ${where}`).toBe(false);
};

describe('personal data in messages (pii policies) on the local stack', () => {
  let cpfMessage: string;

  it('raises one alert for an employee message with three valid CPFs, with masked values, the count and fingerprints', async () => {
    cpfMessage = await receive('employee', { type: 'text', text: { body: `Segue a lista: ${VALID_CPFS.join(', ')}` } });
    const alerts = await alertsOf(cpfMessage);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ policyId: 'customer-data-out', kind: 'pii', evidence: { source: 'text', count: 3 } });
    const [found] = alerts[0].evidence.found!;
    expect(found).toMatchObject({ detector: 'cpf', count: 3, masked: ['***.982.247-**', '***.444.777-**', '***.533.447-**'] });
    expect(found.fingerprints).toHaveLength(3);
    for (const hash of found.fingerprints) expect(hash).toMatch(/^[0-9a-f]{16}$/);
    // The record keeps what was sent, as for any message.
    expect((await messageOf(cpfMessage)).text).toContain(VALID_CPFS[0]);
  });

  it('recognises the same number in a later alert by its fingerprint, without storing it', async () => {
    const again = await receive('employee', { type: 'text', text: { body: `De novo: ${[...VALID_CPFS].reverse().join(' ; ')}` } });
    const [first] = await piiAlertsOf(cpfMessage);
    const [second] = await piiAlertsOf(again);
    expect([...second.evidence.found![0].fingerprints].sort()).toEqual([...first.evidence.found![0].fingerprints].sort());
  });

  it('masks the personal data in another policy’s excerpt too (a keyword hit on the same text)', async () => {
    const id = await receive('employee', { type: 'text', text: { body: `Planilha confidencial: ${VALID_CPFS[0]}` } });
    const keyword = (await alertsOf(id)).find((alert) => alert.kind === 'keyword')!;
    expect(keyword.policyId).toBe('confidential-terms');
    expect((keyword.evidence as { excerpt?: string }).excerpt).toBe('Planilha confidencial: ***.982.247-**');
    // One CPF is under the pii policy's minCount of 3: no pii alert.
    expect(await piiAlertsOf(id)).toEqual([]);
  });

  it('raises none for the same text with wrong check digits', async () => {
    const id = await receive('employee', { type: 'text', text: { body: `Segue a lista: ${WRONG_DIGIT_CPFS.join(', ')}` } });
    expect(await alertsOf(id)).toEqual([]);
    expect((await messageOf(id)).compliance?.pii).toEqual({ hits: [] });
  });

  it('raises none for customers sending their own numbers under an outbound-only policy', async () => {
    const id = await receive('customer', { type: 'text', text: { body: `Meus CPFs: ${VALID_CPFS.join(', ')}` } });
    expect(await alertsOf(id)).toEqual([]);
  });

  it('raises the file-content alert for an XLSX and a text PDF with card numbers', async () => {
    const sheet = buildXlsx([[['Cliente', 'Cartão'], ...CARDS.map((card, row) => [`Cliente ${row + 1}`, card])]]);
    const xlsx = await sendFile('clientes.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.from(sheet));
    const pdf = await sendFile('faturas.pdf', 'application/pdf', Buffer.from(buildPdf(CARDS.map((card) => `Cartao ${card}`))));
    for (const [id, format] of [
      [xlsx, 'xlsx'],
      [pdf, 'pdf'],
    ] as const) {
      const alerts = await piiAlertsOf(id);
      expect(alerts, format).toHaveLength(1);
      expect(alerts[0].evidence).toMatchObject({ source: 'file', count: 3, found: [{ detector: 'card', count: 3, masked: ['**** **** **** 1111', '**** **** **** 0004', '**** **** **** 1881'] }] });
      expect((await messageOf(id)).compliance?.fileText).toMatchObject({ scanned: true, format });
    }
  });

  it('marks a zip bomb and an oversized sheet "not scanned" with the reason, and the flow completes', async () => {
    const bomb = await sendFile('bomba.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bombBytes);
    const huge = await sendFile('enorme.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', { size: 26 * 1024 * 1024, seed: 3 });
    const bombText = (await messageOf(bomb)).compliance?.fileText;
    expect(bombText?.scanned).toBe(false);
    expect(bombText?.reason).toMatch(/^not scanned: the archive declares more than \d+ MB/);
    expect((await messageOf(huge)).compliance?.fileText).toEqual({ scanned: false, reason: 'not scanned: the file is 26 MB, above the 25 MB limit' });
    // The other checks ran and were recorded: the file policy still flags both spreadsheets.
    for (const id of [bomb, huge]) expect((await alertsOf(id)).map((alert) => alert.policyId)).toContain('no-spreadsheets');
    expect(await cli('alerts', '--json')).not.toHaveLength(0);
  });

  it('shows no full number in the notifications, `vigia alerts --json` or the Parquet export', async () => {
    expectNoFullNumber((await cli('notifications', '--json')).join('\n'), 'the notifications');
    expectNoFullNumber((await cli('alerts', '--json')).join('\n'), 'vigia alerts --json');
    expectNoFullNumber((await cli('alerts')).join('\n'), 'vigia alerts');

    const download = join(work, 'analytics');
    await cli('export', '--download', download);
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const exported: Record<string, unknown[]> = {};
      for (const table of EXPORT_TABLE_NAMES.filter((name) => existsSync(join(download, 'exports', name)))) {
        const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${join(download, 'exports', table)}/*/data.parquet')`);
        exported[table] = reader.getRowObjectsJson();
      }
      expect(Object.keys(exported).sort()).toEqual(['alerts', 'media', 'messages']);
      expect(exported.alerts.length).toBeGreaterThan(0);
      const texts = exported.messages.map((row) => (row as { text: string | null }).text).filter(Boolean);
      expect(texts.some((text) => text?.includes('***.982.247-**'))).toBe(true);
      expectNoFullNumber(JSON.stringify(exported), 'the Parquet export');
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });
});
