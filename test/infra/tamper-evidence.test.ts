import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_METRICS } from '../../shared/evidence/metric-names';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { metrics } from '../../shared/observability/powertools';
import { FUNCTION_DEFINES } from '../../infra/function-env';
import {
  allows,
  allStatements,
  identityStatements,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  ref,
  resolveCrossStack,
  roleStatements,
  synthVigia,
  testConfig,
  TEST_CONFIG_YAML,
  type PolicyStatementJson,
} from './helpers';

/**
 * Issue 16 (tamper evidence): the signing key (StatefulStack), the hourly seal and the daily
 * verification (PipelineStack), their rights, schedules, alarms and outputs. The config sets
 * `retention.days`, which the verification gets inlined.
 */
const vigia = synthVigia('dev', testConfig(`${TEST_CONFIG_YAML}retention:\n  days: 1825\n`));
const { stateful, pipeline, statefulTemplate, pipelineTemplate } = vigia;
const analyticsTemplate = Template.fromJSON(resolveCrossStack(Template.fromStack(vigia.analytics).toJSON(), stateful.stackName, statefulTemplate.toJSON()));
const templates = { stateful: statefulTemplate, pipeline: pipelineTemplate, analytics: analyticsTemplate };
const { tamperEvidence } = pipeline;

const id = {
  signingKey: logicalIdOf(stateful, stateful.evidenceSigningKey),
  archiveKey: logicalIdOf(stateful, stateful.key),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  opsTopic: logicalIdOf(stateful, stateful.ops.topic),
  seal: logicalIdOf(pipeline, tamperEvidence.sealFunction),
  sealRole: logicalIdOf(pipeline, tamperEvidence.sealFunction.role!),
  sealSchedule: logicalIdOf(pipeline, tamperEvidence.sealSchedule),
  verify: logicalIdOf(pipeline, tamperEvidence.verifyFunction),
  verifyRole: logicalIdOf(pipeline, tamperEvidence.verifyFunction.role!),
  verifySchedule: logicalIdOf(pipeline, tamperEvidence.verifySchedule),
};
const statefulResources = statefulTemplate.toJSON().Resources as Record<string, any>;
const pipelineResources = pipelineTemplate.toJSON().Resources as Record<string, any>;
const signingKeyArn = arnOf(id.signingKey);
const accountRoot = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
const sealRoleName = { 'Fn::Join': ['', ['vigia-dev-seal-', { Ref: 'AWS::Region' }]] };
const sealRoleArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/vigia-dev-seal-', { Ref: 'AWS::Region' }]] };
const keyPolicy = asArray<PolicyStatementJson>(statefulResources[id.signingKey].Properties.KeyPolicy.Statement);
const sealStatements = roleStatements(pipelineTemplate, id.sealRole);
const verifyStatements = roleStatements(pipelineTemplate, id.verifyRole);
const readPrefixes = ['/evidence/*', '/media/*', '/raw/*', '/rejected/*'].map((suffix) => arnWithSuffix(id.bucket, suffix));

/** Every identity-policy statement of the three stacks (policies, managed policies, roles' own), with the role(s) it is attached to. */
const identities = identityStatements(Object.values(templates));

