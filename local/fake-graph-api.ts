import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

/**
 * A stand-in for Meta's Graph API media endpoints on 127.0.0.1, for tests and the offline demo
 * (`VIGIA_FAKE_GRAPH_API=1 npm start`). It checks the bearer token, hands out download URLs that
 * can expire, and can be told to fail: 5xx, wrong hashes, slow or stalled bodies, or be down.
 * It also accepts text messages (`POST /{phone-number-id}/messages`, the first-contact disclosure),
 * answers like Meta and records them (`sentMessages()`).
 */
export interface FakeMediaFile {
  /** The bytes, or a size for a generated file (streamed in 64 KB chunks, never held in memory). */
  content: Buffer | { size: number; seed?: number };
  mimeType: string;
  /** Announce this sha256 instead of the real one (a "wrong hash" from Meta). */
  announcedSha256?: string;
  /** The next N metadata requests answer 503. */
  metadataFailures?: number;
  /** The next N downloads answer 503. */
  downloadFailures?: number;
  /** The first download URL handed out answers 404, as an expired URL does. */
  expireFirstUrl?: boolean;
  /** Pause this long between 64 KB chunks. */
  chunkDelayMs?: number;
  /** Send the first chunk, then nothing (a stalled transfer), for the next N downloads. */
  stallDownloads?: number;
}

/** A message accepted by `POST /{phone-number-id}/messages`. */
export interface FakeSentMessage {
  phoneNumberId: string;
  to: string;
  type: string;
  /** `text.body` of a text message. */
  body?: string;
  /** The id answered (`wamid.…`). */
  wamid: string;
  at: string;
}

