import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { EVIDENCE_METRICS } from '../../shared/evidence/metric-names';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { EVIDENCE_SEAL_FUNCTION, EVIDENCE_VERIFY_FUNCTION, evidenceSealRoleName } from '../config';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { AT_LEAST_ONCE, vigiaMetric } from './alarms';
import type { ArchiveResources } from './archive-resources';
import { PipelineFunction } from './pipeline-function';

/** The archive areas a digest seals (raw/, rejected/, media/) and the evidence's own (evidence/): what the seal and the verification read and list. */
export const EVIDENCE_READ_PREFIXES: readonly string[] = [ARCHIVE_PREFIXES.raw, ARCHIVE_PREFIXES.rejected, ARCHIVE_PREFIXES.media, ARCHIVE_PREFIXES.evidence];

export interface TamperEvidenceProps extends ArchiveResources {
  /** Deployment stage (already validated): recorded in each digest; names the seal function's role. */
  readonly stage: string;
  /** The deployment config, inlined into the verification: `retention.days`. */
  readonly config: VigiaConfig;
  /** The StatefulStack's evidence signing key (`evidenceSigningKeyPolicy`): the seal signs with it, both read its public key. */
  readonly signingKey: kms.IKey;
  /** Where the schedules put an event they could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Tamper evidence of the archive (issue 16, docs/evidence.md, shared/evidence/):
 *
 * 1. Every hour the seal function writes a signed digest chained to the previous one: a Merkle
 *    root over everything stored in the archive bucket (raw/, rejected/, media/, the erasure
 *    records) and every audit entry written since the last digest, signed with the KMS key. The
 *    digests, leaf lists and sealed audit entries go to `evidence/` of the archive bucket, under
 *    its Object Lock when the deployment enables it. It publishes `DigestsSealed` every run.
 * 2. Every day at 03:30 UTC the verify function checks the whole chain and every leaf of the
 *    previous UTC day's digests, and fails (EvidenceVerificationFailed) when anything differs.
 * 3. Alarms: no digest sealed for two hours; a verification failed.
 *
 * Rights: both read and list the four areas, read the table (the audit log) and read the signing
 * key's public key; only the seal writes (`evidence/` only) and signs (the key policy names its
 * role). Neither can delete anything.
 */
export class TamperEvidence extends Construct {
  /** Seals one digest (hourly; `vigia evidence seal --stage` invokes it). */
  public readonly sealFunction: PipelineFunction;
  /** Verifies the previous UTC day (daily). */
  public readonly verifyFunction: PipelineFunction;
  /** Runs the seal every `EVIDENCE_SEAL_FUNCTION.scheduleRate`. */
  public readonly sealSchedule: events.Rule;
  /** Runs the verification every day at `EVIDENCE_VERIFY_FUNCTION.schedule` (UTC). */
  public readonly verifySchedule: events.Rule;
  /** No digest sealed for two hours in a row (missing data breaches: a seal that never ran). */
  public readonly noDigestAlarm: cloudwatch.Alarm;
  /** The daily verification failed (tampering, or a verification that could not run). */
  public readonly verificationFailedAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: TamperEvidenceProps) {
    super(scope, id);
    const { key, archiveBucket, archiveTable, signingKey } = props;

    this.sealFunction = new PipelineFunction(this, 'SealFunction', {
      entry: 'functions/evidence/seal.ts',
      description: 'Tamper evidence: seals a signed, chained digest of the archive every hour',
      encryptionKey: key,
      memorySize: EVIDENCE_SEAL_FUNCTION.memorySize,
      timeout: EVIDENCE_SEAL_FUNCTION.timeout,
      // Two sealers at once would both take the sequence after the last stored digest and write it twice.
      reservedConcurrentExecutions: EVIDENCE_SEAL_FUNCTION.reservedConcurrency,
      // The signing key's policy lets this role alone sign, by name (evidenceSealRoleName).
      roleName: evidenceSealRoleName(props.stage, Aws.REGION),
      environment: { [FUNCTION_ENV.stage]: props.stage },
    }).bindArchiveTable(archiveTable, 'read');
    bindEvidenceArchive(this.sealFunction, archiveBucket, { write: true });
    bindEvidenceSigningKey(this.sealFunction, signingKey, 'sign');

    this.verifyFunction = new PipelineFunction(this, 'VerifyFunction', {
      entry: 'functions/evidence/verify.ts',
      description: "Tamper evidence: verifies the previous day's digests against the archive every day",
      encryptionKey: key,
      memorySize: EVIDENCE_VERIFY_FUNCTION.memorySize,
      timeout: EVIDENCE_VERIFY_FUNCTION.timeout,
      // retention.days: a sealed object missing after that long expired (not tampering).
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(props.config)) },
    }).bindArchiveTable(archiveTable, 'read');
    bindEvidenceArchive(this.verifyFunction, archiveBucket, { write: false });
    bindEvidenceSigningKey(this.verifyFunction, signingKey, 'publicKey');

    this.sealSchedule = new events.Rule(this, 'SealSchedule', {
      description: `Vigia (${props.stage}): seals a tamper-evidence digest`,
      schedule: events.Schedule.rate(EVIDENCE_SEAL_FUNCTION.scheduleRate),
      targets: [
        new eventsTargets.LambdaFunction(this.sealFunction, {
          // The next run seals from the last stored digest, this run's period included: retrying beyond it is no use.
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: EVIDENCE_SEAL_FUNCTION.scheduleRate,
        }),
      ],
    });
    this.verifySchedule = new events.Rule(this, 'VerifySchedule', {
      description: `Vigia (${props.stage}): verifies the previous day's tamper-evidence digests`,
      schedule: events.Schedule.cron(EVIDENCE_VERIFY_FUNCTION.schedule),
      targets: [
        new eventsTargets.LambdaFunction(this.verifyFunction, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    // Each hourly run publishes 1 (sealed) or 0; two hours without a 1, or without any datapoint
    // (the seal did not run or died before publishing), is a gap in the chain's coverage.
    this.noDigestAlarm = new cloudwatch.Alarm(this, 'NoDigestSealedAlarm', {
      metric: vigiaMetric(EVIDENCE_METRICS.digestsSealed, cloudwatch.Stats.SUM),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        'No tamper-evidence digest sealed for two hours: check the evidence seal function logs, then run vigia evidence seal --stage (the next digest covers the gap)',
    });
    // A failed verification throws EvidenceVerificationFailed (and is retried twice): it stays in
    // ALARM for the day.
    this.verificationFailedAlarm = new cloudwatch.Alarm(this, 'VerificationFailedAlarm', {
      metric: this.verifyFunction.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.days(1) }),
      ...AT_LEAST_ONCE,
      alarmDescription:
        "The daily tamper-evidence verification failed: read the verify function's log (problem kinds and keys), then run vigia evidence verify --stage for that day (docs/deploy.md)",
    });
  }
}

