import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMPREHEND_MIN_UNITS, COMPREHEND_UNIT_CHARS } from './prices';

/**
 * A stand-in for Amazon Comprehend's JSON API on 127.0.0.1, for the cost benchmark: the stack's
 * sentiment check runs in the config's analyzer mode (screened: the offline analyzer decides the
 * clearly neutral lines, Comprehend the rest) through the real SDK client, and this server counts
 * what AWS would bill — `DetectSentiment` calls and their units of 100 characters, at least 3
 * per request. It answers every text NEUTRAL, so it never raises an alert of its own.
 */
export interface FakeComprehend {
  url: string;
  usage(): ComprehendUsage;
  close(): Promise<void>;
}

export interface ComprehendUsage {
  requests: number;
  units: number;
  characters: number;
}

export async function startFakeComprehend(): Promise<FakeComprehend> {
  const usage: ComprehendUsage = { requests: 0, units: 0, characters: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (!target.endsWith('.DetectSentiment')) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InvalidRequestException', message: `the benchmark's Comprehend only answers DetectSentiment, not ${target || 'this request'}` }));
        return;
      }
      const { Text = '' } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Text?: string };
      const characters = [...Text].length;
      usage.requests += 1;
      usage.characters += characters;
      usage.units += Math.max(COMPREHEND_MIN_UNITS, Math.ceil(characters / COMPREHEND_UNIT_CHARS));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ Sentiment: 'NEUTRAL', SentimentScore: { Positive: 0.02, Negative: 0.02, Neutral: 0.95, Mixed: 0.01 } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    usage: () => ({ ...usage }),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
