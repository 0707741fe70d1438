import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { buildConsole, CONSOLE_DIST, consoleBuildIsStale } from '../console/build';
import { consoleSecurityHeaders } from '../console/security-headers';

/**
 * The console's pages on the local stack (CloudFront in front of an S3 bucket on AWS): the files of
 * console/dist, `index.html` for `/` (the app routes with the URL's hash, so no other path is a
 * page), and `/console-config.json` saying that sign-in is the local stack's
 * (`POST /auth/local/sign-in`). Every answer carries the console's security headers.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** What the page reads before it signs anyone in; on AWS the deployment writes `{auth: 'cognito', …}`. */
export const LOCAL_CONSOLE_CONFIG = { auth: 'local' } as const;

let building: Promise<void> | undefined;

/** Builds console/dist when it is missing or older than console/src; once per process (later calls wait for the same build). */
export function ensureConsoleBuilt(): Promise<void> {
  building ??= (async () => {
    if (consoleBuildIsStale()) await buildConsole();
  })().catch((error: unknown) => {
    building = undefined; // a later request tries again (e.g. after the source is fixed)
    throw error;
  });
  return building;
}

/** The local s3rver's origin: media links are presigned URLs on it, shown as images. */
function mediaOrigins(): string[] {
  const endpoint = process.env.VIGIA_S3_ENDPOINT;
  if (!endpoint) return [];
  try {
    return [new URL(endpoint).origin];
  } catch {
    return [];
  }
}

export async function serveConsolePage(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers = consoleSecurityHeaders(mediaOrigins());
  const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
    response.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store', ...extra });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ error: 'method_not_allowed', message: `${request.method} is not supported on the console's pages` }), { allow: 'GET, HEAD' });

  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(400, 'application/json', JSON.stringify({ error: 'bad_request', message: 'the path is not valid URL encoding' }));
  }
  if (path === '/console-config.json') return send(200, CONTENT_TYPES['.json']!, JSON.stringify(LOCAL_CONSOLE_CONFIG));

  try {
    await ensureConsoleBuilt();
  } catch (error) {
    console.error('vigia: the console could not be built', (error as Error).message);
    return send(500, 'text/plain; charset=utf-8', 'The console could not be built: see the stack’s output.');
  }

  // The page routes with the URL's hash (`/#/alerts/<id>`): `/` is its only page, and any other
  // path that is not one of its files is a 404, as an unknown route always was here.
  const file = path === '/' ? 'index.html' : normalize(path).replace(/^[/\\]+/, '');
  const full = join(CONSOLE_DIST, file);
  if (file.includes('\0') || !full.startsWith(CONSOLE_DIST + sep)) return send(404, 'application/json', JSON.stringify({ error: 'not_found', message: `no page ${path}` }));
  let size: number;
  try {
    const stat = statSync(full);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    return send(404, 'application/json', JSON.stringify({ error: 'not_found', message: `no page ${path}` }));
  }
  response.writeHead(200, {
    ...headers,
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    // Hashed names never change content; index.html must be revalidated to pick up a new build.
    'cache-control': file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') return void response.end();
  await new Promise<void>((done) => {
    const stream = createReadStream(full);
    stream.on('error', () => {
      response.destroy();
      done();
    });
    stream.on('end', () => done());
    stream.pipe(response);
  });
}
