/**
 * Which messages go through the compliance checks — the functions' `COMPLIANCE_CHECKS`, set from
 * the config by complianceChecksOf (shared/config/compliance.ts): `all` (live traffic and the
 * history backfill), `live` (`compliance.history: skip`), or `none` when the config has no policy
 * at all — nothing could raise an alert, so no execution is started and nothing waits to be checked.
 * No imports: the ingest and media-fetch bundles read it without the config schema.
 */
export type ComplianceChecks = 'all' | 'live' | 'none';
export const COMPLIANCE_CHECKS = ['all', 'live', 'none'] as const satisfies readonly ComplianceChecks[];

/** Whether a message of this source goes through the checks under `checks`. */
export function checksSource(checks: ComplianceChecks, source: string): boolean {
  return checks === 'all' || (checks === 'live' && source !== 'history');
}
