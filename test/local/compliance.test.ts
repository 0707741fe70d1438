import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { tinyZip } from '../helpers/zip';
import { cli, cliJson } from '../helpers/cli';

/** The repository's vigia.config.yaml: line …922 is Ana Souza (ventas, manager Carla Lima), …924 is Carla Gómez (soporte, manager Diego Ruiz, medium and up). */
const VENTAS_LINE = '106540352242922';
const SOPORTE_LINE = '106540352242924';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_FLOW_RETRY_MS: '5' } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
});
afterAll(async () => {
  await stack.stop();
});

const json = cliJson;

interface AlertJson {
  id: string;
  messageId: string;
  policyId: string;
  kind: string;
  severity: string;
  team: string | null;
  status: string;
  evidence: Record<string, unknown>;
  createdAt: string;
  history: { status: string; by: string; note?: string }[];
}
interface NotificationJson {
  alertId: string;
  channel: string;
  recipient: string;
  subject: string;
  body: string;
}

let counter = 0;
function webhook(lineId: string, message: Record<string, unknown>): { body: string; id: string } {
  const id = `wamid.compliance-${++counter}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: lineId }, contacts: [{ profile: { name: 'Cliente' }, wa_id: '5511983334444' }], messages: [{ from: '5511983334444', id, timestamp: String(1764300000 + counter), ...message }] } }] }],
  });
  return { body, id };
}
async function receive(lineId: string, message: Record<string, unknown>): Promise<string> {
  const { body, id } = webhook(lineId, message);
  expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  return id;
}
const alertsFor = async (messageId: string) => (await json<AlertJson>('alerts', '--json')).filter((alert) => alert.messageId === messageId);
const notificationsFor = async (alertIds: string[]) => (await json<NotificationJson>('notifications', '--json')).filter((entry) => alertIds.includes(entry.alertId));

describe('the compliance flow on the local stack', () => {
  it('raises one high alert for "planilla CONFIDENCIAL" on a ventas line and tells only that team’s manager, once', async () => {
    const { body, id } = webhook(VENTAS_LINE, { type: 'text', text: { body: 'Te mando la planilla CONFIDENCIAL' } });
    expect((await stack.post(body)).status).toBe(200);
    await stack.stack.drained();

    const alerts = await alertsFor(id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ policyId: 'confidential-terms', kind: 'keyword', severity: 'high', team: 'ventas', status: 'open' });
    expect(String(alerts[0].evidence.excerpt)).toContain('CONFIDENCIAL');

    const sent = await notificationsFor([alerts[0].id]);
    expect(sent.map((entry) => [entry.channel, entry.recipient]).sort()).toEqual([
      ['email', 'carla@example.com'],
      ['sms', '+5511999990000'],
    ]);
    const sms = sent.find((entry) => entry.channel === 'sms')!;
    expect(sms.body.length).toBeLessThanOrEqual(160);
    // In Carla's language (the config's default, pt), linking to the alert in the stack's own console.
    const link = `${stack.stack.info.url}/#/alerts/${alerts[0].id}`;
    expect(sms.body.endsWith(` ${link}`)).toBe(true);
    expect(sms.body.startsWith('Vigia ALTA confidential-terms - Ana Souza: ')).toBe(true);
    const email = sent.find((entry) => entry.channel === 'email')!;
    expect(email.subject).toBe('[Vigia] ALTA confidential-terms — Ana Souza');
    expect(email.body).toContain(`Abra no console:\n  ${link}`);
    expect(email.body).not.toContain('npx vigia');

    // Meta's retry of the same webhook, and a full replay, add nothing.
    expect((await stack.post(body)).status).toBe(200);
    await stack.stack.drained();
    await cli('replay');
    await stack.stack.drained();
    expect(await alertsFor(id)).toHaveLength(1);
    expect(await notificationsFor([alerts[0].id])).toHaveLength(2);
  });

  it('writes to Diego (soporte, language es) in Spanish, with the link to the console', async () => {
    const id = await receive(SOPORTE_LINE, { type: 'text', text: { body: 'Mi CPF es 123.456.789-09, ¿me confirmás la reserva?' } });
    const [alert] = await alertsFor(id);
    expect(alert).toMatchObject({ policyId: 'leak-patterns', severity: 'high', team: 'soporte' });
    const sent = await notificationsFor([alert.id]);
    expect(sent.map((entry) => [entry.channel, entry.recipient]).sort()).toEqual([
      ['email', 'diego@example.com'],
      ['sms', '+5491155550000'],
    ]);
    const link = `${stack.stack.info.url}/#/alerts/${alert.id}`;
    const email = sent.find((entry) => entry.channel === 'email')!;
    expect(email.subject).toBe('[Vigia] ALTA leak-patterns — Carla Gómez');
    expect(email.body).toContain('Vigia generó una alerta de palabra clave de severidad ALTA.');
    expect(email.body).toContain(`Ábrala en la consola:\n  ${link}`);
    const sms = sent.find((entry) => entry.channel === 'sms')!;
    expect(sms.body.length).toBeLessThanOrEqual(160);
    expect(sms.body).toMatch(/^Vigia ALTA leak-patterns - Carla Gomez: /);
    expect(sms.body.endsWith(` ${link}`)).toBe(true);
  });

  it('keeps the check results on the message even when nothing is raised', async () => {
    const id = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Qual o prazo de entrega para São Paulo?' } });
    expect(await alertsFor(id)).toEqual([]);
    const message = (await json<MessageView>('messages', '--json')).find((candidate) => candidate.id === id)!;
    expect(message.compliance).toMatchObject({ keyword: { hits: [] }, sentiment: { hits: [] } });
  });

  it('raises the file alert for an .xlsx document and for a JPEG-named ZIP', async () => {
    stack.graph.files.set('media-xlsx', { content: tinyZip('xl/workbook.xml', Buffer.from('<workbook/>')), mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    stack.graph.files.set('media-zip-jpg', { content: tinyZip('precos.csv', Buffer.from('a;b\n1;2\n')), mimeType: 'image/jpeg' });
    const xlsx = await receive(VENTAS_LINE, { type: 'document', document: { id: 'media-xlsx', filename: 'precos-2026.xlsx', mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    const fakeJpg = await receive(VENTAS_LINE, { type: 'document', document: { id: 'media-zip-jpg', filename: 'foto.jpg', mime_type: 'image/jpeg' } });
    const xlsxAlerts = await alertsFor(xlsx);
    expect(xlsxAlerts.map((alert) => [alert.policyId, alert.kind])).toEqual([['no-spreadsheets', 'file']]);
    const jpgAlerts = await alertsFor(fakeJpg);
    expect(jpgAlerts.map((alert) => [alert.policyId, alert.kind])).toEqual([['no-spreadsheets', 'file']]);
    expect(jpgAlerts[0].evidence).toMatchObject({ declaredMime: 'image/jpeg', sniffedMime: 'application/zip' });
  });

  it('raises the sentiment alert for negative Spanish and Portuguese messages, not for neutral ones', async () => {
    const spanish = await receive(SOPORTE_LINE, { type: 'text', text: { body: 'Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio' } });
    const portuguese = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada' } });
    const neutral = await receive(SOPORTE_LINE, { type: 'text', text: { body: '¿Me pasás la cotización del modelo X?' } });
    for (const id of [spanish, portuguese]) {
      const alerts = await alertsFor(id);
      expect(alerts.map((alert) => alert.kind), id).toContain('sentiment');
      expect(alerts.find((alert) => alert.kind === 'sentiment')!.evidence).toMatchObject({ sentiment: 'NEGATIVE' });
    }
    expect(await alertsFor(neutral)).toEqual([]);
    // a low alert on a soporte line: Diego only takes medium and up
    const sentimentAlert = (await alertsFor(spanish)).find((alert) => alert.kind === 'sentiment')!;
    expect(await notificationsFor([sentimentAlert.id])).toEqual([]);
  });

  it('acknowledges and resolves an alert with an audit trail, refusing to go back', async () => {
    const id = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Segue a senha do sistema' } });
    const [alert] = await alertsFor(id);
    expect(await cli('alerts', 'ack', alert.id, '--by', 'Carla Lima', '--note', 'falei com a Ana')).toEqual([`alert ${alert.id} is now acknowledged (by Carla Lima)`]);
    expect(await cli('alerts', 'resolve', alert.id, '--by', 'Carla Lima')).toEqual([`alert ${alert.id} is now resolved (by Carla Lima)`]);
    await expect(main(['alerts', 'ack', alert.id, '--by', 'X'])).rejects.toThrow(`alert ${alert.id} is resolved; it cannot become acknowledged`);
    // Each action is also in the audit log (and so sealed by the next tamper-evidence digest); the refused one is not.
    const audited = (await json<{ action: string; by: string; detail?: string }>('audit', '--json')).filter((entry) => entry.action === 'alert-transition' && entry.detail?.startsWith(`alert ${alert.id}:`));
    expect(audited.map((entry) => [entry.by, entry.detail])).toEqual([
      ['Carla Lima', `alert ${alert.id}: ack → acknowledged`],
      ['Carla Lima', `alert ${alert.id}: resolve → resolved`],
    ]);
    const [after] = await alertsFor(id);
    expect(after.status).toBe('resolved');
    expect(after.history.map((event) => [event.status, event.by, event.note])).toEqual([
      ['open', 'vigia', undefined],
      ['acknowledged', 'Carla Lima', 'falei com a Ana'],
      ['resolved', 'Carla Lima', undefined],
    ]);
    expect((await json<AlertJson>('alerts', '--status', 'resolved', '--team', 'ventas', '--json')).map((a) => a.id)).toContain(alert.id);
    await expect(main(['alerts', '--status', 'closed'])).rejects.toThrow('--status must be one of open, acknowledged, resolved, got "closed"');
    await expect(main(['alerts', 'ack', 'al_nope', '--by', 'X'])).rejects.toThrow('no alert al_nope');
    await expect(main(['alerts', 'ack', alert.id])).rejects.toThrow('usage: vigia alerts ack ID --by NAME [--note TEXT]');
  });

  it('records a failed run beside the message instead of losing it', async () => {
    const runner = (await import('../../local/adapters/local-targets')).inProcessQueues.get('compliance')!;
    await runner.send([JSON.stringify({ messageId: 'wamid.never-archived' })]);
    await stack.stack.drained();
    const { createDynamoDbClient } = await import('../../shared/platform/clients');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
    const items = await db.send(new QueryCommand({ TableName: stack.stack.info.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'MSG#wamid.never-archived' } }));
    db.destroy();
    expect(items.Items?.map((item) => [String(item.sk).split('#')[0], item.error])).toEqual([['FLOW_FAILURE', 'MessageNotFoundError']]);
  });
});

describe('vigia policies check', () => {
  it('validates the config and shows which policies a sample text hits', async () => {
    const lines = await cli('policies', 'check', '--text', 'Mando a planilha de preços e o CPF 123.456.789-09', '--line', VENTAS_LINE, '--direction', 'outbound');
    expect(lines.join('\n')).toMatch(/confidential-terms/);
    expect(lines.join('\n')).toMatch(/leak-patterns/);
  });
});
