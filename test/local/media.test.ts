import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { sweepMedia } from '../../shared/media/sweep-media';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { createDynamoDbClient } from '../../shared/platform/clients';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { repoRoot } from '../helpers/paths';
import { tinyZip } from '../helpers/zip';

let stack: TestStack;
let db: ReturnType<typeof createDynamoDbClient>;

beforeAll(async () => {
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  process.env.WHATSAPP_ACCESS_TOKEN = 'test-access-token';
  process.env.MEDIA_RETRY_DELAYS_MS = '10,20';
  delete process.env.VIGIA_STAGE;
  db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
});
afterAll(async () => {
  db.destroy();
  await stack.stop();
});

interface MediaJson {
  mediaId: string;
  messageId: string;
  state: string;
  hashVerified: boolean | null;
  sha256: string | null;
  declaredMime: string | null;
  sniffedMime: string | null;
  extension: string | null;
  size: number | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  overdue: boolean;
}

async function cli(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(args, (line) => lines.push(line));
  return { code, lines };
}

async function mediaItem(mediaId: string): Promise<MediaJson> {
  const { lines } = await cli('media', '--json');
  const item = lines.map((line) => JSON.parse(line) as MediaJson).find((candidate) => candidate.mediaId === mediaId);
  expect(item, mediaId).toBeDefined();
  return item!;
}

let counter = 0;
/** Posts a customer message carrying a document (or any media type) and waits for ingest and download. */
async function receiveMedia(mediaId: string, media: Record<string, unknown>, type = 'document', field = 'messages'): Promise<string> {
  const messageId = `wamid.media-${++counter}`;
  const message = { id: messageId, timestamp: String(1764300000 + counter), type, [type]: { id: mediaId, ...media } };
  const value =
    field === 'messages'
      ? { messages: [{ from: '5511981112222', ...message }] }
      : { message_echoes: [{ from: '5511940000001', to: '5511981112222', ...message }] };
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: '106540352242922' }, ...value } }] }],
  });
  expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
  return messageId;
}

