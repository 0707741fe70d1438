import type { AddressInfo } from 'node:net';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { ensureTable } from '../../shared/resources/local-provisioning';
import { MIGRATION_ITEMS_IN_PARALLEL, resumableScan } from '../../shared/resources/resumable-scan';

const TABLE = 'vigia-resumable-scan';
const KEY = { pk: 'MIGRATION#test', sk: 'STATE' };
const ITEMS = 100;
const PAGE = 40;

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let db: ReturnType<typeof createDynamoDbClient>;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  db = createDynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await ensureTable(db, TABLE);
  const items = Array.from({ length: ITEMS }, (_, i) => ({ pk: `ITEM#${String(i).padStart(3, '0')}`, sk: 'ITEM', n: i }));
  for (let i = 0; i < items.length; i += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
});
afterAll(async () => {
  db?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A job over the test items (the migration state itself is skipped, as the migrations do). */
function job(onItem: (item: Record<string, unknown>) => Promise<void>) {
  return {
    key: KEY,
    version: 1,
    counts: { seen: 0 },
    pageSize: PAGE,
    onItem: async (item: Record<string, unknown>, counts: { seen: number }) => {
      if (String(item.pk).startsWith('MIGRATION#')) return;
      await onItem(item);
      counts.seen += 1;
    },
  };
}

it(`works on ${MIGRATION_ITEMS_IN_PARALLEL} items of a page at once; an item that fails leaves its page to the next run, which finishes the scan`, async () => {
  let running = 0;
  let mostAtOnce = 0;
  const worked = new Set<string>();
  const failOn = 'ITEM#050';
  const slowly = (fail: boolean) => async (item: Record<string, unknown>) => {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail && item.pk === failOn) throw new Error('throttled');
      worked.add(String(item.pk));
    } finally {
      running -= 1;
    }
  };

  await expect(resumableScan(db, TABLE, job(slowly(true)))).rejects.toThrow('throttled');
  expect(mostAtOnce).toBe(MIGRATION_ITEMS_IN_PARALLEL);
  // Every other item of the failing page was still worked on (nothing left running behind the
  // rejection), but the stored place is the end of the last whole page: the failing page is redone.
  expect(running).toBe(0);
  const stored = (await db.send(new GetCommand({ TableName: TABLE, Key: KEY, ConsistentRead: true }))).Item!;
  expect(stored.done).toBe(false);
  expect(stored.scanned % PAGE).toBe(0);
  expect(stored.scanned).toBeLessThan(ITEMS);
  expect(worked.has(failOn)).toBe(false);

  const result = await resumableScan(db, TABLE, job(slowly(false)));
  expect(result.done).toBe(true);
  expect(worked.size).toBe(ITEMS);
  expect(worked.has(failOn)).toBe(true);
  // Done: a run again works on nothing.
  worked.clear();
  expect((await resumableScan(db, TABLE, job(slowly(false)))).done).toBe(true);
  expect(worked.size).toBe(0);
});
