import './node-version';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signBody } from '../shared/capture/whatsapp/signature';
import { loadLocalSecrets } from './dev-secrets';
import type { LocalStackInfo } from './stack';
import { generateTraffic } from './traffic';

/**
 * `npm run simulate`: sends realistic signed webhooks to a running local stack (or --url),
 * resending some of them as Meta's retries do.
 */
const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '200' },
    duplicates: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    url: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
  },
});

const dataDir = resolve(process.env.VIGIA_DATA_DIR ?? '.vigia');
const stackFile = join(dataDir, 'stack.json');
let url = values.url;
if (!url) {
  if (!existsSync(stackFile)) {
    console.error(`simulate: no running local stack found in ${dataDir} (start it with \`npm start\`, or pass --url)`);
    process.exit(1);
  }
  url = `${(JSON.parse(readFileSync(stackFile, 'utf8')) as LocalStackInfo).url}/webhook`;
}
// The secret the stack verifies with: the environment's, or the local stack's development secret
// (never a new one: a secret made up here could not sign anything the stack accepts).
if (!process.env.WHATSAPP_APP_SECRET && !existsSync(join(dataDir, 'dev-secrets.json'))) {
  console.error(`simulate: no app secret: set WHATSAPP_APP_SECRET to the one the stack at ${url} verifies with, or run it from the data dir of a local stack (VIGIA_DATA_DIR, now ${dataDir})`);
  process.exit(1);
}
const appSecret = process.env.WHATSAPP_APP_SECRET ?? loadLocalSecrets(dataDir).appSecret;

const webhooks = generateTraffic({ turns: Number(values.turns), seed: Number(values.seed) });
const resend = webhooks.filter((_, i) => (i * 7919) % 100 < Number(values.duplicates) * 100);
const deliveries = [...webhooks, ...resend];
const statuses = new Map<number, number>();
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    while (next < deliveries.length) {
      const { body } = deliveries[next++];
      const response = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) },
        body,
      }).catch((error: Error) => {
        console.error(`simulate: cannot reach ${url}: ${error.message}`);
        process.exit(1);
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await response.arrayBuffer();
    }
  }),
);
const messages = new Set(webhooks.flatMap((webhook) => webhook.messageIds)).size;
const summary = [...statuses].map(([status, count]) => `${count}×${status}`).join(', ');
console.log(`simulate: sent ${deliveries.length} webhooks (${resend.length} duplicates, ${messages} distinct messages) in ${Date.now() - started} ms: ${summary}`);
if ([...statuses.keys()].some((status) => status !== 200)) process.exit(1);
