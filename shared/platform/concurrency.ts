/**
 * Runs `work` over the items, at most `limit` at a time, taking them in order. Every item is
 * attempted even when one fails, and the call returns only once all work has ended — so no work
 * goes on behind a rejection — then throws the first failure.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
