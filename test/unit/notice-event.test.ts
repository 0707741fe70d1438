import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, expect, it } from 'vitest';
import { installLocalAdapters } from '../../local/adapters/local-targets';
import { lambdaContext } from '../../local/api-gateway';

/**
 * The notice function's event (issue 14): an event it cannot read fails the invocation with the
 * reason — it never turns into "send every pending notice".
 */
const outbox = join(mkdtempSync(join(tmpdir(), 'vigia-notice-event-')), 'outbox.jsonl');
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: (event: unknown, context: unknown) => Promise<unknown>;

beforeAll(async () => {
  Object.assign(process.env, {
    ARCHIVE_TABLE: 'vigia-notice-event',
    VIGIA_PUBLIC_URL: 'http://127.0.0.1:9',
    NOTICE_MAILER: 'local://outbox',
    VIGIA_OUTBOX_FILE: outbox,
    VIGIA_NOTICE_SIGNING_KEY: 'k'.repeat(40),
    VIGIA_CONFIG_JSON: '{}',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  // As the local stack does before importing its handlers: `local://outbox` is its adapter.
  installLocalAdapters();
  handler = (await import('../../functions/notice/handler')).handler as never;
});

it.each([
  ['a string', 'send everything'],
  ['an array', [1, 2]],
  ['a lineId that is not a string', { lineId: 42 }],
  ['an empty lineId', { lineId: '' }],
])('refuses %s with the reason and reads or sends nothing', async (_case, event) => {
  await expect(handler(event, lambdaContext('vigia-notice'))).rejects.toThrow(/unreadable notice event: .*(lineId|event)/);
  expect(dynamo.calls()).toHaveLength(0);
  expect(existsSync(outbox)).toBe(false);
});
