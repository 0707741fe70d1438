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
});
