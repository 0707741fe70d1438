import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../shared/platform/clients';

/**
 * The floor for the ingest benchmark: the least any webhook receiver must do before answering
 * Meta, with none of Vigia's code — read the raw body, check its HMAC-SHA256 in constant time,
 * store the exact bytes in S3 (same bucket, same s3rver, same SDK client configuration, same
 * metadata and key layout as Vigia's raw archive — `floor/h=<h>/dt=YYYY-MM-DD/<sha256>.json`, `<h>`
 * the sha256's first hex digit — under its own `floor/` prefix so Vigia's ingest ignores it),
 * then answer 200. No framework, no envelope check, no logging, no metrics.
 *
 * Only the S3 client comes from the repository (`createS3Client`: endpoint, path-style addressing,
 * s3rver credentials, checksums only when required — configuration, not logic).
 */
export interface FloorServerOptions {
  s3Endpoint: string;
  bucket: string;
  appSecret: string;
  /** @default 0 (a free port) */
  port?: number;
}

export interface FloorServer {
  /** Base URL (`http://127.0.0.1:<port>`); it accepts the POST on any path, e.g. `/webhook`. */
  url: string;
  close(): Promise<void>;
}

export const FLOOR_PREFIX = 'floor/';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export async function startFloorServer(options: FloorServerOptions): Promise<FloorServer> {
  const s3 = createS3Client(options.s3Endpoint);

  const server: Server = createServer(async (request, response) => {
    const answer = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    try {
      if (request.method !== 'POST') return answer(405, '{"error":"method_not_allowed"}');
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);

      const header = request.headers['x-hub-signature-256'];
      const match = typeof header === 'string' ? SIGNATURE.exec(header.trim()) : null;
      if (!match) return answer(401, '{"error":"invalid_signature"}');
      const expected = Buffer.from(match[1], 'hex');
      const actual = createHmac('sha256', options.appSecret).update(body).digest();
      if (!timingSafeEqual(actual, expected)) return answer(401, '{"error":"invalid_signature"}');

      const receivedAt = new Date().toISOString();
      const digest = createHash('sha256').update(body).digest('hex');
      const key = `${FLOOR_PREFIX}h=${digest[0]}/dt=${receivedAt.slice(0, 10)}/${digest}.json`;
      await s3.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          Metadata: { signature: header as string, 'received-at': receivedAt },
        }),
      );
      answer(200, '{"received":true}');
    } catch (error) {
      if (!response.headersSent) answer(500, JSON.stringify({ error: 'internal_error', message: (error as Error).message }));
      else response.destroy();
    }
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await closed;
      s3.destroy();
    },
  };
}
