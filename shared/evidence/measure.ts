import { leafHash, MerkleRootBuilder } from './merkle';

export interface MerkleFigure {
  leaves: number;
  /** Leaves hashed and added to the tree per second. */
  leafHashesPerSecond: number;
  /** Growth of the JavaScript heap plus array buffers over the run, sampled without collecting garbage. */
  heapGrowthBytes: number;
}

/**
 * Streams `leaves` leaves of generated keys through leafHash and MerkleRootBuilder, as a sealing
 * job would over an hour's listing. Run with --expose-gc for a heap baseline without earlier garbage.
 */
export function measureMerkle(leaves = 1_000_000): MerkleFigure {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const builder = new MerkleRootBuilder();
  for (let i = 0; i < leaves; i += 1) {
    const key = `raw/2026/05/19/14/${i.toString().padStart(8, '0')}-wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIY.json`;
    builder.add(leafHash({ key, size: 1_000 + (i % 4_000), sha256: i.toString(16).padStart(64, '0') }));
  }
  builder.root();
  const seconds = (performance.now() - started) / 1_000;
  const after = process.memoryUsage();
  return {
    leaves,
    leafHashesPerSecond: Math.round(leaves / Math.max(seconds, 1e-9)),
    heapGrowthBytes: Math.max(0, after.heapUsed - before.heapUsed) + Math.max(0, after.arrayBuffers - before.arrayBuffers),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(measureMerkle(Number(process.argv[2] ?? 1_000_000)))}\n`);
}
