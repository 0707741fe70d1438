import { dirname } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadConsolePasswords } from '../local/dev-secrets';
import { SIMULATED_LINES } from '../local/traffic';
import { DynamoDbArchiveRepository } from '../shared/capture/adapters/dynamodb-archive-repository';
import type { MessageRecord } from '../shared/capture/records';
import { DynamoDbAlertRepository } from '../shared/compliance/adapters/dynamodb-alert-repository';
import { alertId } from '../shared/compliance/alerts';
import type { Alert, AlertEvent, AlertOutcome, AlertStatus, PolicyKind, Severity } from '../shared/compliance/model';
import { appliesTo, loadVigiaConfig, type PolicyScope, type VigiaConfig } from '../shared/config/vigia-config';
import { forEachLimited } from '../shared/platform/concurrency';
import { createDynamoDbClient } from '../shared/platform/clients';
import { startStackHost } from './ingest';
import { spread, median, type Spread } from './stats';

/**
 * The manager console on the local stack, with an archive of a real size (issue 15): `GET
 * /api/alerts` and `GET /api/alerts/{id}` latency over HTTP, and the page's cold load in
 * headless Chromium.
 *
 * Seeding. The stack runs in its own process (`startStackHost`, the repository's
 * `vigia.config.yaml`); this process writes straight to its dynalite through the real
 * repositories (DynamoDbArchiveRepository.save, DynamoDbAlertRepository.create), 48 writes in
 * flight, not through webhooks: 100,000 messages over the config's three lines and 600 contacts
 * (each contact writes mostly to one line), one message every ~78 s over the last 90 days, in
 * and out; then 5,000 alerts (every 20th message) of the four policies of the config, 40 % open,
 * 20 % acknowledged (half of them assigned), 40 % resolved, already notified (the re-drive has
 * nothing to send). The alert's message carries what the policy matched.
 *
 * API. A manager (Carla Lima, team `ventas`: two of the three lines) and the officer (every
 * line) sign in through `POST /auth/local/sign-in` with the stack's dev passwords. For each, one
 * request at a time over keep-alive: the list as the console's queue opens it (`status=open`,
 * newest first, 50), a filtered list (a policy, two statuses), cursor pages (the following pages
 * of the default list, in turn), and the detail of distinct alerts the user may see (each an
 * audited read: the audit entry is written before the answer). A short warm-up first; latency =
 * request start → body read.
 *
 * Page. A fresh browser context (empty cache and storage) opens `/?lang=en`, signs the manager in
 * through the form and waits for the queue; then the HTTP cache is cleared and the tab reloaded
 * with the token already in its sessionStorage: the figure is the time from that navigation's
 * start to the first alert row (`tr[data-alert-id]`) in the DOM, read in the page
 * (`performance.now()` in a MutationObserver installed before the page's scripts). It includes
 * the HTML, the script and style, `/console-config.json`, `/api/me` and `/api/alerts`.
 */
export interface ConsoleOptions {
  /** Messages seeded. @default 100000 */
  messages?: number;
  /** Alerts seeded (on every messages/alerts-th message). @default messages / 20 */
  alerts?: number;
  /** Measured requests per endpoint and user. @default 200 */
  requests?: number;
  /** Unmeasured requests per endpoint and user sent first. @default 20 */
  warmup?: number;
  /** Measured cold loads of the page. @default 5 */
  pageLoads?: number;
  onProgress?(message: string): void;
}

export interface ConsoleFigure {
  messages: number;
  alerts: number;
  /** Wall time of the seeding (messages, then alerts), and messages + alerts written per second. */
  seedSeconds: number;
  seedPerSec: number;
  /** Per user and request kind (`manager.list`, `officer.detail`…): latency over HTTP, ms. */
  requests: Record<string, Spread>;
  /** The highest p95 of the list requests (every kind, both users), ms. */
  alertListP95Ms: number;
  /** The highest p95 of the detail requests (both users), ms. */
  alertDetailP95Ms: number;
  /** Cold loads of the page: navigation start → first alert row, ms. */
  pageFirstListMs: number[];
  pageFirstListMedianMs: number;
  pageFirstListMaxMs: number;
}

