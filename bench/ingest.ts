import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeterSnapshot } from '../local/metering';
import type { LocalStackInfo } from '../local/stack';
import type { ComprehendUsage } from './fake-comprehend';
import { generateTraffic } from '../local/traffic';
import { signBody } from '../shared/capture/whatsapp/signature';
import { runLoad, type LoadResult } from './load';
import { summarize } from './stats';

/**
 * Webhook ingest throughput: Vigia's ack path (`POST /webhook` on the local stack: signature check,
 * envelope check, one S3 PutObject of the raw bytes, 200) against a floor server doing only the
 * unavoidable part (signature check, one PutObject, 200) — same machine, same s3rver and bucket,
 * same bodies, same load generator. `ratio = vigiaPerSec / floorPerSec` is what Vigia's extra
 * code costs; the absolute figures only describe this machine.
 *
 * Process layout. The local stack and the floor server run in one child process (`startStackHost`):
 *  - a process can hold only one local stack (the handlers read their configuration once, at import,
 *    like a Lambda cold start), so every measurement gets a fresh process and `npm run bench` can
 *    run several measurements, and stacks, one after the other;
 *  - the load generator runs in this (parent) process, so generating load never competes with the
 *    servers under test for the same event loop.
 * Inside the child, Vigia's stack also runs ingest and the compliance flow after each ack (S3 event →
 * ingest queue → compliance), as `npm start` does. That pipeline is held during the measured Vigia
 * rounds and runs between them (see below); one extra round with it running is reported apart.
 */
export interface IngestOptions {
  /** Webhooks per measured round. @default 3000 */
  messages?: number;
  /** Requests in flight. @default 64 */
  concurrency?: number;
  /** Unmeasured requests sent to each server first. @default 200 */
  warmup?: number;
  onProgress?(message: string): void;
}