/**
 * Sets `ARCHIVE_BUCKET` and grants what the seal (`write`) or the verification needs on the archive
 * bucket: GetObject on raw/, rejected/, media/ and evidence/; ListBucket for those prefixes only
 * (`s3:prefix`; it also makes a missing digest a 404, not a 403); for the seal, PutObject on
 * evidence/ only. KMS: Decrypt (reads) and GenerateDataKey (the seal's writes) on the bucket's key,
 * through S3 only. No delete, no object versions, no other bucket.
 */
export function bindEvidenceArchive(fn: PipelineFunction, bucket: s3.IBucket, access: { write: boolean }): PipelineFunction {
  for (const prefix of EVIDENCE_READ_PREFIXES) fn.bindArchiveBucketPrefix(bucket, prefix, 'read');
  if (access.write) fn.bindArchiveBucketPrefix(bucket, ARCHIVE_PREFIXES.evidence, 'write');
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': EVIDENCE_READ_PREFIXES.map((prefix) => `${prefix}*`) } },
    }),
  );
  return fn;
}

/**
 * Sets `EVIDENCE_KEY_ID` to the signing key's ARN (named in every digest) and grants, on that key
 * only: `publicKey` kms:GetPublicKey; `sign` also kms:Sign, which the key policy allows this
 * function's role alone (`evidenceSigningKeyPolicy`).
 */
export function bindEvidenceSigningKey(fn: PipelineFunction, signingKey: kms.IKey, access: 'sign' | 'publicKey'): PipelineFunction {
  fn.addEnvironment(FUNCTION_ENV.evidenceKeyId, signingKey.keyArn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: access === 'sign' ? ['kms:Sign', 'kms:GetPublicKey'] : ['kms:GetPublicKey'], resources: [signingKey.keyArn] }),
  );
  return fn;
}

/**
 * What the account may do with the signing key, by IAM policy. Administration, but no
 * `kms:CreateGrant` (a grant could let anyone sign) and no cryptographic use but reading the public
 * key. Not CDK's default policy, which gives the account `kms:*`.
 */
export const EVIDENCE_KEY_ADMIN_ACTIONS: readonly string[] = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * The signing key's policy (StatefulStack). The account's IAM policies decide who may:
 * - administer it (EVIDENCE_KEY_ADMIN_ACTIONS: the deployment, key administrators);
 * - read its public key (kms:GetPublicKey: the seal and verify functions, `vigia evidence public-key`);
 * - sign (kms:Sign): only the seal function's role, named by ARN (`aws:PrincipalArn`), since that
 *   role lives in the PipelineStack, deployed after this key. No other principal can be granted
 *   Sign by an IAM policy, nor by a KMS grant (CreateGrant is allowed to nobody).
 */
export function evidenceSigningKeyPolicy(stage: string): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  const sealRoleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${evidenceSealRoleName(stage, Aws.REGION)}`;
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'KeyAdministrationByTheAccount', principals: [account], actions: [...EVIDENCE_KEY_ADMIN_ACTIONS], resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'PublicKeyForTheAccount', principals: [account], actions: ['kms:GetPublicKey'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'SignOnlyByTheSealFunction',
        principals: [account],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': sealRoleArn } },
      }),
    ],
  });
}
