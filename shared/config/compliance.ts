import * as z from 'zod';
import type { ComplianceChecks } from './compliance-checks';
import type { VigiaConfig } from './schema';

/** `sentiment` and `compliance`: how the checks run (the policies themselves are in ./policies). */

export const SentimentSettingsSchema = z.strictObject({
  /**
   * `offline`: the bundled analyzer only; `comprehend`: Amazon Comprehend for every message;
   * `screened`: the offline analyzer first, Comprehend only for messages it finds non-neutral.
   * @default screened
   */
  analyzer: z.enum(['offline', 'comprehend', 'screened']).default('screened'),
  /** Messages with fewer letters than this are not analysed. @default 12 */
  minLetters: z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).default(12),
  /**
   * Region of Amazon Comprehend, where the deployment region does not offer it (e.g. sa-east-1):
   * an international transfer under LGPD — see docs/compliance.md.
   * @default - the deployment's own region
   */
  comprehendRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as us-east-1' }).optional(),
});

/** How the compliance checks treat what is not live traffic. */
export const ComplianceSettingsSchema = z.strictObject({
  /**
   * `history` backfill (up to 180 days before onboarding): `check` runs the policies over it and
   * records the alerts (marked backfill, status open) without notifying anyone; `skip` leaves it unchecked.
   */
  history: z.enum(['check', 'skip'], { error: 'must be check or skip' }).default('check'),
});

/** `COMPLIANCE_CHECKS` of the functions for this config (shared/config/compliance-checks.ts). */
export function complianceChecksOf(config: Pick<VigiaConfig, 'policies' | 'compliance'>): ComplianceChecks {
  if (config.policies.length === 0) return 'none';
  return config.compliance.history === 'skip' ? 'live' : 'all';
}