describe('evidence signing key', () => {
  it('is an ECC_NIST_P256 SIGN_VERIFY key, not rotated (asymmetric), retained, 30 days to cancel a deletion', () => {
    expect(statefulResources[id.signingKey]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PendingWindowInDays: 30 },
    });
    expect(statefulResources[id.signingKey].Properties.EnableKeyRotation).toBeUndefined();
  });

  it('has the alias alias/vigia/<stage>/evidence-signing', () => {
    statefulTemplate.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/vigia/dev/evidence-signing', TargetKeyId: signingKeyArn });
  });

  it('is the StatefulStack output EvidenceSigningKeyArn (what the CLI signs and exports the public key with)', () => {
    expect(statefulTemplate.toJSON().Outputs.EvidenceSigningKeyArn).toMatchObject({ Value: signingKeyArn });
    expect(statefulTemplate.toJSON().Outputs.EvidenceSigningKeyArn.Export).toBeUndefined();
  });

  it("key policy: Sign only for the seal function's role (by ARN), GetPublicKey and administration for the account's IAM policies", () => {
    expect(allows(keyPolicy, 'kms:Sign')).toEqual([
      { Sid: 'SignOnlyByTheSealFunction', Effect: 'Allow', Principal: accountRoot, Action: 'kms:Sign', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': sealRoleArn } } },
    ]);
    expect(allows(keyPolicy, 'kms:GetPublicKey')).toEqual([expect.objectContaining({ Principal: accountRoot, Action: 'kms:GetPublicKey' })]);
    expect(keyPolicy.every((statement) => JSON.stringify(statement.Principal) === JSON.stringify(accountRoot))).toBe(true);
  });

  it('key policy: no kms:*, no grants (a grant could let anyone sign), no other cryptographic use', () => {
    for (const action of ['kms:CreateGrant', 'kms:Verify', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom']) {
      expect(allows(keyPolicy, action), action).toEqual([]);
    }
    expect(keyPolicy.flatMap((statement) => asArray(statement.Action)).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('the named role is the seal function\'s', () => {
    expect(pipelineResources[id.sealRole].Properties.RoleName).toEqual(sealRoleName);
  });

  it('no identity policy of any stack allows kms:Sign but the seal role\'s, on the signing key only', () => {
    const signing = identities.filter(({ statement }) => allows([statement], 'kms:Sign').length > 0);
    expect(signing.map(({ roles }) => roles)).toEqual([[ref(id.sealRole)]]);
    expect(signing[0]!.statement.Resource).toEqual(signingKeyArn);
  });

  it('only the seal and verify roles may read its public key', () => {
    const reading = identities.filter(({ statement }) => allows([statement], 'kms:GetPublicKey').length > 0);
    expect(reading.flatMap(({ roles }) => roles).map((role) => JSON.stringify(role)).sort()).toEqual([ref(id.sealRole), ref(id.verifyRole)].map((role) => JSON.stringify(role)).sort());
    for (const { statement } of reading) expect(statement.Resource).toEqual(signingKeyArn);
  });

  it('no other statement of any stack names the signing key', () => {
    const naming = Object.values(templates)
      .flatMap((template) => allStatements(template))
      .filter(({ statement }) => JSON.stringify(statement.Resource ?? null).includes(id.signingKey));
    expect(naming.map(({ statement }) => asArray(statement.Action).sort())).toEqual(expect.arrayContaining([['kms:GetPublicKey', 'kms:Sign'], ['kms:GetPublicKey']]));
    expect(naming).toHaveLength(2);
  });
});

describe('seal function', () => {
  const properties = pipelineResources[id.seal].Properties;

  it('has 1024 MB, 15 minutes and reserved concurrency 1 (one sealer at a time)', () => {
    expect(properties).toMatchObject({ MemorySize: 1024, Timeout: 900, ReservedConcurrentExecutions: 1 });
  });

  it('gets the bucket, the table, the signing key ARN and the stage', () => {
    expect(properties.Environment.Variables).toMatchObject({
      ARCHIVE_BUCKET: ref(id.bucket),
      ARCHIVE_TABLE: ref(id.table),
      EVIDENCE_KEY_ID: signingKeyArn,
      VIGIA_STAGE: 'dev',
    });
  });

  it('runs every hour from its own EventBridge schedule, with a dead-letter queue and retries', () => {
    expect(pipelineResources[id.sealSchedule].Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [{ Arn: arnOf(id.seal), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } }],
    });
  });

  it('may write evidence/ of the archive bucket only, and no other bucket', () => {
    const writing = allows(sealStatements, 's3:PutObject');
    expect(writing.flatMap((statement) => asArray(statement.Resource))).toEqual([arnWithSuffix(id.bucket, '/evidence/*')]);
    const s3Resources = sealStatements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith('s3:'))).flatMap((statement) => asArray(statement.Resource));
    for (const resource of s3Resources) expect(JSON.stringify(resource)).toContain(id.bucket);
    expect(JSON.stringify(sealStatements)).not.toContain(logicalIdOf(stateful, stateful.analyticsBucket));
    expect(JSON.stringify(sealStatements)).not.toContain(logicalIdOf(stateful, stateful.accessLogsBucket));
  });

  it('may read raw/, rejected/, media/ and evidence/, and list those prefixes only', () => {
    expect(allows(sealStatements, 's3:GetObject').flatMap((statement) => asArray(statement.Resource))).toEqual(readPrefixes);
    expect(allows(sealStatements, 's3:ListBucket')).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arnOf(id.bucket), Condition: { StringLike: { 's3:prefix': ['raw/*', 'rejected/*', 'media/*', 'evidence/*'] } } },
    ]);
  });

  it('cannot delete, read object versions, or write the table', () => {
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(allows(sealStatements, action), action).toEqual([]);
    }
  });

  it('reads the table (the audit log) and its indexes', () => {
    for (const action of ['dynamodb:Query', 'dynamodb:GetItem']) {
      expect(allows(sealStatements, action).flatMap((statement) => asArray(statement.Resource)), action).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
    }
  });
});

