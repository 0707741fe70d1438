import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPE_OPTIONS, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY } from '../../console/security-headers';
import { samplePng } from '../../local/fake-graph-api';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';

/**
 * The manager console in Debian's headless Chromium against the local stack: sign-in, the queue
 * (only the manager's teams), an alert with its conversation, the matched term, an image and
 * hostile text, resolving it, axe-core, the languages, the phone width and the security headers.
 */
const CHROMIUM = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';
/** vigia.config.yaml: …922 is Ana Souza (ventas, manager Carla Lima), …924 is Carla Gómez (soporte). */
const VENTAS_LINE = '106540352242922';
const SOPORTE_LINE = '106540352242924';
const CUSTOMER = '5511983334444';
const PASSWORD = 'test-password';
const HOSTILE = '<img src=x onerror=alert(1)> look: javascript:alert(1) and https://example.com/pedido?id=7';
const NOTE = 'Talked to Ana: an internal draft, nothing left the company.';

interface AlertJson {
  id: string;
  messageId: string;
  policyId: string;
  team: string | null;
  status: string;
  outcome: string | null;
  history: { status: string; by: string; at: string; note?: string; action?: string; outcome?: string }[];
}

let stack: TestStack;
let browser: Browser;
let base: string;
const start = Math.floor(Date.now() / 1000) - 600;
let clock = 0;
const ids = { image: '', hostile: '', confidential: '', soporte: '', second: '' };

function webhook(lineId: string, message: Record<string, unknown>, echo = false): { body: string; id: string } {
  const id = `wamid.console-${++clock}`;
  const common = { id, timestamp: String(start + clock * 10), ...message };
  const value = echo
    ? { message_echoes: [{ from: '5511940000001', to: CUSTOMER, ...common }] }
    : { contacts: [{ profile: { name: 'Cliente' }, wa_id: CUSTOMER }], messages: [{ from: CUSTOMER, ...common }] };
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: echo ? 'smb_message_echoes' : 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: lineId }, ...value } }] }],
  });
  return { body, id };
}
async function receive(lineId: string, message: Record<string, unknown>, echo = false): Promise<string> {
  const { body, id } = webhook(lineId, message, echo);
  expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  return id;
}
/** What the page does after a click takes a moment (navigations, the API): wait up to 10 s. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const alerts = () => cliJson<AlertJson>('alerts', '--json');

beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_CONFIG: 'vigia.config.yaml', VIGIA_DEV_PASSWORD: PASSWORD, VIGIA_FLOW_RETRY_MS: '5' } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  base = stack.stack.info.url;
  stack.graph.files.set('console-photo', { content: samplePng(), mimeType: 'image/png' });
  ids.image = await receive(VENTAS_LINE, { type: 'image', image: { id: 'console-photo', mime_type: 'image/png' } });
  ids.hostile = await receive(VENTAS_LINE, { type: 'text', text: { body: HOSTILE } });
  ids.confidential = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Segue a planilha CONFIDENCIAL de preços, não repasse' } }, true);
  ids.second = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Minha senha do portal é 1234' } });
  ids.soporte = await receive(SOPORTE_LINE, { type: 'text', text: { body: 'Mi CPF es 123.456.789-09' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A fresh tab (its own sessionStorage) that records dialogs, page errors and CSP reports. */
async function newPage(options: { width?: number; locale?: string } = {}): Promise<{ page: Page; dialogs: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1200, height: 900 }, locale: options.locale ?? 'en-US' });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return { page, dialogs, problems };
}

