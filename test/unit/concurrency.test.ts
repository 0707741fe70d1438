import { expect, it } from 'vitest';
import { forEachLimited } from '../../shared/platform/concurrency';

it('runs at most `limit` at a time, attempts every item after a failure, and throws the first failure once all have ended', async () => {
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  const work = async (item: number) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    if (item === 2 || item === 5) throw new Error(`item ${item} failed`);
    done.push(item);
  };
  await expect(forEachLimited([0, 1, 2, 3, 4, 5, 6, 7], 3, work)).rejects.toThrow('item 2 failed');
  expect(running).toBe(0);
  expect(peak).toBe(3);
  expect(done.sort()).toEqual([0, 1, 3, 4, 6, 7]);
  await expect(forEachLimited([], 3, work)).resolves.toBeUndefined();
});
