/**
 * Small, dependency-free statistics for the benchmarks. Percentiles use the nearest-rank method
 * (the value at rank ⌈p/100 · n⌉ of the sorted sample, always an observed value, never an
 * interpolation), so "p99 of 40 samples" is simply the largest but zero: be aware of the sample
 * size when reading high percentiles.
 */

/** Nearest-rank percentile, `p` in 0..100 (0 gives the minimum). NaN for an empty sample. The input is not modified. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = isSorted(values) ? values : [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The middle value (the mean of the two middle values for an even count). NaN for an empty sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = isSorted(values) ? values : [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface LatencySummary {
  /** Nearest-rank 50th percentile, ms. */
  p50: number;
  /** Nearest-rank 99th percentile, ms. */
  p99: number;
  count: number;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
}

/** p50, p95 and the largest of a latency sample (the console's figures), ms. */
export interface Spread {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

export function spread(latenciesMs: readonly number[]): Spread {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? Number.NaN, count: sorted.length };
}

function isSorted(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1] > values[i]) return false;
  return true;
}
