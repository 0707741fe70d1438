import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/api-gateway';

/**
 * The local stack runs every handler in one process (issue 18): what one handler logs carries
 * neither another handler's service name nor the keys that handler added for its invocation,
 * even while that invocation is still running.
 */
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let webhook: Handler;
let flowTask: typeof import('../../functions/compliance/task-handler').flowTask;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', '');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('ARCHIVE_BUCKET', 'vigia-loggers');
  vi.stubEnv('WHATSAPP_APP_SECRET', 'test-app-secret');
  vi.stubEnv('WHATSAPP_VERIFY_TOKEN', 'test-verify-token');
  webhook = (await import('../../functions/webhook/handler')).handler as unknown as Handler;
  ({ flowTask } = await import('../../functions/compliance/task-handler'));
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A POST whose signature does not verify: the webhook logs a warning and archives nothing. */
const unsignedPost = {
  version: '2.0',
  routeKey: 'POST /webhook',
  rawPath: '/webhook',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
  requestContext: { http: { method: 'POST', path: '/webhook', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' } },
  body: '{}',
  isBase64Encoded: false,
} as unknown as APIGatewayProxyEventV2;

it('a handler logs under its own service and context while another is mid-invocation with its own keys', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const prepare = flowTask('Prepare', async () => {
    await gate;
    return {};
  }) as unknown as Handler;
  const running = prepare({ messageId: 'wamid.other-handler' }, lambdaContext('vigia-compliance-prepare'));
  // The task has added its keys and is waiting.
  await new Promise((resolve) => setImmediate(resolve));

  const printed: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  }
  const response = (await webhook(unsignedPost, lambdaContext('vigia-webhook'))) as { statusCode: number };
  vi.restoreAllMocks();
  release();
  await running;

  expect(response.statusCode).toBe(401);
  const lines = printed.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{'));
  const logs = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => 'level' in entry);
  expect(logs.map((entry) => entry.message)).toContain('webhook not acknowledged');
  for (const entry of logs) {
    expect(entry).toMatchObject({ service: 'vigia-webhook', function_name: 'vigia-webhook' });
    expect(entry).not.toHaveProperty('messageId');
    expect(entry).not.toHaveProperty('task');
  }
  expect(lines.join('\n')).not.toContain('vigia-compliance-prepare');
  expect(lines.join('\n')).not.toContain('wamid.other-handler');
});
