import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGraphApi, type FakeGraphApi } from '../../local/fake-graph-api';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signBody } from '../../shared/capture/whatsapp/signature';

export interface TestStack {
  stack: LocalStack;
  dataDir: string;
  /** The Graph API the stack downloads media from (serves a small PDF for unknown ids). */
  graph: FakeGraphApi;
  /** POSTs to /webhook, signed with the stack's app secret unless `signature` is given (null = no header). */
  post(body: string | Buffer, options?: { signature?: string | null; contentType?: string }): Promise<Response>;
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
}

/** Free space /dev/shm needs before the tests use it (a container's /dev/shm is often 64 MB). */
const MEMORY_TMP_MIN_BYTES = 2 * 1024 ** 3;

let tmpRoot: string | undefined;

/**
 * Where test stacks keep their data: VIGIA_TEST_TMPDIR if set, else /dev/shm when it is writable
 * and has room, else the OS temp dir. s3rver stores each object as three files and dynalite writes
 * a LevelDB log: on a disk (here ext4 mounted with `discard`) the 10,000-webhook replay waited on
 * file I/O about as long as it computed, and deleting its data dir took 20–40 s. Nothing else
 * changes: the same servers and files, and a restart on the same dir finds what was written.
 */
export function testTmpRoot(): string {
  if (tmpRoot) return tmpRoot;
  tmpRoot = process.env.VIGIA_TEST_TMPDIR || tmpdir();
  if (!process.env.VIGIA_TEST_TMPDIR) {
    try {
      accessSync('/dev/shm', constants.W_OK);
      const shm = statfsSync('/dev/shm');
      if (shm.bavail * shm.bsize >= MEMORY_TMP_MIN_BYTES) tmpRoot = '/dev/shm';
    } catch {
      // No /dev/shm (macOS, Windows) or not writable: the OS temp dir.
    }
  }
  return tmpRoot;
}

/** A fresh directory for a local stack's data (see {@link testTmpRoot}); the caller removes it. */
export function testDataDir(prefix = 'vigia-test-'): string {
  return mkdtempSync(join(testTmpRoot(), prefix));
}

/** A local stack on free ports in a fresh data dir, with fixed test secrets. */
export async function startTestStack(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? testDataDir();
  const graph = await startFakeGraphApi({ accessToken: 'test-access-token', serveUnknown: true });
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    // dynalite in a thread of its own: the stack's CPU on two cores instead of one (local/servers.ts);
    // VIGIA_LOCAL_DYNALITE_THREAD=0 keeps it on the event loop, as `npm start` does.
    dynaliteThread: process.env.VIGIA_LOCAL_DYNALITE_THREAD !== '0',
    env: {
      WHATSAPP_APP_SECRET: 'test-app-secret',
      WHATSAPP_VERIFY_TOKEN: 'test-verify-token',
      WHATSAPP_ACCESS_TOKEN: 'test-access-token',
      WHATSAPP_GRAPH_API_URL: graph.url,
      MEDIA_RETRY_DELAYS_MS: '20,40,80',
      MEDIA_IDLE_TIMEOUT_MS: '2000',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...options.env,
    },
  });
  return {
    stack,
    dataDir,
    graph,
    post: (body, { signature, contentType = 'application/json' } = {}) => {
      const headers: Record<string, string> = { 'content-type': contentType };
      const header = signature === undefined ? signBody(body, stack.secrets.appSecret) : signature;
      if (header !== null) headers['x-hub-signature-256'] = header;
      return fetch(`${stack.info.url}/webhook`, { method: 'POST', headers, body });
    },
    get: (path) => fetch(`${stack.info.url}${path}`),
    async stop() {
      await stack.stop();
      await graph.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A local stack running the repository's sample config plus `retention.days` (privacy tests), with
 * the CLI of this process pointed at it (VIGIA_DATA_DIR, VIGIA_CONFIG; no VIGIA_STAGE).
 */
export async function startRetentionStack(retentionDays: number, name: string): Promise<{ stack: TestStack; work: string; config: string }> {
  const work = mkdtempSync(join(tmpdir(), `vigia-${name}-`));
  const config = join(work, 'vigia.config.yaml');
  writeFileSync(config, `${readFileSync('vigia.config.yaml', 'utf8')}\nretention:\n  days: ${retentionDays}\n`);
  const stack = await startTestStack({ env: { VIGIA_CONFIG: config } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  process.env.VIGIA_CONFIG = config;
  delete process.env.VIGIA_STAGE;
  return { stack, work, config };
}