export interface IngestFigure {
  messages: number;
  concurrency: number;
  /** Acknowledged webhooks per second, best of two rounds. */
  vigiaPerSec: number;
  floorPerSec: number;
  /** vigiaPerSec / floorPerSec. */
  ratio: number;
  /** Ack latency (request start → 200 read) in Vigia's best round, nearest-rank percentiles, ms. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** The same for the floor server's best round. */
  floorP50Ms: number;
  floorP99Ms: number;
  /**
   * One more round with the pipeline (ingest, media, compliance flow) running in the same process
   * during the load, as the local stack serves traffic; ratio against the floor's best round.
   */
  withPipeline: { perSec: number; ratio: number; ackP50Ms: number; ackP99Ms: number };
  /** Throughput of every measured round, in the order run (floor, vigia, floor, vigia). */
  rounds: { floorPerSec: number[]; vigiaPerSec: number[] };
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST_ENV = 'VIGIA_BENCH_STACK_HOST';
/** Fixed secret for the benchmark stacks (nothing is generated or kept). */
export const BENCH_APP_SECRET = 'bench-app-secret';
const ROUNDS = 2;

export async function measureIngest(options: IngestOptions = {}): Promise<IngestFigure> {
  const messages = options.messages ?? 3000;
  const concurrency = options.concurrency ?? 64;
  const warmupCount = options.warmup ?? 200;
  const progress = options.onProgress ?? (() => {});

  // Distinct webhooks for the warm-up and for each round (the same set for floor and Vigia within
  // a round): a body already archived would be an overwrite and re-ingest of known messages, less
  // background work than real new traffic.
  const warmup = trafficBodies(warmupCount, 1000);
  const sets = Array.from({ length: ROUNDS + 1 }, (_, round) => trafficBodies(messages, 1 + round));
  const signatures = new Map<string, string>();
  for (const body of [...warmup, ...sets.flat()]) signatures.set(body, signBody(body, BENCH_APP_SECRET));
  const signature = (body: string) => signatures.get(body)!;

  progress('ingest: starting the local stack and the floor server');
  const host = await startStackHost({ floor: true });
  try {
    const vigiaUrl = `${host.info.url}/webhook`;
    const floorUrl = `${host.floorUrl!}/webhook`;
    const load = async (name: string, url: string, bodies: string[]): Promise<LoadResult> => {
      const result = await runLoad({ url, bodies, signature, concurrency });
      const bad = Object.entries(result.statuses).filter(([status]) => status !== '200');
      if (bad.length > 0) {
        const detail = bad.map(([status, count]) => `${count}× ${status === '0' ? 'no response' : status}`).join(', ');
        throw new Error(`ingest benchmark: ${name} did not answer 200 to every webhook (${detail})${result.errors.length ? `: ${result.errors.join('; ')}` : ''}`);
      }
      return result;
    };

    progress(`ingest: warm-up, ${warmup.length} webhooks to each server`);
    await load('floor (warm-up)', floorUrl, warmup);
    await load('vigia (warm-up)', vigiaUrl, warmup);
    await host.drained();

    // Floor and Vigia alternate (floor, vigia, floor, vigia) so slow phases of a noisy machine hit
    // both; each keeps its better round (highest throughput, with that round's latencies): the
    // best round is the one least disturbed by things that are neither server.
    // During Vigia's measured rounds the pipeline behind the ack (ingest, media, compliance flow)
    // is held, and runs between rounds: on AWS it runs in other functions and never shares the
    // webhook function's CPU, so the ack path is compared with the floor alone. One more round
    // with the pipeline running, as `npm start` serves traffic on one machine, is reported apart.
    const floorRounds: LoadResult[] = [];
    const vigiaRounds: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const floor = await load('floor', floorUrl, sets[round]);
      floorRounds.push(floor);
      progress(`ingest: round ${round + 1}/${ROUNDS} floor ${floor.perSec.toFixed(0)}/s`);
      await host.pipeline('paused');
      const vigia = await load('vigia', vigiaUrl, sets[round]);
      await host.pipeline('running');
      vigiaRounds.push(vigia);
      progress(`ingest: round ${round + 1}/${ROUNDS} vigia ${vigia.perSec.toFixed(0)}/s (now ingesting and checking them)`);
      await host.drained();
    }
    const live = await load('vigia (pipeline running)', vigiaUrl, sets[ROUNDS]);
    progress(`ingest: vigia with the pipeline running alongside ${live.perSec.toFixed(0)}/s (waiting for ingest and compliance to finish)`);
    await host.drained();

    const best = (rounds: LoadResult[]) => rounds.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const floor = best(floorRounds);
    const vigia = best(vigiaRounds);
    const floorLatency = summarize(floor.latenciesMs);
    const vigiaLatency = summarize(vigia.latenciesMs);
    const liveLatency = summarize(live.latenciesMs);
    return {
      messages,
      concurrency,
      vigiaPerSec: vigia.perSec,
      floorPerSec: floor.perSec,
      ratio: vigia.perSec / floor.perSec,
      ackP50Ms: vigiaLatency.p50,
      ackP99Ms: vigiaLatency.p99,
      floorP50Ms: floorLatency.p50,
      floorP99Ms: floorLatency.p99,
      withPipeline: { perSec: live.perSec, ratio: live.perSec / floor.perSec, ackP50Ms: liveLatency.p50, ackP99Ms: liveLatency.p99 },
      rounds: { floorPerSec: floorRounds.map((r) => r.perSec), vigiaPerSec: vigiaRounds.map((r) => r.perSec) },
    };
  } finally {
    await host.stop();
  }
}

/** `count` distinct, realistic webhook bodies (messages, echoes, statuses, media, history…), signed like Meta's. */
export function trafficBodies(count: number, seed: number): string[] {
  const bodies: string[] = [];
  for (let batch = 0; bodies.length < count; batch++) {
    const webhooks = generateTraffic({ turns: Math.ceil((count - bodies.length) * 1.05) + 10, seed: seed * 1000 + batch });
    bodies.push(...webhooks.map((webhook) => webhook.body));
  }
  return [...new Set(bodies)].slice(0, count);
}

