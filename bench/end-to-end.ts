import { request, Agent } from 'node:http';
import { DynamoDbAlertRepository } from '../shared/compliance/adapters/dynamodb-alert-repository';
import { createDynamoDbClient } from '../shared/platform/clients';
import { alertId } from '../shared/compliance/alerts';
import { SIMULATED_LINES, serializeLikeMeta } from '../local/traffic';
import { signBody } from '../shared/capture/whatsapp/signature';
import { startStackHost } from './ingest';
import { summarize } from './stats';

/**
 * End-to-end alert latency on the local stack: from the moment Meta would get its 200 for a
 * webhook to the moment the compliance alert it raises can be read from the archive table —
 * S3 event → ingest → compliance flow (prepare, rules, sentiment, record) on one machine.
 *
 * One webhook at a time (a latency figure, not throughput): a text message on Ana Souza's line
 * (team `ventas`), "Segue a planilha confidencial nº N", which the `confidential-terms` policy of
 * the repository's `vigia.config.yaml` flags. After the 200, the alert (its id is deterministic:
 * `alertId(messageId, 'confidential-terms')`) is read every 5 ms with a consistent read until it
 * exists; latency = alert seen − 200 received, so the figure carries up to ~5 ms of polling
 * granularity. Before the next webhook the stack is left to finish (notification included), so
 * samples do not overlap. The stack runs in its own process (see `startStackHost`); the sender
 * and the poller run here.
 */
export interface EndToEndOptions {
  /** Measured webhooks. @default 40 */
  samples?: number;
  /** Unmeasured webhooks sent first (module and JIT warm-up). @default 3 */
  warmup?: number;
  /** Gives up when an alert has not appeared after this long. @default 30000 */
  timeoutMs?: number;
  onProgress?(message: string): void;
}

export interface EndToEndFigure {
  samples: number;
  /** Nearest-rank percentiles of ack → alert readable, ms. */
  p50Ms: number;
  p99Ms: number;
}

export const E2E_POLICY_ID = 'confidential-terms';
const POLL_INTERVAL_MS = 5;

export async function measureEndToEnd(options: EndToEndOptions = {}): Promise<EndToEndFigure> {
  const samples = options.samples ?? 40;
  const warmup = options.warmup ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const progress = options.onProgress ?? (() => {});

  progress('end-to-end: starting the local stack');
  const host = await startStackHost();
  const db = createDynamoDbClient(host.info.dynamodbEndpoint);
  const alerts = new DynamoDbAlertRepository(db, host.info.table);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const webhookUrl = new URL(`${host.info.url}/webhook`);
  const runId = Date.now().toString(36);
  const latencies: number[] = [];
  try {
    for (let n = 1; n <= warmup + samples; n++) {
      const messageId = `wamid.BENCHE2E${runId}${String(n).padStart(6, '0')}`;
      const body = policyHitWebhook(messageId, n);
      const status = await post(agent, webhookUrl, body, signBody(body, host.appSecret));
      const acked = performance.now();
      if (status !== 200) throw new Error(`end-to-end benchmark: the webhook for ${messageId} got ${status}, not 200`);

      const id = alertId(messageId, E2E_POLICY_ID);
      let seen: number | undefined;
      while (seen === undefined) {
        if (await alerts.get(id)) seen = performance.now();
        else if (performance.now() - acked > timeoutMs) {
          throw new Error(`end-to-end benchmark: no ${E2E_POLICY_ID} alert for ${messageId} ${timeoutMs} ms after the ack (is the policy still in vigia.config.yaml?)`);
        } else await sleep(POLL_INTERVAL_MS);
      }
      if (n > warmup) {
        latencies.push(seen - acked);
        if ((n - warmup) % 10 === 0 || n - warmup === samples) progress(`end-to-end: ${n - warmup}/${samples}`);
      }
      await host.drained();
    }
  } finally {
    agent.destroy();
    db.destroy();
    await host.stop();
  }
  const summary = summarize(latencies);
  return { samples, p50Ms: summary.p50, p99Ms: summary.p99 };
}

/** An inbound text message on the first simulated line (team `ventas`) that mentions "confidencial". */
function policyHitWebhook(messageId: string, n: number): string {
  const line = SIMULATED_LINES[0];
  const customer = '5511981000000';
  return serializeLikeMeta({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: line.display, phone_number_id: line.phoneNumberId },
              contacts: [{ profile: { name: 'Maria Silva' }, wa_id: customer }],
              messages: [
                { from: customer, id: messageId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Segue a planilha confidencial nº ${n}` } },
              ],
            },
          },
        ],
      },
    ],
  });
}

function post(agent: Agent, url: URL, body: string, signature: string): Promise<number> {
  const bytes = Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': bytes.length, 'x-hub-signature-256': signature },
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
