import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../local/work-queue';

describe('local WorkQueue (the stand-in for SQS)', () => {
  it('retries failed items until they succeed', async () => {
    const attempts = new Map<string, number>();
    const queue = new WorkQueue<string>({
      concurrency: 2,
      maxAttempts: 5,
      retryDelayMs: () => 1,
      process: async (items) =>
        items.filter((item) => {
          attempts.set(item, (attempts.get(item) ?? 0) + 1);
          return item === 'flaky' && attempts.get(item)! < 3;
        }),
    });
    queue.push('ok');
    queue.push('flaky');
    await queue.drained();
    expect(attempts.get('ok')).toBe(1);
    expect(attempts.get('flaky')).toBe(3);
    expect(queue.size).toBe(0);
  });

  it('gives up after maxAttempts and says so', async () => {
    const givenUp: string[] = [];
    const queue = new WorkQueue<string>({
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: () => 1,
      process: async () => {
        throw new Error('down');
      },
      onGiveUp: (item) => givenUp.push(item),
    });
    queue.push('a');
    await queue.drained();
    expect(givenUp).toEqual(['a']);
  });

  it('holds items while paused and processes them, in batches, once resumed', async () => {
    const batches: string[][] = [];
    const queue = new WorkQueue<string>({ concurrency: 1, maxAttempts: 1, batchSize: 10, process: async (items) => (batches.push(items), []) });
    queue.pause();
    for (let i = 0; i < 12; i++) queue.push(`m${i}`);
    await new Promise((done) => setTimeout(done, 20));
    expect(batches).toEqual([]);
    expect(queue.size).toBe(12);
    queue.resume();
    await queue.drained();
    expect(batches.map((batch) => batch.length)).toEqual([10, 2]);
    expect(queue.size).toBe(0);
  });
});