// ── The stack host: a local stack (and optionally the floor server) in a child process ─────────

export interface StackHostOptions {
  /** Also start the floor server against the stack's s3rver. @default false */
  floor?: boolean;
  /**
   * Meter the stack (LocalMeter) and run sentiment in the config's mode against a stand-in
   * Comprehend that counts billed units, for the cost benchmark. @default false
   */
  meter?: boolean;
}

/** The metered stack's counts (see `StackHost.usage`). */
export interface StackUsage extends MeterSnapshot {
  comprehend: ComprehendUsage;
}

export interface StackHost {
  info: LocalStackInfo;
  appSecret: string;
  /** Base URL of the floor server, when asked for. */
  floorUrl?: string;
  /** Resolves when the stack has ingested and checked everything archived so far. */
  drained(): Promise<void>;
  /** What the metered stack counted so far (`meter: true` only). */
  usage(): Promise<StackUsage>;
  /** Holds / releases the pipeline behind the ack (see LocalStack.pausePipeline). */
  pipeline(state: 'paused' | 'running'): Promise<void>;
  /** Stops the servers, removes the data directory and ends the process. */
  stop(): Promise<void>;
}

type HostMessage =
  | { type: 'ready'; info: LocalStackInfo; appSecret: string; floorUrl?: string }
  | { type: 'drained'; id: number }
  | { type: 'usage'; id: number; usage: StackUsage }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

/**
 * Starts a local stack — fresh temporary data dir, free ports, fixed secrets, the fake Graph API
 * for media, the repository's `vigia.config.yaml`, POWERTOOLS_LOG_LEVEL=ERROR — in a child
 * process running this file under tsx. Its stderr (errors) is this process's stderr.
 */
export async function startStackHost(options: StackHostOptions = {}): Promise<StackHost> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, [HOST_ENV]: JSON.stringify(options) },
    // The stack's stdout (a console line per alert notification) is dropped: it would mix with the
    // caller's output and cost the servers under test a write per alert. Errors still reach stderr.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, () => void>();
  const usages = new Map<number, StackUsage>();
  let sequence = 0;
  let failure: Error | undefined;
  let onStopped: (() => void) | undefined;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const ready = new Promise<Extract<HostMessage, { type: 'ready' }>>((done, fail) => {
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') done(message);
      else if (message.type === 'drained') waiting.get(message.id)?.();
      else if (message.type === 'usage') {
        usages.set(message.id, message.usage);
        waiting.get(message.id)?.();
      }
      else if (message.type === 'stopped') onStopped?.();
      else if (message.type === 'error') {
        failure = new Error(`bench stack: ${message.message}`);
        fail(failure);
        for (const wake of waiting.values()) wake();
      }
    });
    child.on('error', (error) => {
      failure ??= error;
      fail(error);
    });
    child.once('exit', (code, signal) => {
      failure ??= new Error(`bench stack process exited (${signal ?? `code ${code}`})`);
      fail(failure);
      for (const wake of waiting.values()) wake();
    });
  });
  let hello: Extract<HostMessage, { type: 'ready' }>;
  try {
    hello = await ready;
  } catch (error) {
    child.kill();
    throw error;
  }

  /** Sends a request to the stack process and waits for its answer; resolves to the request id. */
  const ask = async (type: 'drain' | 'pause' | 'resume' | 'usage'): Promise<number> => {
    if (!child.connected) throw failure ?? new Error('bench stack process is gone');
    const id = ++sequence;
    await new Promise<void>((done) => {
      waiting.set(id, done);
      child.send({ type, id });
    });
    waiting.delete(id);
    if (failure) throw failure;
    return id;
  };

  return {
    info: hello.info,
    appSecret: hello.appSecret,
    floorUrl: hello.floorUrl,
    drained: async () => void (await ask('drain')),
    pipeline: async (state) => void (await ask(state === 'paused' ? 'pause' : 'resume')),
    async usage() {
      if (!options.meter) throw new Error('bench stack: usage() needs a stack started with meter: true');
      const id = await ask('usage');
      const usage = usages.get(id)!;
      usages.delete(id);
      return usage;
    },
    async stop() {
      if (child.connected) {
        const stopped = new Promise<void>((done) => (onStopped = done));
        child.send({ type: 'stop' });
        await Promise.race([stopped, exited]);
      }
      await exited;
    },
  };
}

