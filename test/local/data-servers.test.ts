import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { startDataServers } from '../../local/servers';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { testTmpRoot } from '../helpers/local-stack';

const dir = mkdtempSync(join(testTmpRoot(), 'vigia-servers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('dynalite in a thread of its own: a thread that fails (a database another server holds) is reported by close(), which does not hang', async () => {
  const first = await startDataServers(dir, true);
  const firstDb = createDynamoDbClient(first.dynamodbEndpoint);
  try {
    expect((await firstDb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    // A second server on the same files: LevelDB refuses it; its requests fail and its thread ends.
    const second = await startDataServers(dir, true);
    const secondDb = createDynamoDbClient(second.dynamodbEndpoint);
    await expect(secondDb.send(new ListTablesCommand({}))).rejects.toThrow();
    secondDb.destroy();
    // LevelDB's error, whichever of its calls failed first (the open, or an iterator after it).
    await expect(second.close()).rejects.toThrow(/(Database|Iterator) is not open/);
    // The first one is unaffected.
    expect((await firstDb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
  } finally {
    firstDb.destroy();
    await first.close();
  }
}, 30_000);
