import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { generateTraffic, type Webhook } from '../../local/traffic';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let stack: TestStack;
beforeAll(async () => {
  // An archive-only deployment (no policy): what is measured here is the archive's idempotency at
  // volume, so no compliance execution runs (the flow's own at-least-once tests are in
  // test/compliance/at-least-once.test.ts and test/local/crash-recovery.test.ts).
  const work = mkdtempSync(join(tmpdir(), 'vigia-replay-config-'));
  const config = join(work, 'vigia.config.yaml');
  writeFileSync(config, 'lines:\n  - { phoneNumberId: "106540352242922", employee: Ana Souza }\n');
  stack = await startTestStack({ env: { VIGIA_CONFIG: config } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
});
afterAll(async () => {
  await stack?.stop();
});

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

it('10,000 webhooks with 30% duplicates in shuffled order yield exactly one record per message id', async () => {
  const unique = generateTraffic({ turns: 7_600, seed: 7 }).slice(0, 7_000);
  const duplicates = Array.from({ length: 3_000 }, (_, i) => unique[(i * 2_654_435_761) % unique.length]);
  const deliveries: Webhook[] = shuffled([...unique, ...duplicates], 11);
  expect(deliveries).toHaveLength(10_000);
  const expectedIds = new Set(unique.flatMap((webhook) => webhook.messageIds));

  let next = 0;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < deliveries.length) {
        const response = await stack.post(deliveries[next++].body);
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    }),
  );
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
  await stack.stack.drained();

  const lines: string[] = [];
  expect(await main(['messages', '--json'], (line) => lines.push(line))).toBe(0);
  const ids = lines.map((line) => (JSON.parse(line) as MessageView).id);
  expect(ids.length).toBe(expectedIds.size);
  expect(new Set(ids)).toEqual(expectedIds);
  // No policy, nothing to check: no message waits on the re-drive.
  const views = lines.map((line) => JSON.parse(line) as MessageView);
  expect(views.filter((view) => view.compliance !== undefined)).toEqual([]);
}, 300_000);
