/**
 * Where each function's AWS SDK comes from. Kept apart from the construct (no CDK import) so
 * bench/bundles.ts can read it.
 */

/** Where a function's AWS SDK comes from: its own bundle (tree-shaken, minified) or the Lambda runtime. */
export type AwsSdkSource = 'bundled' | 'runtime';

/**
 * The functions (construct ids) whose bundle includes the AWS SDK clients they use, `@aws-sdk/*`
 * and `@smithy/*` alike, instead of importing the runtime's copy; every other function imports the
 * runtime's. This is the bench's measured result, not a preference: bench/bundles.ts builds every
 * function both ways and times its cold-start init (median of fresh processes, alternated), and a
 * function is listed here where the bundled SDK measured faster (docs/performance.md, "Bundles";
 * issue 19). Re-run `npm run bench -- --only bundles` after changing a function's clients: its
 * `faster` column says when this list is out of date.
 */
export const AWS_SDK_BUNDLED_FUNCTIONS: ReadonlySet<string> = new Set<string>([
  // 2026-12-03 (two runs): every function's init was faster with the SDK bundled, 1.2–3.7× (medians),
  // except ComplianceRulesFunction: 1.4× in one run, a tie in the other (its only client is the
  // Secrets Manager one); bundled on the sum of both.
  'WebhookFunction',
  'IngestFunction',
  'MediaFetchFunction',
  'MediaSweeperFunction',
  'CompliancePrepareFunction',
  'ComplianceFetchMediaFunction',
  'ComplianceRulesFunction',
  'ComplianceFileContentFunction',
  'ComplianceSentimentFunction',
  'ComplianceRecordFunction',
  'ComplianceNotifyFunction',
  'RedriveFunction',
  'SealFunction',
  'VerifyFunction',
  'NoticeFunction',
  'NoticeAckFunction',
  'DisclosureFunction',
  'AnalyticsExportFunction',
  'ConsoleApiFunction',
]);

/**
 * Context key that overrides the list above for every function (`cdk synth -c vigia:awsSdk=bundled`
 * or `=runtime`): how bench/bundles.ts builds both variants. Not for deployments.
 */
export const AWS_SDK_CONTEXT = 'vigia:awsSdk';

/** The list's choice for the function whose construct id is `id`. */
export function listedAwsSdkSource(id: string): AwsSdkSource {
  return AWS_SDK_BUNDLED_FUNCTIONS.has(id) ? 'bundled' : 'runtime';
}
