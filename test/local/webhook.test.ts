import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/platform/clients';
import { signBody } from '../../shared/capture/whatsapp/signature';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { getObject, listKeys } from '../helpers/s3';

let stack: TestStack;
let s3: ReturnType<typeof createS3Client>;
const bucket = () => stack.stack.info.bucket;
const validBody = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: '106540352242922' }, messages: [{ from: '5511981000000', id: 'wamid.webhook-test-1', timestamp: '1764300000', type: 'text', text: { body: 'oi' } }] } }] }],
});

beforeAll(async () => {
  stack = await startTestStack();
  s3 = createS3Client(stack.stack.info.s3Endpoint);
});
afterAll(async () => {
  s3.destroy();
  await stack.stop();
});

async function objectCounts() {
  return { raw: (await listKeys(s3, bucket(), 'raw/')).length, rejected: (await listKeys(s3, bucket(), 'rejected/')).length };
}

describe('GET /webhook (verification handshake)', () => {
  it('echoes hub.challenge as plain text when the verify token matches', async () => {
    const response = await stack.get('/webhook?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1', 'hub.verify_token does not match'],
    ['a token that only shares a prefix', 'hub.mode=subscribe&hub.verify_token=test-verify-tokenX&hub.challenge=1', 'hub.verify_token does not match'],
    ['another mode', 'hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1', 'expected hub.mode=subscribe with hub.verify_token and hub.challenge'],
    ['no challenge', 'hub.mode=subscribe&hub.verify_token=test-verify-token', 'expected hub.mode=subscribe with hub.verify_token and hub.challenge'],
    ['no parameters', '', 'expected hub.mode=subscribe with hub.verify_token and hub.challenge'],
  ])('answers 403 with a reason for %s', async (_case, query, message) => {
    const response = await stack.get(`/webhook?${query}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'verification_failed', message });
  });
});

describe('POST /webhook', () => {
  let before: { raw: number; rejected: number };
  beforeEach(async () => {
    before = await objectCounts();
  });

  it('archives the exact signed bytes with signature and receive time before answering 200', async () => {
    const body = `${validBody.slice(0, -1)} }`; // odd whitespace: bytes must survive verbatim
    const signature = signBody(body, 'test-app-secret');
    const response = await stack.post(body, { signature });
    expect(response.status).toBe(200);
    const digest = createHash('sha256').update(body).digest('hex');
    const key = (await listKeys(s3, bucket(), 'raw/')).find((candidate) => candidate.endsWith(`/${digest}.json`));
    expect(key).toMatch(new RegExp(`^raw/h=${digest[0]}/dt=\\d{4}-\\d{2}-\\d{2}/${digest}\\.json$`));
    const stored = await getObject(s3, bucket(), key!);
    expect(stored.body.equals(Buffer.from(body))).toBe(true);
    expect(stored.metadata.signature).toBe(signature);
    expect(Date.parse(stored.metadata['received-at'])).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stores a delivered duplicate under the same content address', async () => {
    const body = validBody.replace('webhook-test-1', 'webhook-test-dup');
    expect((await stack.post(body)).status).toBe(200);
    expect((await stack.post(body)).status).toBe(200);
    expect((await objectCounts()).raw).toBe(before.raw + 1);
  });

  it.each([
    ['a wrong signature', signBody(validBody, 'not-the-secret'), 'signature does not match the body'],
    ['no signature header', null, 'missing X-Hub-Signature-256 header'],
    ['a sha1 signature', 'sha1=0123456789abcdef0123456789abcdef01234567', 'malformed X-Hub-Signature-256 header (expected sha256=<64 hex>)'],
  ])('answers 401 for %s and stores nothing', async (_case, signature, message) => {
    const response = await stack.post(validBody, { signature });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_signature', message });
    expect(await objectCounts()).toEqual(before);
  });

  it('keeps signed truncated JSON under rejected/ and answers 200 (Meta would resend a non-200 for 7 days)', async () => {
    const body = validBody.slice(0, 80);
    const response = await stack.post(body);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { received: boolean; rejected: string };
    expect(answer.received).toBe(true);
    expect(answer.rejected).toMatch(/^body is not valid JSON/);
    const after = await objectCounts();
    expect(after).toEqual({ raw: before.raw, rejected: before.rejected + 1 });
    const digest = createHash('sha256').update(body).digest('hex');
    const key = (await listKeys(s3, bucket(), 'rejected/')).find((candidate) => candidate.endsWith(`${digest}.json`))!;
    const stored = await getObject(s3, bucket(), key);
    expect(stored.body.toString()).toBe(body);
    expect(stored.metadata.reason).toMatch(/not valid JSON/);
  });

  it.each([
    ['another object type', { object: 'page', entry: [] }, /"object" must be "whatsapp_business_account"|object/],
    ['an array', [1, 2], /./],
    ['entry that is not a list', { object: 'whatsapp_business_account', entry: {} }, /entry/],
  ])('keeps a signed body with %s under rejected/, says why, and answers 200', async (_case, payload, reason) => {
    const response = await stack.post(JSON.stringify(payload));
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { received: boolean; rejected: string };
    expect(answer.rejected).toMatch(/^not a WhatsApp Business Account webhook: /);
    expect(answer.rejected).toMatch(reason);
    expect((await objectCounts()).rejected).toBe(before.rejected + 1);
    expect((await objectCounts()).raw).toBe(before.raw);
  });

  it('answers 413 for a signed body over 3 MB and stores nothing', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(3 * 1024 * 1024) });
    const response = await stack.post(body);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await objectCounts()).toEqual(before);
  });

  it('answers 413 before reading a body over API Gateway’s 10 MB', async () => {
    const response = await stack.post(Buffer.alloc(11 * 1024 * 1024, 0x20), { signature: `sha256=${'0'.repeat(64)}` });
    expect(response.status).toBe(413);
    expect(await objectCounts()).toEqual(before);
  });

  it('accepts a body sent with a binary content type (base64 event) and keeps its bytes', async () => {
    const body = validBody.replace('webhook-test-1', 'webhook-test-binary');
    const response = await stack.post(body, { contentType: 'application/octet-stream' });
    expect(response.status).toBe(200);
    const digest = createHash('sha256').update(body).digest('hex');
    expect((await listKeys(s3, bucket(), 'raw/')).some((key) => key.endsWith(`${digest}.json`))).toBe(true);
  });

  it('answers 405 for other methods and 404 for other paths', async () => {
    const put = await fetch(`${stack.stack.info.url}/webhook`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(await put.json()).toEqual({ error: 'method_not_allowed', message: 'PUT is not supported on /webhook' });
    const other = await stack.get('/nope');
    expect(other.status).toBe(404);
  });

  it('answers healthz', async () => {
    const response = await stack.get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});