/** The child side: runs when this file is the entry point of a process started by `startStackHost`. */
async function hostStack(options: StackHostOptions): Promise<void> {
  const send = (message: HostMessage) => process.send!(message);
  // Loaded here only: the parent process never imports the stack.
  const { startLocalStack } = await import('../local/stack');
  const { startFakeGraphApi } = await import('../local/fake-graph-api');
  const { startFloorServer } = await import('./floor-server');
  const { LocalMeter } = await import('../local/metering');
  const { startFakeComprehend } = await import('./fake-comprehend');

  const dataDir = mkdtempSync(join(tmpdir(), 'vigia-bench-'));
  const graph = await startFakeGraphApi({ accessToken: 'bench-access-token', serveUnknown: true });
  const meter = options.meter ? new LocalMeter() : undefined;
  const comprehend = options.meter ? await startFakeComprehend() : undefined;
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    meter,
    comprehendEndpoint: comprehend?.url,
    // Metered: one handler at a time, so each one's duration is its own work (see bench/cost.ts).
    ...(meter ? { ingestConcurrency: 1, pipelineConcurrency: 1 } : {}),
    env: {
      WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
      WHATSAPP_ACCESS_TOKEN: 'bench-access-token',
      WHATSAPP_GRAPH_API_URL: graph.url,
      VIGIA_CONFIG: join(REPO_ROOT, 'vigia.config.yaml'),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // The media sweeper runs once at start; no periodic sweep in the middle of a round.
      VIGIA_MEDIA_SWEEP_SECONDS: String(24 * 3600),
    },
  });
  const floor = options.floor ? await startFloorServer({ s3Endpoint: stack.info.s3Endpoint, bucket: stack.info.bucket, appSecret: stack.secrets.appSecret }) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await floor?.close();
      await stack.stop();
      await graph.close();
      await comprehend?.close();
      rmSync(dataDir, { recursive: true, force: true });
    })());

  process.on('message', (message: { type: 'drain' | 'usage' | 'pause' | 'resume'; id: number } | { type: 'stop' }) => {
    if (message.type === 'pause' || message.type === 'resume') {
      if (message.type === 'pause') stack.pausePipeline();
      else stack.resumePipeline();
      send({ type: 'drained', id: message.id });
    } else if (message.type === 'usage') {
      send({ type: 'usage', id: message.id, usage: { ...meter!.snapshot(), comprehend: comprehend!.usage() } });
    } else if (message.type === 'drain') {
      stack.drained().then(
        () => send({ type: 'drained', id: message.id }),
        (error: Error) => send({ type: 'error', message: `drain failed: ${error.message}` }),
      );
    } else if (message.type === 'stop') {
      stop().then(
        () => process.send!({ type: 'stopped' } satisfies HostMessage, () => process.exit(0)),
        (error: Error) => {
          console.error(`vigia bench: stopping the stack failed: ${error.message}`);
          process.exit(1);
        },
      );
    }
  });
  // The parent went away without asking: clean up and leave.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  send({ type: 'ready', info: stack.info, appSecret: stack.secrets.appSecret, floorUrl: floor?.url });
}

if (process.env[HOST_ENV] && process.send && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  hostStack(JSON.parse(process.env[HOST_ENV]) as StackHostOptions).catch((error: Error) => {
    process.send!({ type: 'error', message: error.stack ?? error.message } satisfies HostMessage, () => process.exit(1));
  });
}