const MANAGER = 'carla@example.com';
const OFFICER = 'olivia@example.com';
const CONTACTS = 600;
const SEED_CONCURRENCY = 48;
const DAY_MS = 86_400_000;
const SPAN_MS = 90 * DAY_MS;
const CHROMIUM = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';

export async function measureConsole(options: ConsoleOptions = {}): Promise<ConsoleFigure> {
  const messages = options.messages ?? 100_000;
  const alerts = options.alerts ?? Math.floor(messages / 20);
  const requests = options.requests ?? 200;
  const warmup = options.warmup ?? 20;
  const pageLoads = options.pageLoads ?? 5;
  const progress = options.onProgress ?? (() => {});
  if (alerts > messages) throw new Error(`console benchmark: ${alerts} alerts need at least as many messages (got ${messages})`);

  progress('console: starting the local stack');
  const host = await startStackHost();
  try {
    const config = loadVigiaConfig(host.info.configFile);
    const seedStarted = performance.now();
    await seed(host.info.dynamodbEndpoint, host.info.table, config, messages, alerts, progress);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    progress(`console: seeded ${messages} messages and ${alerts} alerts in ${seedSeconds.toFixed(0)} s`);

    const passwords = loadConsolePasswords(dirname(host.info.outboxFile), [MANAGER, OFFICER], {});
    const figures: Record<string, Spread> = {};
    for (const [role, email] of [['manager', MANAGER], ['officer', OFFICER]] as const) {
      const client = await signIn(host.info.url, email, passwords.byEmail.get(email)!);
      const measure = async (kind: string, paths: string[]) => {
        const at = (n: number) => paths[n % paths.length];
        for (let n = 0; n < warmup; n++) await client.get(at(n));
        const latencies: number[] = [];
        for (let n = 0; n < requests; n++) latencies.push(await client.get(at(warmup + n)));
        const { p50, p95, max, count } = spread(latencies);
        figures[`${role}.${kind}`] = { p50: round(p50, 1), p95: round(p95, 1), max: round(max, 1), count };
        progress(`console: ${role} ${kind}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
      };
      const first = (await client.json('/api/alerts?status=open&order=newest&limit=50')) as { alerts: { id: string }[]; nextCursor?: string };
      await measure('list', ['/api/alerts?status=open&order=newest&limit=50']);
      await measure('listFiltered', ['/api/alerts?status=open,acknowledged&policy=leak-patterns&order=newest&limit=50']);
      await measure('listCursor', await cursorPages(client, first.nextCursor, 10));
      await measure('detail', await visibleAlertIds(client, warmup + requests));
    }

    progress(`console: ${pageLoads} cold loads of the page in Chromium`);
    const loads = await pageColdLoads(host.info.url, MANAGER, passwords.byEmail.get(MANAGER)!, pageLoads);
    const pick = (kind: string) => Object.entries(figures).filter(([name]) => name.split('.')[1]!.startsWith(kind));
    return {
      messages,
      alerts,
      seedSeconds: round(seedSeconds, 1),
      seedPerSec: Math.round((messages + alerts) / seedSeconds),
      requests: figures,
      alertListP95Ms: Math.max(...pick('list').map(([, figure]) => figure.p95)),
      alertDetailP95Ms: Math.max(...pick('detail').map(([, figure]) => figure.p95)),
      pageFirstListMs: loads.map((ms) => round(ms, 1)),
      pageFirstListMedianMs: round(median(loads), 1),
      pageFirstListMaxMs: round(Math.max(...loads), 1),
    };
  } finally {
    await host.stop();
  }
}

// ── Seeding ────────────────────────────────────────────────────────────────────────────────────

interface SeedPolicy {
  id: string;
  kind: PolicyKind;
  severity: Severity;
  /** The message that raises it: its text (and file), and the alert's evidence. */
  text: string;
  evidence: Record<string, unknown>;
  file?: boolean;
  /** Whether the policy checks such a message (its `teams` and `direction`). */
  appliesTo(scope: PolicyScope): boolean;
}

const CHAT = [
  'Bom dia! Vocês têm o modelo X em estoque?',
  'Qual o prazo de entrega para São Paulo?',
  'Obrigado pela atenção, fico no aguardo.',
  'Hola, ¿me podés pasar la cotización?',
  '¿Cuánto sale el envío a Córdoba?',
  'A entrega leva de 2 a 3 dias úteis.',
  'Perfeito, pode fechar o pedido.',
  'Lamentamos mucho, ya gestionamos el cambio.',
];

/** The config's policies, each with a message that matches it. */
function seedPolicies(config: VigiaConfig): SeedPolicy[] {
  const samples: Record<string, Pick<SeedPolicy, 'text' | 'evidence' | 'file'>> = {
    keyword: { text: 'Segue a planilha confidencial, não repasse.', evidence: { matched: 'confidencial', excerpt: 'Segue a planilha confidencial, não repasse.' } },
    file: { text: 'precos-2026.xlsx', evidence: { reasons: ['extension'], extension: 'xlsx', declaredMime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 48_213 }, file: true },
    sentiment: { text: 'Estou muito irritado, ninguém resolve o meu problema!', evidence: { sentiment: 'NEGATIVE', score: 0.93, analyzer: 'offline', languageCode: 'pt' } },
  };
  return config.policies.map((policy) => {
    const sample = samples[policy.kind]!;
    // The regex policy (CPF): a number it matches.
    const regex = policy.kind === 'keyword' && !('terms' in policy && policy.terms?.length);
    return {
      id: policy.id,
      kind: policy.kind,
      severity: policy.severity,
      appliesTo: (scope: PolicyScope) => appliesTo(policy, scope),
      ...(regex ? { text: 'Meu CPF é 123.456.789-09', evidence: { matched: '\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b', excerpt: 'Meu CPF é 123.456.789-09' } } : sample),
    };
  });
}

async function seed(endpoint: string, table: string, config: VigiaConfig, messageCount: number, alertCount: number, progress: (message: string) => void): Promise<void> {
  const db = createDynamoDbClient(endpoint);
  try {
    const archive = new DynamoDbArchiveRepository(db, table);
    const repository = new DynamoDbAlertRepository(db, table);
    const policies = seedPolicies(config);
    const lines = config.lines;
    const every = Math.floor(messageCount / Math.max(1, alertCount));
    const end = Date.now() - 3_600_000;
    const step = SPAN_MS / messageCount;
    /** Message n: its line, contact, time, and the policy it hits when it is an alert's. */
    const planOf = (n: number) => {
      const contact = n % CONTACTS;
      // Each contact writes to one line, and now and then (1 in 10) to another.
      const line = lines[(contact + (n % 10 === 9 ? 1 : 0)) % lines.length]!;
      const alertIndex = n % every === 0 && n / every < alertCount ? n / every : undefined;
      const eligible = alertIndex === undefined ? [] : policies.filter((policy) => policy.appliesTo({ direction: directionOf(n), team: line.team }));
      const policy = alertIndex === undefined ? undefined : eligible[alertIndex % eligible.length];
      return { contactId: `55119${String(81_000_000 + contact * 7919).padStart(8, '0')}`, line, at: new Date(end - SPAN_MS + n * step), alertIndex, policy };
    };

    const batch = 10_000;
    for (let start = 0; start < messageCount; start += batch) {
      const numbers = Array.from({ length: Math.min(batch, messageCount - start) }, (_, i) => start + i);
      await forEachLimited(numbers, SEED_CONCURRENCY, async (n) => {
        const plan = planOf(n);
        await archive.save(messageOf(n, plan.line.phoneNumberId, plan.contactId, plan.at, plan.policy), { rawKey: 'bench/console-seed', receivedAt: plan.at.toISOString() }, 0);
      });
      progress(`console: seeding messages ${start + numbers.length}/${messageCount}`);
    }
    const alertNumbers = Array.from({ length: alertCount }, (_, i) => i * every);
    await forEachLimited(alertNumbers, SEED_CONCURRENCY, async (n) => {
      const plan = planOf(n);
      await repository.create(alertOf(plan.alertIndex!, messageIdOf(n), plan.line, plan.contactId, plan.at, plan.policy!));
    });
    progress(`console: seeded ${alertCount} alerts`);
  } finally {
    db.destroy();
  }
}

/** Customers' messages and the employees' answers, in turn. */
const directionOf = (n: number): PolicyScope['direction'] => (n % 2 === 0 ? 'inbound' : 'outbound');
const messageIdOf = (n: number) => `wamid.BENCHCONSOLE${n.toString(36).padStart(8, '0')}`;

function messageOf(n: number, lineId: string, contactId: string, at: Date, policy: SeedPolicy | undefined): MessageRecord {
  const direction = directionOf(n);
  const id = messageIdOf(n);
  const text = policy?.text ?? CHAT[n % CHAT.length]!;
  const unix = String(Math.floor(at.getTime() / 1000));
  const display = SIMULATED_LINES.find((line) => line.phoneNumberId === lineId)?.display;
  const ends = direction === 'inbound' ? { from: contactId } : { from: display, to: contactId };
  const media = policy?.file
    ? { mediaId: `bench-media-${n}`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: text, sha256: 'q2xK1qOb8cKxw0Xy8xX0rS2p4hQ0tXc1oY2t0cZ9Yb0=' }
    : undefined;
  return {
    kind: 'message',
    id,
    lineId,
    lineDisplayNumber: display,
    wabaId: '102290129340398',
    contactId,
    direction,
    source: direction === 'inbound' ? 'cloud_api' : 'business_app',
    type: media ? 'document' : 'text',
    timestamp: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    text,
    ...(media ? { media } : {}),
    payload: media
      ? { ...ends, id, timestamp: unix, type: 'document', document: { id: media.mediaId, filename: media.filename, mime_type: media.mimeType, sha256: media.sha256 } }
      : { ...ends, id, timestamp: unix, type: 'text', text: { body: text } },
  };
}

const OUTCOMES: AlertOutcome[] = ['no_violation', 'coaching', 'violation'];

function alertOf(index: number, messageId: string, line: VigiaConfig['lines'][number], contactId: string, at: Date, policy: SeedPolicy): Alert {
  const createdAt = new Date(at.getTime() + 2000).toISOString();
  const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();
  // 40 % open, 20 % acknowledged (half of them assigned), 40 % resolved.
  const slot = index % 10;
  const status: AlertStatus = slot < 4 ? 'open' : slot < 6 ? 'acknowledged' : 'resolved';
  const history: AlertEvent[] = [{ status: 'open', by: 'vigia', at: createdAt }];
  if (status !== 'open') history.push({ status: 'acknowledged', by: MANAGER, at: later(30), action: 'acknowledge', note: 'Looking into it.' });
  const assignee = slot === 5 ? MANAGER : undefined;
  if (assignee) history.push({ status: 'acknowledged', by: OFFICER, at: later(45), action: 'assign', assignee });
  const outcome = status === 'resolved' ? OUTCOMES[index % OUTCOMES.length] : undefined;
  if (outcome) history.push({ status: 'resolved', by: MANAGER, at: later(90), action: 'resolve', outcome, note: 'Talked to the employee.' });
  return {
    id: alertId(messageId, policy.id),
    messageId,
    lineId: line.phoneNumberId,
    employee: line.employee,
    ...(line.team ? { team: line.team } : {}),
    contactId,
    policyId: policy.id,
    kind: policy.kind,
    severity: policy.severity,
    evidence: policy.evidence,
    status,
    history,
    createdAt,
    ...(assignee ? { assignee } : {}),
    ...(outcome ? { outcome } : {}),
    // Delivered long ago: the re-drive has nothing to send.
    deliveredTo: [],
    notifiedAt: later(1),
  };
}

// ── The API over HTTP ──────────────────────────────────────────────────────────────────────────

interface ApiClient {
  /** GETs the path; the latency (request start → body read), ms. Throws unless 200. */
  get(path: string): Promise<number>;
  json(path: string): Promise<unknown>;
}

async function signIn(base: string, email: string, password: string): Promise<ApiClient> {
  const response = await fetch(`${base}/auth/local/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (response.status !== 200) throw new Error(`console benchmark: signing in as ${email} answered ${response.status}`);
  const { idToken } = (await response.json()) as { idToken: string };
  const headers = { authorization: `Bearer ${idToken}` };
  const read = async (path: string) => {
    const answer = await fetch(`${base}${path}`, { headers });
    const body = await answer.text();
    if (answer.status !== 200) throw new Error(`console benchmark: GET ${path} as ${email} answered ${answer.status}: ${body.slice(0, 200)}`);
    return body;
  };
  return {
    async get(path) {
      const started = performance.now();
      await read(path);
      return performance.now() - started;
    },
    json: async (path) => JSON.parse(await read(path)),
  };
}

/** The paths of the pages after the first one of the default list (up to `pages`). */
async function cursorPages(client: ApiClient, cursor: string | undefined, pages: number): Promise<string[]> {
  const paths: string[] = [];
  while (cursor && paths.length < pages) {
    const path = `/api/alerts?status=open&order=newest&limit=50&cursor=${encodeURIComponent(cursor)}`;
    paths.push(path);
    cursor = ((await client.json(path)) as { nextCursor?: string }).nextCursor;
  }
  if (paths.length === 0) throw new Error('console benchmark: the default list has a single page (seed more alerts)');
  return paths;
}

/** `count` distinct alerts the user sees (every status, newest first), as detail paths. */
async function visibleAlertIds(client: ApiClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = (await client.json(`/api/alerts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as { alerts: { id: string }[]; nextCursor?: string };
    ids.push(...page.alerts.map((alert) => alert.id));
    cursor = page.nextCursor;
  } while (cursor && ids.length < count);
  return ids.slice(0, count).map((id) => `/api/alerts/${id}`);
}

// ── The page in Chromium ───────────────────────────────────────────────────────────────────────

/** Navigation start → first alert row of `loads` cold loads (see the file's comment), ms; one unmeasured load first. */
async function pageColdLoads(base: string, email: string, password: string, loads: number): Promise<number[]> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const times: number[] = [];
    for (let n = 0; n <= loads; n++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
      try {
        // Runs in the page before its own scripts, on every load: when the first alert row appears.
        await context.addInitScript(`(() => {
          const seen = () => {
            if (window.__firstAlertRow === undefined && document.querySelector('tr[data-alert-id]')) window.__firstAlertRow = performance.now();
          };
          new MutationObserver(seen).observe(document, { childList: true, subtree: true });
        })()`);
        const page = await context.newPage();
        await page.goto(`${base}/?lang=en`);
        await page.getByLabel('E-mail').fill(email);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForSelector('tr[data-alert-id]', { timeout: 60_000 });
        // Signed in (the token is in this tab's sessionStorage): now the cold load itself.
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        await page.reload({ waitUntil: 'commit' });
        await page.waitForSelector('tr[data-alert-id]', { timeout: 60_000 });
        const ms = (await page.evaluate('window.__firstAlertRow')) as number;
        if (n > 0) times.push(ms);
      } finally {
        await context.close();
      }
    }
    return times;
  } finally {
    await browser.close();
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
