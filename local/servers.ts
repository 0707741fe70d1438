import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { quarantineIncompleteObjects } from './s3-store-repair';

/** One S3 event notification as s3rver emits it (the fields the local stack reads). */
export interface S3Notification {
  Records: { s3: { object: { key: string } } }[];
}

export interface DataServers {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  /** s3rver's notifications, as S3 sends them to the bucket's notification target. */
  onNotification(listener: (notification: S3Notification) => void): void;
  close(): Promise<void>;
}

/** dynalite and s3rver on free ports, keeping their data under `dataDir` (dynalite in a thread of its own with `dynaliteThread`). */
export async function startDataServers(dataDir: string, dynaliteThread = false): Promise<DataServers> {
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 's3'), { recursive: true });

  const dynamo = await startDynalite(join(dataDir, 'dynamodb'), dynaliteThread);
  const dynamodbEndpoint = `http://127.0.0.1:${dynamo.port}`;

  const incomplete = quarantineIncompleteObjects(join(dataDir, 's3'), join(dataDir, 's3-incomplete'));
  if (incomplete.length > 0) {
    console.error(`vigia: moved ${incomplete.length} partially written object(s) from an interrupted run to ${join(dataDir, 's3-incomplete')} (never acknowledged)`);
  }
  const s3Server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dataDir, 's3') });
  const s3Address = (await s3Server.run()) as AddressInfo;

  return {
    dynamodbEndpoint,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    onNotification: (listener) => s3Server.on('event', listener),
    async close() {
      await s3Server.close();
      await dynamo.close();
    },
  };
}

const DYNALITE_OPTIONS = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };

/**
 * dynalite on a free port, in this thread or (`thread`) in a worker thread of its own: the same
 * server on the same files, answering the same HTTP requests, but its CPU (a LevelDB read of the
 * table's definition and JSON work on every request) no longer shares the event loop with the
 * handlers. The tests turn it on (test/helpers/local-stack.ts): the 10,000-webhook replay spent a
 * fifth of its time in dynalite. Off by default, so `npm start` and the cost benchmark (whose
 * handler durations include the servers' time) run as they always have.
 */
export async function startDynalite(path: string, thread: boolean): Promise<{ port: number; close(): Promise<void> }> {
  if (!thread) {
    const server = dynalite({ path, ...DYNALITE_OPTIONS });
    await new Promise<void>((done, fail) => server.listen(0, '127.0.0.1', (error?: Error) => (error ? fail(error) : done())));
    return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((done) => server.close(() => done())) };
  }
  const worker = new Worker(DYNALITE_WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('dynalite'), options: { path, ...DYNALITE_OPTIONS } } });
  // An error in the thread (a listen failure, LevelDB refusing a database another server holds)
  // ends it: kept to be thrown by close(), instead of reaching this process as uncaught.
  let failure: Error | undefined;
  worker.on('error', (error: Error) => {
    failure ??= error;
  });
  const exited = once(worker, 'exit');
  const [started] = (await Promise.race([once(worker, 'message'), exited.then(() => Promise.reject(failure ?? new Error('dynalite thread ended before listening')))])) as [{ port: number }];
  return {
    port: started.port,
    async close() {
      const reply = once(worker, 'message').then(
        ([message]) => message as { error?: string },
        () => undefined,
      );
      worker.postMessage('close');
      // A thread that has already ended answers nothing: don't wait for it.
      const answer = await Promise.race([reply, exited.then(() => undefined)]);
      await worker.terminate();
      if (answer?.error !== undefined) throw new Error(`dynalite did not close: ${answer.error}`);
      if (failure) throw failure;
    },
  };
}

const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.module)(workerData.options);
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => server.close((error) => parentPort.postMessage(error ? { error: error.message } : {})));
`;

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

/** The API's HTTP server on 127.0.0.1:`port` (0 picks a free one). */
export async function startHttpServer(port: number, listener: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<HttpServer> {
  // Idle connections stay open longer than a client keeps them (undici: 4 s), so a client never
  // sends on a connection the server is closing that moment (ECONNRESET on a busy machine).
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, listener);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // A connection whose request was in flight stays open, idle, for the keep-alive above once
      // answered: after a moment's grace for those answers, every connection goes.
      const force = setTimeout(() => server.closeAllConnections(), 1_000);
      await closed;
      clearTimeout(force);
    },
  };
}
