/**
 * The local stand-in for the SQS ingest queue: at-least-once, bounded concurrency, retries with
 * backoff. What it loses on a crash is recovered at the next start from the raw archive
 * (objects without a projection marker), so it needs no disk of its own.
 */
export interface WorkQueueOptions<T> {
  concurrency: number;
  maxAttempts: number;
  /** Processes a batch; returns the items that failed (retried later). */
  process: (items: T[]) => Promise<T[]>;
  batchSize?: number;
  onGiveUp?: (item: T, error: unknown) => void;
  retryDelayMs?: (attempt: number) => number;
}

export class WorkQueue<T> {
  private readonly pending: { item: T; attempt: number }[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private paused = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WorkQueueOptions<T>) {}

  get size(): number {
    return this.pending.length + this.inFlight + this.timers.size;
  }

  push(item: T, attempt = 1): void {
    if (this.closed) return;
    this.pending.push({ item, attempt });
    this.pump();
  }

  /** Resolves when nothing is queued, running or waiting for a retry. */
  async drained(): Promise<void> {
    if (this.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops starting batches (those running finish); items keep queueing until `resume`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private pump(): void {
    while (!this.closed && !this.paused && this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize ?? 10);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private async run(batch: { item: T; attempt: number }[]): Promise<void> {
    let failed: T[];
    let cause: unknown;
    try {
      failed = await this.options.process(batch.map((entry) => entry.item));
    } catch (error) {
      failed = batch.map((entry) => entry.item);
      cause = error;
    }
    for (const entry of batch.filter((candidate) => failed.includes(candidate.item))) {
      if (entry.attempt >= this.options.maxAttempts) {
        this.options.onGiveUp?.(entry.item, cause);
        continue;
      }
      const delay = this.options.retryDelayMs?.(entry.attempt) ?? Math.min(30_000, 200 * 2 ** entry.attempt);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.push(entry.item, entry.attempt + 1);
      }, delay);
      this.timers.add(timer);
    }
  }

  private notifyIfIdle(): void {
    if (this.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
