import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/api-gateway';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { tinyZip } from '../helpers/zip';

/** The repository's vigia.config.yaml: …922 is Ana Souza (ventas, manager Carla), …924 is Carla Gómez (soporte, manager Diego); Olivia is the officer. */
const VENTAS_LINE = '106540352242922';
const SOPORTE_LINE = '106540352242924';
const VENTAS_CONTACT = '5511983330001';
const SOPORTE_CONTACT = '5491144440002';
const PASSWORD = 'console-test-password';
const CARLA = 'carla@example.com';
const DIEGO = 'diego@example.com';
const OLIVIA = 'olivia@example.com';

interface AlertJson {
  id: string;
  messageId: string;
  policyId: string;
  kind: string;
  lineId: string;
  status: string;
  assignee: string | null;
  outcome: string | null;
  history: { status: string; by: string; at: string; action?: string; note?: string; outcome?: string; assignee?: string }[];
}
interface AuditJson {
  by: string;
  action: string;
  outcome: string;
  at: string;
  ip?: string;
  lineId?: string;
  detail?: string;
}

let stack: TestStack;
const tokens: Record<string, string> = {};
let counter = 0;

beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_CONFIG: 'vigia.config.yaml', VIGIA_DEV_PASSWORD: PASSWORD, VIGIA_FLOW_RETRY_MS: '5' } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  process.env.VIGIA_CONFIG = 'vigia.config.yaml';
  delete process.env.VIGIA_STAGE;
});
afterAll(async () => {
  await stack?.stop();
});

