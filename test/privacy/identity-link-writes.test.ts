import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IdentityLinkRecord } from '../../shared/capture/records';
import { startChain, type Chain } from '../helpers/compliance-chain';

/** The two items of an identity link: completed by a retry after a crash between them, one read once both exist. */
let chain: Chain;
beforeAll(async () => {
  chain = await startChain();
});
afterAll(() => chain.close());

const link: IdentityLinkRecord = { kind: 'identity_link', from: '5511900000301', to: 'BR.WRITES0301', reason: 'contact_profile', lineId: '106540352242922' };
const context = { rawKey: 'raw/dt=2026-12-02/links.json', receivedAt: '2026-12-02T10:00:00.000Z' };
const itemAt = async (pk: string, sk: string) => (await chain.db.send(new GetCommand({ TableName: 'vigia-chain', Key: { pk, sk }, ConsistentRead: true }))).Item;

it('writes what a failed first attempt left, and only reads once both items exist', async () => {
  const commands: string[] = [];
  let failed = false;
  chain.setDynamoFault((command, input) => {
    if (String(input.Key?.pk ?? input.Item?.pk ?? '').startsWith('IDENTITY#')) commands.push(command);
    if (!failed && command === 'PutItemCommand' && input.Item?.pk === `IDENTITY#${link.from}`) {
      failed = true;
      return new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
    }
    return undefined;
  });
  try {
    await expect(chain.repository.save(link, context, 0)).rejects.toThrow('throttled');
    expect(await itemAt(`IDENTITY#${link.to}`, `LINK#${link.from}`)).toBeDefined();
    expect(await itemAt(`IDENTITY#${link.from}`, `LINK#${link.to}`)).toBeUndefined();

    expect(await chain.repository.save(link, context, 0)).toBe('created');
    expect(await itemAt(`IDENTITY#${link.from}`, `LINK#${link.to}`)).toMatchObject({ from: link.from, to: link.to, reason: 'contact_profile' });

    commands.length = 0;
    expect(await chain.repository.save(link, context, 0)).toBe('duplicates');
    expect(commands).toEqual(['GetItemCommand']);
  } finally {
    chain.setDynamoFault(undefined);
  }
});
