import { DIGEST_FORMAT, type UnsignedDigest } from '../../shared/evidence/digest';

/** An unsigned digest with every field set, the chain included. */
export function sampleUnsignedDigest(overrides: Partial<UnsignedDigest> = {}): UnsignedDigest {
  return {
    format: DIGEST_FORMAT,
    stage: 'prod',
    sequence: 42,
    period: { from: '2026-05-19T14:00:00.000Z', to: '2026-05-19T15:00:00.000Z' },
    createdAt: '2026-05-19T15:05:12.345Z',
    counts: { raw: 120, rejected: 2, media: 31, audit: 7, erased: 1 },
    leaves: 160,
    root: 'ab'.repeat(32),
    leavesObject: { key: 'evidence/prod/leaves/2026/05/19/14.ndjson', sha256: 'cd'.repeat(32) },
    previous: { key: 'evidence/prod/digests/2026/05/19/13.json', sha256: 'ef'.repeat(32) },
    ...overrides,
  };
}
