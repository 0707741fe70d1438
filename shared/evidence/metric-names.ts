/**
 * The tamper-evidence metrics: published by the seal function (Powertools Metrics, in the
 * namespace and with the dimensions of VIGIA_METRICS) and alarmed on by the stack, so both import
 * this file. No imports on purpose.
 */
export const EVIDENCE_METRICS = {
  /** Published by the seal function every run: 1 when it wrote a digest, 0 otherwise (alarmed when none for two hours). */
  digestsSealed: 'DigestsSealed',
} as const;
