import type { Policy } from '../../../config/policies';
import type { Redaction } from '../../normalize-text';
import { findPii, type PiiDetectorName } from './detectors';

/** The detectors of a config's pii policies: what alert excerpts and the analytics export show masked. */
export function piiDetectorsOf(policies: readonly Policy[]): PiiDetectorName[] {
  return [...new Set(policies.flatMap((policy) => (policy.kind === 'pii' ? policy.detectors : [])))];
}

/** The spans of `text` those detectors find, with their masked form (none without pii policies). */
export function redactionsWith(detectors: readonly PiiDetectorName[]): (text: string) => Redaction[] {
  if (detectors.length === 0) return () => [];
  return (text) => findPii(text, detectors).map(({ start, end, masked }) => ({ start, end, masked }));
}
