import { mkdirSync } from 'node:fs';
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

/** dynalite and s3rver on free ports, keeping their data under `dataDir`. */
export async function startDataServers(dataDir: string): Promise<DataServers> {
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 's3'), { recursive: true });

  const dynamoServer = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done, fail) => dynamoServer.listen(0, '127.0.0.1', (error?: Error) => (error ? fail(error) : done())));
  const dynamodbEndpoint = `http://127.0.0.1:${(dynamoServer.address() as AddressInfo).port}`;

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
      await new Promise<void>((done) => dynamoServer.close(() => done()));
    },
  };
}

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
