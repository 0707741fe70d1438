import * as z from 'zod';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { COMPLIANCE_CHECKS } from '../../shared/config/compliance-checks';
import { loadEnv, required } from '../../shared/config/env';
import { mediaDownloadDependencies } from '../../shared/media/adapters/media-dependencies';

const MediaFetchEnv = z.object({
  COMPLIANCE_STATE_MACHINE_ARN: required(),
  /** Which messages are checked (shared/config/compliance-checks.ts). */
  COMPLIANCE_CHECKS: z.enum(COMPLIANCE_CHECKS, { error: `must be one of ${COMPLIANCE_CHECKS.join(', ')}` }).default('all'),
});

/** The download, and the compliance flow a file stored on a retry still needs (validated once, at cold start). */
export function mediaFetchDependencies() {
  const download = mediaDownloadDependencies();
  const env = loadEnv(MediaFetchEnv);
  return { download, complianceFlow: complianceFlowStarterFor(env.COMPLIANCE_STATE_MACHINE_ARN), complianceChecks: env.COMPLIANCE_CHECKS };
}