describe('verify function', () => {
  const properties = pipelineResources[id.verify].Properties;

  it('has 1024 MB and 15 minutes, no reserved concurrency', () => {
    expect(properties).toMatchObject({ MemorySize: 1024, Timeout: 900 });
    expect(properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('gets the bucket, the table and the signing key ARN, and the inlined config (retention.days)', () => {
    expect(properties.Environment.Variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), ARCHIVE_TABLE: ref(id.table), EVIDENCE_KEY_ID: signingKeyArn });
    const inlined = JSON.parse(JSON.parse(tamperEvidence.verifyFunction.bundlingDefine[FUNCTION_DEFINES.vigiaConfigJson]!)) as { retention?: { days: number } };
    expect(inlined.retention?.days).toBe(1825);
  });

  it('runs every day at 03:30 UTC from its own EventBridge schedule', () => {
    expect(pipelineResources[id.verifySchedule].Properties).toMatchObject({
      ScheduleExpression: 'cron(30 3 * * ? *)',
      State: 'ENABLED',
      Targets: [{ Arn: arnOf(id.verify), RetryPolicy: { MaximumRetryAttempts: 2 } }],
    });
  });

  it('may read and list the four areas, read the table, and read the public key', () => {
    expect(allows(verifyStatements, 's3:GetObject').flatMap((statement) => asArray(statement.Resource))).toEqual(readPrefixes);
    expect(allows(verifyStatements, 's3:ListBucket')).toHaveLength(1);
    expect(allows(verifyStatements, 'dynamodb:Query')).toHaveLength(1);
    expect(allows(verifyStatements, 'kms:GetPublicKey').flatMap((statement) => asArray(statement.Resource))).toEqual([signingKeyArn]);
  });

  it('cannot write, delete or sign anything', () => {
    for (const action of ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:DeleteObjectVersion', 'kms:Sign', 'kms:GenerateDataKey', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(allows(verifyStatements, action), action).toEqual([]);
    }
  });
});

describe('alarms', () => {
  const alarm = (construct: { node: { defaultChild?: unknown } }) => pipelineResources[logicalIdOf(pipeline, construct as never)].Properties;

  it('no digest sealed for two hours: DigestsSealed Sum < 1 in 2 hourly periods, missing data breaching', () => {
    expect(alarm(tamperEvidence.noDigestAlarm)).toMatchObject({
      Namespace: VIGIA_METRICS.namespace,
      MetricName: EVIDENCE_METRICS.digestsSealed,
      Dimensions: [{ Name: 'service', Value: 'vigia' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(id.opsTopic)],
    });
  });

  it('daily verification failed: the verify function\'s Errors ≥ 1 in a day', () => {
    expect(alarm(tamperEvidence.verificationFailedAlarm)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(id.verify) }],
      Statistic: 'Sum',
      Period: 86400,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(id.opsTopic)],
    });
  });

  it('DigestsSealed is published in the namespace and with the dimensions the alarm watches', () => {
    metrics.addMetric(EVIDENCE_METRICS.digestsSealed, MetricUnit.Count, 1);
    const emf = metrics.serializeMetrics();
    metrics.clearMetrics();
    expect(emf._aws.CloudWatchMetrics).toEqual([
      { Namespace: VIGIA_METRICS.namespace, Dimensions: [Object.keys(VIGIA_METRICS.dimensions)], Metrics: [{ Name: 'DigestsSealed', Unit: 'Count' }] },
    ]);
  });
});

describe('outputs', () => {
  it('the PipelineStack names the seal and verify functions (the CLI invokes the seal by this name)', () => {
    const outputs = pipelineTemplate.toJSON().Outputs;
    expect(outputs.EvidenceSealFunctionName).toMatchObject({ Value: ref(id.seal) });
    expect(outputs.EvidenceVerifyFunctionName).toMatchObject({ Value: ref(id.verify) });
  });
});
