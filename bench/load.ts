import { Agent, request } from 'node:http';

/**
 * A bounded, closed-loop load generator: `concurrency` workers, each sending its next POST as soon
 * as the previous answer has been read, over keep-alive connections (an http.Agent with
 * `maxSockets = concurrency`, so there are never more connections than workers). It stops by
 * itself after a fixed number of requests.
 *
 * Latency of a request = from just before `http.request` to the end of the response body.
 * Throughput = requests / (first request start → last response end).
 */
export interface LoadOptions {
  /** Full URL to POST to (e.g. `http://127.0.0.1:3000/webhook`). */
  url: string;
  /** Bodies sent in order (cycled when `count` is larger). */
  bodies: readonly string[];
  /** The `x-hub-signature-256` header for a body. Called once per request: pass something cheap (a lookup). */
  signature: (body: string) => string;
  /** Requests in flight at once. @default 64 */
  concurrency?: number;
  /** Requests to send. @default bodies.length */
  count?: number;
  /** Gives up on a request after this long (it counts as status 0). @default 30000 */
  timeoutMs?: number;
  /** Called about every 10 % of the requests, and at the end. */
  onProgress?(done: number, total: number): void;
}

export interface LoadResult {
  count: number;
  durationMs: number;
  perSec: number;
  /** One entry per request, in the order the requests were started. */
  latenciesMs: number[];
  /** Response status → number of responses; 0 counts requests that got no response (connection error, timeout). */
  statuses: Record<number, number>;
  /** The first few network errors, if any (status 0). */
  errors: string[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.bodies.length === 0) throw new Error('runLoad: no bodies to send');
  const concurrency = options.concurrency ?? 64;
  const total = options.count ?? options.bodies.length;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const target = new URL(options.url);
  // Bytes and headers prepared before the clock starts: the loop only sends.
  const prepared = options.bodies.map((body) => ({ bytes: Buffer.from(body, 'utf8'), signature: options.signature(body) }));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

  const latenciesMs = new Array<number>(total);
  const statuses: Record<number, number> = {};
  const errors: string[] = [];
  const step = Math.max(1, Math.floor(total / 10));
  let next = 0;
  let done = 0;

  const send = (payload: { bytes: Buffer; signature: string }) =>
    new Promise<number>((resolve) => {
      const outgoing = request(
        {
          agent,
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.bytes.length, 'x-hub-signature-256': payload.signature },
        },
        (response) => {
          response.on('error', (error) => fail(error));
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.resume();
        },
      );
      const fail = (error: Error) => {
        if (errors.length < 5) errors.push(error.message);
        resolve(0);
      };
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no response within ${timeoutMs} ms`)));
      outgoing.on('error', fail);
      outgoing.end(payload.bytes);
    });

  const worker = async () => {
    while (next < total) {
      const index = next++;
      const started = performance.now();
      const status = await send(prepared[index % prepared.length]);
      latenciesMs[index] = performance.now() - started;
      statuses[status] = (statuses[status] ?? 0) + 1;
      done += 1;
      if (done % step === 0 || done === total) options.onProgress?.(done, total);
    }
  };

  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  } finally {
    agent.destroy();
  }
  const durationMs = performance.now() - started;
  return { count: total, durationMs, perSec: total / (durationMs / 1000), latenciesMs, statuses, errors };
}