async function signIn(page: Page, email = 'carla@example.com', password = PASSWORD): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function axeViolations(page: Page): Promise<string[]> {
  // The page's CSP refuses inline scripts (addScriptTag): axe is evaluated through the DevTools protocol instead.
  await page.evaluate(readFileSync('node_modules/axe-core/axe.min.js', 'utf8'));
  // A string: the repository's type-check has no DOM library, and this runs in the page.
  const results = (await page.evaluate(`(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations.map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  })()`)) as { id: string; impact: string; targets: string[] }[];
  return results.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.impact}): ${violation.targets.join(', ')}`);
}

describe('the console page on the local stack', () => {
  it('serves the page at / with the security headers, and 404 for any path that is not one of its files (it routes with the hash)', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: ");
    expect(csp).toContain(new URL(stack.stack.info.s3Endpoint).origin);
    expect(csp).toContain("connect-src 'self' https://*.amazoncognito.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
    expect(response.headers.get('x-content-type-options')).toBe(CONTENT_TYPE_OPTIONS);
    expect(response.headers.get('referrer-policy')).toBe(REFERRER_POLICY);
    const html = await response.text();
    const script = /<script type="module" src="(\/assets\/[^"]+\.js)"><\/script>/.exec(html)![1]!;
    const asset = await fetch(`${base}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const deep = await fetch(`${base}/some/deep/route`);
    expect(deep.status).toBe(404);
    expect(deep.headers.get('content-security-policy')).toBe(csp);
    expect((await fetch(`${base}/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
    const config = await fetch(`${base}/console-config.json`);
    expect(await config.json()).toEqual({ auth: 'local' });
    expect(config.headers.get('content-security-policy')).toBe(csp);
  });

  it('shows the sign-in form in English, Portuguese and Spanish (?lang= forces one)', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${base}/`);
    await poll(() => page.getByLabel('E-mail').count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await page.goto(`${base}/?lang=pt`);
    await poll(() => page.getByLabel('Senha').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Entrar' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('pt');
    await page.goto(`${base}/?lang=es`);
    await poll(() => page.getByLabel('Contraseña').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Iniciar sesión' }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says so for a wrong password', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/?lang=en`);
    await signIn(page, 'carla@example.com', 'not-the-password');
    await poll(() => page.getByRole('alert').textContent()).toBe('Wrong e-mail or password.');
    await page.context().close();
  });

  it('lets the ventas manager triage: her alerts only, the conversation, the hit, the image, hostile text as text, resolve with a note', async () => {
    const all = await alerts();
    const confidential = all.find((alert) => alert.messageId === ids.confidential && alert.policyId === 'confidential-terms')!;
    const soporte = all.find((alert) => alert.messageId === ids.soporte)!;
    expect(confidential).toBeDefined();
    expect(soporte).toMatchObject({ team: 'soporte' });
    const ventas = all.filter((alert) => alert.team === 'ventas' && alert.status === 'open');

    const { page, dialogs, problems } = await newPage();
    await page.goto(`${base}/?lang=en`);
    await signIn(page);
    const rows = page.locator('table.alerts tbody tr');
    await poll(() => rows.count()).toBe(ventas.length);
    const shown: { id: string | null; policy: string | null }[] = [];
    for (const row of await rows.all()) shown.push({ id: await row.getAttribute('data-alert-id'), policy: await row.locator('a.policy').textContent() });
    expect(shown.map((row) => row.id).sort()).toEqual(ventas.map((alert) => alert.id).sort());
    for (const row of shown) expect(row.policy).toBe(ventas.find((alert) => alert.id === row.id)!.policyId);
    expect(shown.map((row) => row.id)).not.toContain(soporte.id);
    expect(await page.locator('[data-count="open"]').textContent()).toBe(String(ventas.length));
    expect(await axeViolations(page)).toEqual([]);

    await page.locator(`tr[data-alert-id="${confidential.id}"] a.policy`).click();
    await poll(() => page.locator('.alert-message mark.hit').textContent()).toBe('CONFIDENCIAL');
    expect(page.url()).toBe(`${base}/?lang=en#/alerts/${confidential.id}`);
    // Employee (an echo from the Business app) and customer sides.
    const alertBubble = page.locator(`li[data-message-id="${ids.confidential}"]`);
    expect(await alertBubble.getAttribute('class')).toContain('employee');
    expect(await alertBubble.textContent()).toContain('Sent from the WhatsApp Business app');
    expect(await page.locator(`li[data-message-id="${ids.hostile}"]`).getAttribute('class')).toContain('customer');

    // Hostile text: literal, no element, no javascript: link, the https link inert but clickable.
    const hostile = page.locator(`li[data-message-id="${ids.hostile}"] .text`);
    expect(await hostile.textContent()).toBe(HOSTILE);
    expect(await hostile.locator('img').count()).toBe(0);
    expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
    const link = hostile.locator('a');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://example.com/pedido?id=7');
    expect(await link.getAttribute('rel')).toContain('noopener');

    // The image: through /api/media, shown inline, its hash verified.
    const imageBubble = page.locator(`li[data-message-id="${ids.image}"]`);
    await imageBubble.getByRole('button', { name: 'Show file' }).click();
    await poll(() => page.evaluate(`(() => { const image = document.querySelector('li[data-message-id="${ids.image}"] img.media-image'); return image && image.complete ? image.naturalWidth : 0; })()`)).toBe(16);
    expect(await imageBubble.textContent()).toContain('SHA-256 verified');
    expect(await axeViolations(page)).toEqual([]);

    // Resolve with an outcome and a note.
    await page.getByLabel('Note').fill(NOTE);
    await page.getByLabel('Outcome').selectOption('coaching');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Done' }).textContent()).toBe('Done: the alert is Resolved.');
    expect(await page.locator('.history').textContent()).toContain(NOTE);

    const [resolved] = (await alerts()).filter((alert) => alert.id === confidential.id);
    expect(resolved).toMatchObject({ status: 'resolved', outcome: 'coaching' });
    const last = resolved!.history.at(-1)!;
    expect(last).toMatchObject({ status: 'resolved', by: 'carla@example.com', note: NOTE, outcome: 'coaching' });
    expect(Date.now() - Date.parse(last.at)).toBeLessThan(60_000);

    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('opens the deep link of an alert e-mail after sign-in, and triages from the keyboard', async () => {
    const second = (await alerts()).find((alert) => alert.messageId === ids.second && alert.status === 'open')!;
    expect(second).toBeDefined();
    const { page, problems } = await newPage();
    await page.goto(`${base}/?lang=en#/alerts/${second.id}`);
    await signIn(page);
    await poll(() => page.locator('.alert-message mark.hit').textContent()).toBe('senha');
    await page.goto(`${base}/?lang=en#/alerts`);
    await poll(() => page.locator('table.alerts tbody tr').count()).toBeGreaterThan(0);
    const first = await page.locator('table.alerts tbody tr').first().getAttribute('data-alert-id');
    await page.locator('h1').click();
    await page.keyboard.press('a');
    await poll(async () => (await alerts()).find((alert) => alert.id === first)?.status).toBe('acknowledged');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('resolves several alerts at once with one note, and moves through the queue with j/k and Enter', async () => {
    const first = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Qual é a senha do wifi da loja?' } });
    const second = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Mandei a senha nova por e-mail' } });
    const raised = (await alerts()).filter((alert) => alert.messageId === first || alert.messageId === second);
    expect(raised).toHaveLength(2);
    const { page, problems } = await newPage();
    await page.goto(`${base}/?lang=en`);
    await signIn(page);
    for (const alert of raised) await page.locator(`tr[data-alert-id="${alert.id}"] input[type="checkbox"]`).check();
    await poll(() => page.getByText('2 selected').count()).toBe(1);
    await page.locator('input[name="bulk-note"]').fill('Both about the shop wifi, not a customer password.');
    await page.locator('select[name="bulk-outcome"]').selectOption('no_violation');
    await page.getByRole('button', { name: 'Resolve selected' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'updated' }).textContent()).toBe('2 updated, 0 not changed.');
    for (const alert of (await alerts()).filter((candidate) => raised.some((one) => one.id === candidate.id))) {
      expect(alert).toMatchObject({ status: 'resolved', outcome: 'no_violation' });
      expect(alert.history.at(-1)).toMatchObject({ by: 'carla@example.com', note: 'Both about the shop wifi, not a customer password.' });
    }

    // j/k move the current row, Enter opens it.
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply' }).click();
    const rows = page.locator('table.alerts tbody tr');
    const ventas = (await alerts()).filter((alert) => alert.team === 'ventas');
    await poll(() => rows.count()).toBe(ventas.length);
    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const current = await rows.nth(1).getAttribute('data-alert-id');
    expect(await rows.nth(1).getAttribute('class')).toBe('current');
    await page.keyboard.press('Enter');
    await poll(() => page.url()).toBe(`${base}/?lang=en#/alerts/${current}`);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('finds a conversation and reads its thread (edits, deletions, reactions); the officer sees the audit log, a manager does not', async () => {
    const priced = await receive(VENTAS_LINE, { type: 'text', text: { body: 'O preço fica em R$ 100' } }, true);
    const edit = await receive(VENTAS_LINE, { type: 'edit', edit: { original_message_id: priced, message: { type: 'text', text: { body: 'O preço fica em R$ 90' } } } }, true);
    const reaction = await receive(VENTAS_LINE, { type: 'reaction', reaction: { message_id: priced, emoji: '👍' } });
    const wrong = await receive(VENTAS_LINE, { type: 'text', text: { body: 'Mensagem para outro cliente' } }, true);
    const revoke = await receive(VENTAS_LINE, { type: 'revoke', revoke: { original_message_id: wrong } }, true);
    const { page, problems } = await newPage();
    await page.goto(`${base}/?lang=en#/conversations`);
    await signIn(page);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.getByLabel('Customer number').fill(CUSTOMER);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('table.conversations tbody tr').filter({ hasText: 'Ana Souza' });
    await poll(() => row.count()).toBe(1);
    await row.getByRole('link', { name: CUSTOMER }).click();
    await poll(() => page.locator(`li[data-message-id="${ids.hostile}"] .text`).textContent()).toBe(HOSTILE);
    expect(await page.locator(`li[data-message-id="${ids.soporte}"]`).count()).toBe(0);
    const edited = page.locator(`li[data-message-id="${priced}"]`);
    expect(await edited.locator('.tags').textContent()).toContain('Edited');
    expect(await edited.locator('.text').allTextContents()).toEqual(['Original: O preço fica em R$ 100', 'Changed to: O preço fica em R$ 90']);
    expect(await edited.locator('.reactions').textContent()).toBe('Reactions: 👍');
    const deleted = page.locator(`li[data-message-id="${wrong}"]`);
    expect(await deleted.locator('.tags').textContent()).toContain('Deleted by the sender');
    expect(await deleted.locator('.text').textContent()).toBe('Original: Mensagem para outro cliente');
    // The edit, the reaction and the deletion are shown with their message, not on their own.
    for (const folded of [edit, reaction, revoke]) expect(await page.locator(`li[data-message-id="${folded}"]`).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, 'olivia@example.com');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await poll(() => page.locator('table.audit tbody tr').filter({ hasText: 'carla@example.com' }).filter({ hasText: 'console-conversation-read' }).count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('signs in through Cognito with the authorization code and PKCE, and keeps the code out of the address bar', async () => {
    const domain = 'vigia-test.auth.us-east-1.amazoncognito.com';
    const alert = (await alerts()).find((candidate) => candidate.team === 'ventas')!;
    const idToken = await stack.stack.consoleAuth.issue('carla@example.com');
    const { page, problems } = await newPage();
    let authorize: URLSearchParams | undefined;
    let exchange: URLSearchParams | undefined;
    await page.route(`${base}/console-config.json`, (route) => route.fulfill({ json: { auth: 'cognito', domain, clientId: 'console-client', redirectUri: `${base}/` } }));
    await page.route(`https://${domain}/oauth2/authorize?*`, (route) => {
      authorize = new URL(route.request().url()).searchParams;
      return route.fulfill({ status: 302, headers: { location: `${base}/?lang=en&code=the-code&state=${authorize.get('state')}` } });
    });
    await page.route(`https://${domain}/oauth2/token`, (route) => {
      exchange = new URLSearchParams(route.request().postData() ?? '');
      return route.fulfill({ json: { id_token: idToken, access_token: 'a', token_type: 'Bearer', expires_in: 3600 }, headers: { 'access-control-allow-origin': base } });
    });
    await page.goto(`${base}/?lang=en#/alerts/${alert.id}`);
    await page.getByRole('button', { name: 'Sign in with your company account' }).click();
    await poll(() => page.locator('h1').textContent()).toBe(`Alert ${alert.policyId}`);
    expect(Object.fromEntries(authorize!)).toMatchObject({ response_type: 'code', client_id: 'console-client', redirect_uri: `${base}/`, code_challenge_method: 'S256', scope: 'openid email profile' });
    expect(Object.fromEntries(exchange!)).toMatchObject({ grant_type: 'authorization_code', client_id: 'console-client', code: 'the-code', redirect_uri: `${base}/` });
    expect(createHash('sha256').update(exchange!.get('code_verifier')!).digest('base64url')).toBe(authorize!.get('code_challenge'));
    // Back on the deep link, without the code or state in the URL or the history.
    expect(page.url()).toBe(`${base}/?lang=en#/alerts/${alert.id}`);
    expect(await page.evaluate('sessionStorage.getItem("vigia.idToken")')).toBe(idToken);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("draws the report's charts on the overview, for the manager's teams only, after an export", async () => {
    await cli('export');
    const { page, problems } = await newPage();
    await page.goto(`${base}/?lang=en#/overview`);
    await signIn(page);
    // Inline SVG with an accessible name, each with its numbers as a table; no inline style (the CSP would report it).
    await poll(() => page.getByRole('img', { name: 'Alerts by policy' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Response time per employee' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Sentiment per week' }).count()).toBe(1);
    for (const chart of ['alerts-by-policy', 'response-times', 'sentiment-trend']) {
      expect(await page.locator(`figure[data-chart="${chart}"] svg rect.mark`).count(), chart).toBeGreaterThan(0);
    }
    const analytics = (await page.locator('section.analytics').textContent())!;
    expect(analytics).toContain('Ana Souza');
    expect(analytics).not.toContain('soporte');
    expect(analytics).not.toContain('Carla Gómez');
    expect(await page.locator('[style]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a phone-width screen and renders in Portuguese and Spanish after sign-in', async () => {
    const { page, problems } = await newPage({ width: 375, locale: 'pt-BR' });
    await page.goto(`${base}/?lang=pt`);
    await page.getByLabel('E-mail').fill('carla@example.com');
    await page.getByLabel('Senha').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Alertas');
    expect(await page.getByLabel('Severidade').count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.goto(`${base}/?lang=es#/overview`);
    await poll(() => page.locator('h1').textContent()).toBe('Resumen');
    expect(await page.getByRole('button', { name: 'Cerrar sesión' }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows a personal-data alert with masked values only in why it fired, the message itself as sent', async () => {
    const cpfs = ['529.982.247-25', '111.444.777-35', '390.533.447-05'];
    const messageId = await receive(VENTAS_LINE, { type: 'text', text: { body: `Lista de clientes: ${cpfs.join(', ')}` } }, true);
    const alert = (await alerts()).find((candidate) => candidate.messageId === messageId && candidate.policyId === 'customer-data-out')!;
    expect(alert).toBeDefined();
    const { page, problems } = await newPage();
    await page.goto(`${base}/?lang=en#/alerts/${alert.id}`);
    await signIn(page);
    const why = page.locator('section.why');
    await poll(() => why.locator('ul.pii li').allTextContents()).toEqual(['3 × cpf: ***.982.247-**, ***.444.777-**, ***.533.447-**']);
    expect(await why.textContent()).toContain('Found inthe message');
    for (const cpf of cpfs) expect(await why.textContent()).not.toContain(cpf);
    // The conversation shows the message as it was sent, to someone whose team it is.
    expect(await page.locator('.alert-message').textContent()).toContain(cpfs[0]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