export interface FakeGraphApi {
  /** Base URL to use as WHATSAPP_GRAPH_API_URL. */
  url: string;
  files: Map<string, FakeMediaFile>;
  /** Every request: `meta <id>` or `download <id>`, in order. */
  requests: string[];
  /** When true every request answers 503. */
  down: boolean;
  /** The next N message sends answer 503 (nothing is recorded for them). */
  sendFailures: number;
  /** The messages accepted so far, in order. */
  sentMessages(): FakeSentMessage[];
  /**
   * Serve a small generated file for media ids nobody registered (demo mode, generic tests): a PNG
   * for ids starting with `image-` ({@link samplePng}), a PDF for any other.
   */
  serveUnknown: boolean;
  sha256Of(mediaId: string): string;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

export async function startFakeGraphApi(options: { accessToken: string; serveUnknown?: boolean; port?: number }): Promise<FakeGraphApi> {
  let generation = 0;
  const issued = new Map<string, number>(); // media id → generation of its first URL
  const sent: FakeSentMessage[] = [];
  const api: FakeGraphApi = {
    url: '',
    files: new Map(),
    requests: [],
    down: false,
    sendFailures: 0,
    sentMessages: () => [...sent],
    serveUnknown: options.serveUnknown ?? false,
    sha256Of: (mediaId) => sha256(fileFor(mediaId)!),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const fileFor = (mediaId: string): FakeMediaFile | undefined =>
    api.files.get(mediaId) ??
    (api.serveUnknown ? (mediaId.startsWith(SAMPLE_IMAGE_PREFIX) ? { content: samplePng(), mimeType: 'image/png' } : { content: demoPdf(mediaId), mimeType: 'application/pdf' }) : undefined);

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, version, id, ...rest] = url.pathname.split('/');
    const mediaId = decodeURIComponent(version === 'download' ? (id ?? '') : (id ?? ''));
    const isDownload = version === 'download';
    const isSend = request.method === 'POST' && !isDownload && rest.length === 1 && rest[0] === 'messages';
    api.requests.push(`${isSend ? 'send' : isDownload ? 'download' : 'meta'} ${mediaId}`);
    const fail = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message, code: status } }));
    };
    if (api.down) return fail(503, 'Service temporarily unavailable');
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) return fail(401, 'Invalid OAuth access token');
    if (isSend) return acceptMessage(request, response, mediaId, fail);
    if (rest.length > 0) return fail(404, 'Unknown path');
    const file = fileFor(mediaId);
    if (!file) return fail(404, `Unsupported get request. Object with ID '${mediaId}' does not exist`);

    if (!isDownload) {
      if (file.metadataFailures) {
        file.metadataFailures -= 1;
        return fail(503, 'Temporarily unavailable');
      }
      const current = ++generation;
      if (!issued.has(mediaId)) issued.set(mediaId, current);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          url: `${api.url.replace(/\/v[\d.]+$/, '')}/download/${encodeURIComponent(mediaId)}?gen=${current}`,
          mime_type: file.mimeType,
          sha256: file.announcedSha256 ?? Buffer.from(sha256(file), 'hex').toString('base64'),
          file_size: String(sizeOf(file)),
          id: mediaId,
        }),
      );
      return;
    }

    if (file.expireFirstUrl && Number(url.searchParams.get('gen')) === issued.get(mediaId)) return fail(404, 'URL signature expired');
    if (file.downloadFailures) {
      file.downloadFailures -= 1;
      return fail(503, 'Temporarily unavailable');
    }
    response.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(sizeOf(file)) });
    if (file.stallDownloads) {
      file.stallDownloads -= 1;
      response.write(chunkAt(file, 0));
      return; // never ends: the client must give up on its own
    }
    for (let offset = 0; offset < sizeOf(file); offset += CHUNK) {
      if (response.destroyed) return;
      if (!response.write(chunkAt(file, offset))) await new Promise((resolve) => response.once('drain', resolve));
      if (file.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, file.chunkDelayMs));
    }
    response.end();
  });
  /** Like Meta: validates the body, answers the contact and the new message's id. */
  async function acceptMessage(request: IncomingMessage, response: ServerResponse, phoneNumberId: string, fail: (status: number, message: string) => void) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let message: { messaging_product?: unknown; to?: unknown; type?: unknown; text?: { body?: unknown } };
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return fail(400, 'Invalid JSON body');
    }
    if (message.messaging_product !== 'whatsapp') return fail(400, '(#100) The parameter messaging_product is required.');
    if (typeof message.to !== 'string' || message.to === '') return fail(400, '(#100) The parameter to is required.');
    if (message.type === 'text' && typeof message.text?.body !== 'string') return fail(400, '(#100) The parameter text[\'body\'] is required.');
    if (api.sendFailures > 0) {
      api.sendFailures -= 1;
      return fail(503, 'Service temporarily unavailable');
    }
    const wamid = `wamid.FAKE${createHash('sha256').update(`${phoneNumberId}:${message.to}:${sent.length}:${Date.now()}`).digest('hex').slice(0, 32).toUpperCase()}`;
    sent.push({ phoneNumberId, to: message.to, type: String(message.type ?? 'text'), body: message.text?.body as string | undefined, wamid, at: new Date().toISOString() });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id: wamid }] }));
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v25.0`;
  return api;
}

function sizeOf(file: FakeMediaFile): number {
  return Buffer.isBuffer(file.content) ? file.content.length : file.content.size;
}

/** Deterministic bytes of a generated file, chunk by chunk. */
function chunkAt(file: FakeMediaFile, offset: number): Buffer {
  if (Buffer.isBuffer(file.content)) return file.content.subarray(offset, offset + CHUNK);
  const length = Math.min(CHUNK, file.content.size - offset);
  const chunk = Buffer.alloc(length);
  const seed = file.content.seed ?? 1;
  for (let i = 0; i < length; i++) chunk[i] = ((offset + i) * 31 + seed) & 0xff;
  if (offset === 0) Buffer.from('%PDF-1.7\n').copy(chunk); // generated files look like PDFs
  return chunk;
}

function sha256(file: FakeMediaFile): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < sizeOf(file); offset += CHUNK) hash.update(chunkAt(file, offset));
  return hash.digest('hex');
}

/** Unknown media ids with this prefix are served as {@link samplePng} (an image message in a demo or test). */
export const SAMPLE_IMAGE_PREFIX = 'image-';

/**
 * A valid 16×16 PNG (RGB, blue and orange halves), small enough for any test: what the console
 * shows inline for an image message. Register it as a file, or use an `image-…` id with serveUnknown.
 */
export function samplePng(): Buffer {
  const size = 16;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then RGB
    for (let x = 0; x < size; x++) row.set(x < size / 2 ? [0x25, 0x63, 0xeb] : [0xf5, 0x9e, 0x0b], 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter method, not interlaced
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function demoPdf(mediaId: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% Vigia demo file for media ${mediaId}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}
