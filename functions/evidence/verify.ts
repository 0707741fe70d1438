import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { verifyEvidence } from '../../shared/evidence/verify';
import { functionLogger } from '../../shared/observability/powertools';
import { verifyDependencies } from './dependencies';

const dependencies = verifyDependencies();
const logger = functionLogger('vigia-evidence-verify');

/** Thrown when the archive is not as sealed: the function's Errors metric, which the alarm watches, counts it. */
export class EvidenceVerificationFailed extends Error {
  override readonly name = 'EvidenceVerificationFailed';
}

/** Problems logged one line each; the rest are counted (`vigia evidence verify` lists them all). */
const MAX_LOGGED_PROBLEMS = 1000;

/** The previous UTC day (YYYY-MM-DD) of `now`. */
export function previousUtcDay(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

/**
 * Daily (EventBridge schedule, 03:30 UTC; the event is ignored): verifies the chain of digests and
 * every leaf of the previous UTC day's digests against the archive and the audit log. Throws
 * EvidenceVerificationFailed, after logging each problem's kind and key (never any content), when
 * anything is not as sealed.
 */
export const handler = middy(async () => {
  const day = previousUtcDay(new Date());
  const report = await verifyEvidence({
    bucket: dependencies.bucket,
    audit: dependencies.audit,
    publicKeyPem: await dependencies.signer.publicKeyPem(),
    since: day,
    until: day,
    trustStoreDates: true,
    retentionDays: dependencies.retentionDays,
  });
  const summary = {
    day,
    digests: report.digests.total,
    checked: report.digests.checked,
    leaves: report.leaves.checked,
    sealedUntil: report.digests.sealedUntil,
    erased: report.erased.length,
    expired: report.expired.length,
    unsealed: report.unsealed.length,
    problems: report.problems.length,
  };
  if (!report.ok) {
    for (const problem of report.problems.slice(0, MAX_LOGGED_PROBLEMS)) logger.error('evidence problem', { kind: problem.kind, key: problem.key });
    logger.error('evidence verification failed', summary);
    throw new EvidenceVerificationFailed(`${report.problems.length} problem(s) in the evidence of ${day}: see the function's log (kinds and keys), then run vigia evidence verify --since ${day} --until ${day}`);
  }
  logger.info('evidence verified', summary);
  return summary;
}).use(injectLambdaContext(logger, { resetKeys: true }));