const url = (path: string) => `${stack.stack.info.url}${path}`;
const signIn = (email: string, password: string) =>
  fetch(url('/auth/local/sign-in'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
const api = (token: string | undefined, path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(url(path), {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
async function ok<T>(response: Promise<Response>): Promise<T> {
  const answer = await response;
  const body = await answer.json();
  expect(answer.status, JSON.stringify(body)).toBe(200);
  return body as T;
}
async function refused(response: Promise<Response>, status: number): Promise<{ error: string; message: string }> {
  const answer = await response;
  const body = (await answer.json()) as { error: string; message: string };
  expect(answer.status, JSON.stringify(body)).toBe(status);
  expect(body).toEqual({ error: expect.any(String), message: expect.any(String) });
  return body;
}

/** One signed webhook with one message; resolves once the pipeline (ingest, media, compliance) is quiet. */
async function receive(lineId: string, contact: string, message: Record<string, unknown>): Promise<string> {
  const id = `wamid.console-${++counter}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: lineId }, contacts: [{ profile: { name: 'Cliente' }, wa_id: contact }], messages: [{ from: contact, id, timestamp: String(1764300000 + counter), ...message }] } }] }],
  });
  expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  return id;
}

const text = (body: string) => ({ type: 'text', text: { body } });
const alerts: Record<'ventasKeyword' | 'soporteCpf' | 'soporteFile', AlertJson> = {} as never;
const ZIP = tinyZip('xl/workbook.xml', Buffer.from('<workbook>precios</workbook>'));
let soporteMessages: string[] = [];

describe('signing in locally', () => {
  it('answers an ID token for a console user’s e-mail and the dev password', async () => {
    for (const email of [CARLA, DIEGO, OLIVIA]) {
      const { idToken } = await ok<{ idToken: string }>(signIn(email.toUpperCase(), PASSWORD));
      const claims = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8'));
      expect(claims).toMatchObject({ email, email_verified: true, token_use: 'id', aud: expect.any(String), iss: expect.any(String), sub: expect.any(String) });
      expect(claims.exp - claims.iat).toBe(3600);
      tokens[email] = idToken;
    }
  });

  it('refuses a wrong password and an unknown e-mail alike (401), and a bad body (400)', async () => {
    const wrong = await refused(signIn(CARLA, 'not-the-password'), 401);
    const unknown = await refused(signIn('eve@example.com', PASSWORD), 401);
    expect(wrong).toEqual(unknown);
    await refused(fetch(url('/auth/local/sign-in'), { method: 'POST', body: 'email=carla' }), 400);
  });

  it('answers 401 without a token, with a tampered one and with an expired one; 403 for an e-mail nobody configured', async () => {
    await refused(api(undefined, '/api/me'), 401);
    const [header, payload, signature] = tokens[CARLA].split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, email: OLIVIA })).toString('base64url');
    await refused(api(`${header}.${forged}.${signature}`, '/api/me'), 401);
    await refused(api(`${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`, '/api/me'), 401);
    const issuedAt = Math.floor(Date.now() / 1000) - 7200;
    const expired = await stack.stack.consoleAuth.issue(CARLA, { issuedAt, expiresAt: issuedAt + 3600 });
    expect((await refused(api(expired, '/api/me'), 401)).message).toMatch(/expired/);
    await refused(api(await stack.stack.consoleAuth.issue('eve@example.com'), '/api/me'), 403);
  });

  it('the function itself answers 401 when no authorizer claims reach it (a route without the JWT authorizer)', async () => {
    const { handler } = await import('../../functions/console-api/handler');
    const event = {
      version: '2.0',
      routeKey: 'ANY /api/{proxy+}',
      rawPath: '/api/me',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/api/me', sourceIp: '10.0.0.1', protocol: 'HTTP/1.1', userAgent: 'test' }, requestId: 'r', routeKey: 'ANY /api/{proxy+}', stage: '$default' },
    };
    const result = (await (handler as unknown as (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>)(event, lambdaContext('vigia-console-api')));
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body)).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });

  it('GET /api/me says who is signed in, with role, teams and language from the config', async () => {
    expect(await ok(api(tokens[CARLA], '/api/me'))).toEqual({ email: CARLA, name: 'Carla Lima', role: 'manager', teams: ['ventas'], language: 'pt' });
    expect(await ok(api(tokens[DIEGO], '/api/me'))).toEqual({ email: DIEGO, name: 'Diego Ruiz', role: 'manager', teams: ['soporte'], language: 'es' });
    expect(await ok(api(tokens[OLIVIA], '/api/me'))).toEqual({ email: OLIVIA, name: 'Olivia Castro', role: 'officer', teams: ['ventas', 'soporte'], language: 'en' });
  });
});

describe('the console API on alerts of two teams', () => {
  beforeAll(async () => {
    await receive(VENTAS_LINE, VENTAS_CONTACT, text('Bom dia, tudo bem?'));
    const keyword = await receive(VENTAS_LINE, VENTAS_CONTACT, text('Te mando la planilla CONFIDENCIAL hoy'));
    soporteMessages = [];
    for (let i = 1; i <= 3; i++) soporteMessages.push(await receive(SOPORTE_LINE, SOPORTE_CONTACT, text(`Mensaje de soporte número ${i}`)));
    const cpf = await receive(SOPORTE_LINE, SOPORTE_CONTACT, text('Mi CPF es 123.456.789-09'));
    stack.graph.files.set('media-console-xlsx', { content: ZIP, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const file = await receive(SOPORTE_LINE, SOPORTE_CONTACT, { type: 'document', document: { id: 'media-console-xlsx', filename: 'precios.xlsx', mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    soporteMessages.push(cpf, file, await receive(SOPORTE_LINE, SOPORTE_CONTACT, text('Gracias')));
    const all = await ok<{ alerts: AlertJson[] }>(api(tokens[OLIVIA], '/api/alerts?limit=200'));
    const find = (messageId: string, policyId: string) => all.alerts.find((alert) => alert.messageId === messageId && alert.policyId === policyId)!;
    alerts.ventasKeyword = find(keyword, 'confidential-terms');
    alerts.soporteCpf = find(cpf, 'leak-patterns');
    alerts.soporteFile = find(file, 'no-spreadsheets');
    expect(Object.values(alerts).every(Boolean)).toBe(true);
  });

  it('lists only the alerts of the lines a manager sees, with counts of the same scope', async () => {
    const carla = await ok<{ alerts: AlertJson[]; counts: Record<string, number> }>(api(tokens[CARLA], '/api/alerts'));
    expect(carla.alerts.map((alert) => alert.id)).toContain(alerts.ventasKeyword.id);
    expect(carla.alerts.every((alert) => alert.lineId === VENTAS_LINE || alert.lineId === '106540352242923')).toBe(true);
    expect(carla.counts).toEqual({ open: carla.alerts.length, acknowledged: 0, resolved: 0 });
    const diego = await ok<{ alerts: AlertJson[] }>(api(tokens[DIEGO], '/api/alerts?order=oldest'));
    expect(diego.alerts.map((alert) => alert.id)).toEqual([alerts.soporteCpf.id, alerts.soporteFile.id]);
    // A filter naming a line the manager cannot see finds nothing.
    expect(await ok(api(tokens[CARLA], `/api/alerts?line=${SOPORTE_LINE}`))).toEqual({ alerts: [], counts: { open: 0, acknowledged: 0, resolved: 0 } });
  });

  it('pages with a cursor, never repeating or skipping an alert', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok<{ alerts: AlertJson[]; nextCursor?: string }>(api(tokens[OLIVIA], `/api/alerts?limit=1&order=oldest${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.alerts.length).toBeLessThanOrEqual(1);
      seen.push(...page.alerts.map((alert) => alert.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await ok<{ alerts: AlertJson[] }>(api(tokens[OLIVIA], '/api/alerts?order=oldest&limit=200'));
    expect(seen).toEqual(all.alerts.map((alert) => alert.id));
    const severe = await ok<{ alerts: AlertJson[]; counts: Record<string, number> }>(api(tokens[OLIVIA], '/api/alerts?severity=medium&status=open'));
    expect(severe.alerts.map((alert) => alert.id)).toEqual([alerts.soporteFile.id]);
  });

  it('answers 400 with the reason for bad filters', async () => {
    for (const query of ['since=yesterday', 'limit=0', 'limit=ten', 'limit=201', 'status=closed', 'order=random', 'colour=red', 'cursor=not-a-cursor', 'since=2026-12-02&until=2026-12-01']) {
      const { error, message } = await refused(api(tokens[OLIVIA], `/api/alerts?${query}`), 400);
      expect(error).toBe('bad_request');
      expect(message.length).toBeGreaterThan(10);
    }
  });

  it('shows an alert with its message, the conversation around it and why it fired', async () => {
    const detail = await ok<{ alert: AlertJson; message: MessageView; conversation: { before: MessageView[]; after: MessageView[] }; hit: Record<string, unknown> }>(
      api(tokens[CARLA], `/api/alerts/${alerts.ventasKeyword.id}`),
    );
    expect(detail.alert.id).toBe(alerts.ventasKeyword.id);
    expect(detail.message.text).toBe('Te mando la planilla CONFIDENCIAL hoy');
    const { start, end } = detail.hit.offsets as { start: number; end: number };
    expect(detail.hit).toMatchObject({ kind: 'keyword', matched: 'confidencial' });
    expect(detail.message.text!.slice(start, end)).toBe('CONFIDENCIAL');
    expect(detail.conversation.before.map((message) => message.text)).toEqual(['Bom dia, tudo bem?']);

    const file = await ok<{ message: MessageView; conversation: { before: MessageView[]; after: MessageView[] }; hit: Record<string, unknown> }>(api(tokens[OLIVIA], `/api/alerts/${alerts.soporteFile.id}`));
    expect(file.hit).toMatchObject({ kind: 'file', extension: 'xlsx', mediaId: 'media-console-xlsx', declaredMime: expect.stringContaining('spreadsheet'), sniffedMime: expect.any(String) });
    expect(file.conversation.before.map((message) => message.id)).toEqual(soporteMessages.slice(0, 4));
    expect(file.conversation.after.map((message) => message.text)).toEqual(['Gracias']);
  });

  it('answers 404 to a manager for another team’s alert, conversation, file and transition — as for an id that does not exist', async () => {
    const missing = await refused(api(tokens[CARLA], '/api/alerts/al_00000000000000000000'), 404);
    const other = await refused(api(tokens[CARLA], `/api/alerts/${alerts.soporteCpf.id}`), 404);
    expect(other.error).toBe(missing.error);
    await refused(api(tokens[CARLA], `/api/conversations/${SOPORTE_LINE}/${SOPORTE_CONTACT}`), 404);
    await refused(api(tokens[CARLA], '/api/media/media-console-xlsx'), 404);
    await refused(api(tokens[CARLA], `/api/alerts/${alerts.soporteCpf.id}/transitions`, { method: 'POST', body: { action: 'acknowledge' } }), 404);
    await refused(api(tokens[CARLA], '/api/audit'), 404);
    const still = await ok<{ alert: AlertJson }>(api(tokens[OLIVIA], `/api/alerts/${alerts.soporteCpf.id}`));
    expect(still.alert.status).toBe('open');
  });

  it('lists conversations and reads a thread, oldest first, within the manager’s lines', async () => {
    const carla = await ok<{ conversations: { lineId: string; contactId: string; employee: string; team: string; messageCount: number }[] }>(api(tokens[CARLA], '/api/conversations'));
    expect(carla.conversations).toEqual([{ lineId: VENTAS_LINE, employee: 'Ana Souza', team: 'ventas', contactId: VENTAS_CONTACT, lastMessageAt: expect.any(String), messageCount: 2 }]);
    const olivia = await ok<{ conversations: { lineId: string }[] }>(api(tokens[OLIVIA], '/api/conversations'));
    expect(olivia.conversations.map((conversation) => conversation.lineId).sort()).toEqual([VENTAS_LINE, SOPORTE_LINE].sort());
    const thread = await ok<{ messages: MessageView[] }>(api(tokens[DIEGO], `/api/conversations/${SOPORTE_LINE}/${SOPORTE_CONTACT}`));
    expect(thread.messages.map((message) => message.id)).toEqual(soporteMessages);
    const older = await ok<{ messages: MessageView[] }>(api(tokens[DIEGO], `/api/conversations/${SOPORTE_LINE}/${SOPORTE_CONTACT}?limit=2&before=${encodeURIComponent(`${thread.messages[3].timestamp}#${thread.messages[3].id}`)}`));
    expect(older.messages.map((message) => message.id)).toEqual(soporteMessages.slice(1, 3));
    await refused(api(tokens[DIEGO], `/api/conversations/${SOPORTE_LINE}/${SOPORTE_CONTACT}?before=soon`), 400);
  });

  it('gives a download link to the archived file, valid for at most 300 s, that serves its bytes', async () => {
    const before = Date.now();
    const media = await ok<{ url: string; expiresAt: string; state: string; sha256: string; mimeType: string }>(api(tokens[DIEGO], '/api/media/media-console-xlsx'));
    expect(media).toMatchObject({ state: 'stored', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mimeType: expect.any(String) });
    expect(Date.parse(media.expiresAt) - before).toBeLessThanOrEqual(300_000 + 1000);
    expect(new URL(media.url).searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(media.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(ZIP)).toBe(true);
  });

  it('moves an alert through acknowledge → assign → resolve → reopen, refusing what its status does not allow (409) and bad bodies (400)', async () => {
    const path = `/api/alerts/${alerts.soporteCpf.id}/transitions`;
    const post = (body: unknown, token = tokens[OLIVIA]) => api(token, path, { method: 'POST', body });
    expect((await refused(post({ action: 'reopen' }), 409)).message).toMatch(/open/);
    expect(await ok<AlertJson>(post({ action: 'acknowledge', note: 'Revisando' }))).toMatchObject({ status: 'acknowledged' });
    await refused(post({ action: 'acknowledge' }), 409);
    await refused(post({ action: 'assign', assignee: CARLA }), 400);
    await refused(post({ action: 'assign', assignee: 'eve@example.com' }), 400);
    await refused(post({ action: 'assign' }), 400);
    await refused(post({ action: 'close' }), 400);
    await refused(api(tokens[OLIVIA], path, { method: 'POST' }), 400);
    expect(await ok<AlertJson>(post({ action: 'assign', assignee: DIEGO }))).toMatchObject({ status: 'acknowledged', assignee: DIEGO });
    await refused(post({ action: 'resolve', note: 'sin resultado' }), 400);
    expect(await ok<AlertJson>(post({ action: 'resolve', outcome: 'coaching', note: 'Hablado con Carla' }, tokens[DIEGO]))).toMatchObject({ status: 'resolved', outcome: 'coaching' });
    await refused(post({ action: 'assign', assignee: DIEGO }), 409);
    expect(await ok<AlertJson>(post({ action: 'reopen', note: 'Falta el informe' }))).toMatchObject({ status: 'open', outcome: null, assignee: DIEGO });
    const resolved = await ok<AlertJson>(post({ action: 'resolve', outcome: 'violation', note: 'CPF de cliente enviado por WhatsApp' }));
    expect(resolved.history.map((event) => [event.action ?? 'open', event.status, event.by])).toEqual([
      ['open', 'open', 'vigia'],
      ['acknowledge', 'acknowledged', OLIVIA],
      ['assign', 'acknowledged', OLIVIA],
      ['resolve', 'resolved', DIEGO],
      ['reopen', 'open', OLIVIA],
      ['resolve', 'resolved', OLIVIA],
    ]);

    // The CLI reads the same alert, with the same field names.
    const [listed] = (await cliJson<AlertJson>('alerts', '--status', 'resolved', '--json')).filter((alert) => alert.id === alerts.soporteCpf.id);
    expect(listed).toEqual(resolved);
    expect(listed.history.at(-1)).toMatchObject({ by: OLIVIA, note: 'CPF de cliente enviado por WhatsApp', outcome: 'violation', at: expect.any(String) });
    const counts = await ok<{ counts: Record<string, number> }>(api(tokens[DIEGO], '/api/alerts'));
    expect(counts.counts).toEqual({ open: 1, acknowledged: 0, resolved: 1 });
  });

  it('records every read of content or a file and every action in the audit log, with the source IP', async () => {
    const entries = await cliJson<AuditJson>('audit', '--json');
    const consoleEntries = entries.filter((entry) => entry.action.startsWith('console-'));
    const by = (who: string, action: string, outcome = 'done') => consoleEntries.filter((entry) => entry.by === who && entry.action === action && entry.outcome === outcome);
    expect(by(CARLA, 'console-alert-read')).toHaveLength(1);
    expect(by(CARLA, 'console-alert-read', 'not-found')).toHaveLength(2);
    expect(by(CARLA, 'console-conversation-read', 'not-found')).toHaveLength(1);
    expect(by(CARLA, 'console-media-read', 'not-found')).toHaveLength(1);
    expect(by(OLIVIA, 'console-alert-read').map((entry) => entry.detail)).toEqual(expect.arrayContaining([expect.stringContaining(alerts.soporteFile.id), expect.stringContaining(alerts.soporteCpf.id)]));
    expect(by(DIEGO, 'console-conversation-read')).toHaveLength(2);
    expect(by(DIEGO, 'console-media-read')).toHaveLength(1);
    expect(by(OLIVIA, 'console-alert-transition')).toHaveLength(4);
    expect(by(DIEGO, 'console-alert-transition')).toHaveLength(1);
    expect(consoleEntries.every((entry) => entry.ip === '127.0.0.1')).toBe(true);
    expect(consoleEntries.find((entry) => entry.action === 'console-alert-transition' && entry.by === DIEGO)).toMatchObject({ lineId: SOPORTE_LINE, detail: expect.stringContaining('resolve (coaching)') });

    // Officers read the same log through the API.
    const since = consoleEntries[0].at;
    const fromApi = await ok<{ entries: AuditJson[] }>(api(tokens[OLIVIA], `/api/audit?since=${encodeURIComponent(since)}`));
    expect(fromApi.entries.filter((entry) => entry.action.startsWith('console-')).length).toBeGreaterThanOrEqual(consoleEntries.length);
    await refused(api(tokens[OLIVIA], '/api/audit?since=last-week'), 400);
  });

  it('answers 404 for unknown routes and 405 for a known route with another method', async () => {
    await refused(api(tokens[OLIVIA], '/api/nothing-here'), 404);
    await refused(api(tokens[OLIVIA], '/api/alerts', { method: 'DELETE' }), 405);
    await refused(api(tokens[OLIVIA], `/api/conversations/${SOPORTE_LINE}/${SOPORTE_CONTACT}`, { method: 'DELETE' }), 405);
  });
});
