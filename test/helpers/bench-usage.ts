import type { StackUsage } from '../../bench/ingest';

/** What a metered stack reports before any request: the base every bench model test fills in. */
export const emptyUsage = (): StackUsage => ({
  requests: {},
  invocations: {},
  writeUnits: 0,
  readUnits: 0,
  flowExecutions: 0,
  flowBilledMs: 0,
  comprehend: { requests: 0, units: 0, characters: 0 },
  partitionWrites: {},
  partitionReads: {},
  s3Prefixes: {},
});