describe('media capture', () => {
  it('streams a 20 MB document to the archive with flat memory, and its sha256 matches', async () => {
    const size = 20 * 1024 * 1024;
    stack.graph.files.set('media-20mb', { content: { size, seed: 7 }, mimeType: 'application/pdf' });
    // The fetch runs in a process of its own, as in a Lambda, so the servers of the local stack
    // (s3rver, dynalite, the fake Graph API) are not counted.
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', join(repoRoot, 'test/helpers/measure-media-fetch.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DYNAMODB_ENDPOINT: stack.stack.info.dynamodbEndpoint,
        S3_ENDPOINT: stack.stack.info.s3Endpoint,
        TABLE: stack.stack.info.table,
        BUCKET: stack.stack.info.bucket,
        GRAPH_URL: stack.graph.url,
        ACCESS_TOKEN: 'test-access-token',
        MEDIA_ID: 'media-20mb',
      },
    });
    const measured = JSON.parse(stdout) as { result: { outcome: string }; peakBytes: number };
    expect(measured.result.outcome).toBe('stored');
    // download → scratch file → PutObject, all streamed. Buffering anywhere would hold the whole
    // 20 MB at once; streamed, the live peak measured here is 2–10 MB (and ~7 MB for 60 MB files).
    expect(measured.peakBytes).toBeLessThan(size * 0.6);

    const item = await mediaItem('media-20mb');
    expect(item).toMatchObject({ state: 'stored', hashVerified: true, sha256: stack.graph.sha256Of('media-20mb'), size, declaredMime: 'application/pdf', sniffedMime: 'application/pdf' });

    const out = join(mkdtempSync(join(tmpdir(), 'vigia-media-')), 'contrato.pdf');
    const { code, lines } = await cli('media', 'get', 'media-20mb', '--out', out);
    expect(code).toBe(0);
    expect(lines[0]).toBe(`wrote ${size} bytes of media-20mb to ${out} (sha256 ${item.sha256})`);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(item.sha256);
  });

  it('records the real type of a .jpg whose bytes are a ZIP', async () => {
    const zip = tinyZip('planilha.csv', Buffer.from('cliente;valor\nACME;1000\n'));
    stack.graph.files.set('media-fake-jpg', { content: zip, mimeType: 'image/jpeg' });
    const messageId = await receiveMedia('media-fake-jpg', { filename: 'foto.jpg', mime_type: 'image/jpeg' });
    expect(await mediaItem('media-fake-jpg')).toMatchObject({ state: 'stored', declaredMime: 'image/jpeg', sniffedMime: 'application/zip', extension: 'jpg', size: zip.length, hashVerified: true });
    // the message record carries the verdict for the compliance rules
    const { lines } = await cli('messages', '--json');
    const message = lines.map((line) => JSON.parse(line) as MessageView).find((candidate) => candidate.id === messageId)!;
    expect(message.mediaFile).toMatchObject({ state: 'stored', sniffedMime: 'application/zip', declaredMime: 'image/jpeg', extension: 'jpg', size: zip.length });
  });

  it('refreshes an expired download URL and stores the file', async () => {
    stack.graph.files.set('media-expired-url', { content: Buffer.from('%PDF-1.4 expired url test'), mimeType: 'application/pdf', expireFirstUrl: true });
    const before = stack.graph.requests.length;
    await receiveMedia('media-expired-url', { mime_type: 'application/pdf' });
    expect(await mediaItem('media-expired-url')).toMatchObject({ state: 'stored', hashVerified: true });
    expect(stack.graph.requests.slice(before).filter((request) => request.endsWith(' media-expired-url'))).toEqual([
      'meta media-expired-url',
      'download media-expired-url',
      'meta media-expired-url',
      'download media-expired-url',
    ]);
  });

  it('retries 5xx answers from the Graph API and stores the file', async () => {
    stack.graph.files.set('media-5xx', { content: Buffer.from('%PDF-1.4 flaky'), mimeType: 'application/pdf', metadataFailures: 1, downloadFailures: 2 });
    await receiveMedia('media-5xx', { mime_type: 'application/pdf' });
    expect(await mediaItem('media-5xx')).toMatchObject({ state: 'stored', hashVerified: true, attempts: 1 });
  });

  it('keeps a file whose bytes do not match Meta’s sha256, marked as mismatched', async () => {
    stack.graph.files.set('media-wrong-hash', { content: Buffer.from('%PDF-1.4 tampered'), mimeType: 'application/pdf', announcedSha256: Buffer.alloc(32, 1).toString('base64') });
    const before = stack.graph.requests.length;
    await receiveMedia('media-wrong-hash', { mime_type: 'application/pdf' });
    const item = await mediaItem('media-wrong-hash');
    expect(item).toMatchObject({ state: 'stored', hashVerified: false, sha256: createHash('sha256').update('%PDF-1.4 tampered').digest('hex') });
    // downloaded twice before accepting the mismatch
    expect(stack.graph.requests.slice(before).filter((request) => request === 'download media-wrong-hash')).toHaveLength(2);
    const human = (await cli('media', '--state', 'stored')).lines.find((line) => line.includes('media-wrong-hash'))!;
    expect(human).toContain('HASH MISMATCH');
  });

  it('records null hashVerified when Meta gives no hash', async () => {
    stack.graph.files.set('media-no-hash', { content: Buffer.from('hello'), mimeType: 'text/plain', announcedSha256: '' });
    await receiveMedia('media-no-hash', { mime_type: 'text/plain', filename: 'nota.txt' });
    expect(await mediaItem('media-no-hash')).toMatchObject({ state: 'stored', hashVerified: null, sniffedMime: null, extension: 'txt' });
  });

  it('survives a stalled transfer (idle timeout, then retry) and a slow one', async () => {
    stack.graph.files.set('media-stalled', { content: { size: 200_000 }, mimeType: 'application/pdf', stallDownloads: 1 });
    stack.graph.files.set('media-slow', { content: { size: 300_000 }, mimeType: 'application/pdf', chunkDelayMs: 150 });
    await receiveMedia('media-stalled', { mime_type: 'application/pdf' });
    await receiveMedia('media-slow', { mime_type: 'application/pdf' });
    expect(await mediaItem('media-stalled')).toMatchObject({ state: 'stored', hashVerified: true, size: 200_000 });
    expect(await mediaItem('media-slow')).toMatchObject({ state: 'stored', hashVerified: true, size: 300_000 });
  });

  it('downloads media the employee sent from the Business app (echo)', async () => {
    stack.graph.files.set('media-echo', { content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]), mimeType: 'image/jpeg' });
    await receiveMedia('media-echo', { mime_type: 'image/jpeg', sha256: 'ignored' }, 'image', 'smb_message_echoes');
    expect(await mediaItem('media-echo')).toMatchObject({ state: 'stored', sniffedMime: 'image/jpeg' });
  });

  it('marks media failed when the Graph API stays down, and `vigia media retry` picks it up', async () => {
    stack.graph.files.set('media-down', { content: Buffer.from('%PDF-1.4 eventually'), mimeType: 'application/pdf' });
    stack.graph.down = true;
    await receiveMedia('media-down', { mime_type: 'application/pdf' });
    const failed = await mediaItem('media-down');
    expect(failed).toMatchObject({ state: 'failed', lastError: 'media media-down metadata: HTTP 503', sha256: null, hashVerified: null, overdue: false });
    expect(Date.parse(failed.nextAttemptAt!)).toBeGreaterThan(Date.now());
    expect((await cli('media', '--state', 'failed', '--json')).lines.map((line) => JSON.parse(line).mediaId)).toContain('media-down');

    const stillDown = await cli('media', 'retry', 'media-down');
    expect(stillDown.code).toBe(1);

    stack.graph.down = false;
    const { code, lines } = await cli('media', 'retry');
    expect(code).toBe(0);
    expect(lines).toContain('media-down: stored');
    expect(lines.at(-1)).toMatch(/^retried \d+ media item\(s\) from local stack at .*: \d+ stored, 0 not stored$/);
    expect(await mediaItem('media-down')).toMatchObject({ state: 'stored', hashVerified: true });
  });

  it('rejects unknown states and downloads of what is not archived, in one line', async () => {
    await expect(cli('media', '--state', 'lost')).rejects.toThrow('--state must be one of pending, stored, failed, expired, got "lost"');
    await expect(cli('media', 'get', 'nope', '--out', '/tmp/x')).rejects.toThrow('no media item nope');
    await expect(cli('media', 'get', 'media-20mb')).rejects.toThrow('usage: vigia media get MEDIA_ID --out FILE');
  });
});

describe('media sweeper', () => {
  it('reports media not stored 24 h after the webhook, re-queues due retries and expires after 7 days', async () => {
    stack.graph.down = true;
    await receiveMedia('media-sweep', { mime_type: 'application/pdf' });
    const repository = new DynamoDbMediaRepository(db, stack.stack.info.table);
    const queued: string[] = [];
    const queue = { send: async (bodies: string[]) => void queued.push(...bodies) };

    const dayLater = await sweepMedia({ media: repository, queue, now: () => new Date(Date.now() + 25 * 3600 * 1000) });
    expect(dayLater.overdue.map((item) => item.mediaId)).toContain('media-sweep');
    expect(queued).toContain(JSON.stringify({ mediaId: 'media-sweep' }));
    expect(dayLater.expired).not.toContain('media-sweep');

    const weekLater = await sweepMedia({ media: repository, queue, now: () => new Date(Date.now() + 8 * 24 * 3600 * 1000) });
    expect(weekLater.expired).toContain('media-sweep');
    stack.graph.down = false;
    expect(await mediaItem('media-sweep')).toMatchObject({ state: 'expired', lastError: expect.stringMatching(/^not stored within the 7 days Meta keeps media \(last error: .*503\)$/) });
  });
});
