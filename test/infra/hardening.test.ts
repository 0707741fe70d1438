import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OTHER_STAGE_DEFAULTS, PROD_STAGE_DEFAULTS, stageSettings } from '../../infra/config';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import {
  allows,
  allStatements,
  identityStatements,
  arnOf,
  arnWithSuffix,
  asArray,
  baselineStatements,
  logicalIdOf,
  managedPolicyArnsOf,
  ref,
  resolveCrossStack,
  roleStatements,
  synthVigia,
  testConfig,
  TEST_CONFIG_YAML,
  type PolicyStatementJson,
} from './helpers';

/**
 * Issue 6 (deploy hardening), across the three stacks: customer-managed encryption of every store,
 * buckets, least privilege, dead-letter queues, alarms to the ops topic, Object Lock, stage settings.
 * The config turns every optional part on (privacy, ops subscriptions) so its resources are checked too.
 */
const HARDENING_YAML = `${TEST_CONFIG_YAML.replace('team: ventas }', 'team: ventas, email: ana@example.com }\n  - { phoneNumberId: "100000000000002", employee: Spare Phone, expectTraffic: false }')}
privacy:
  employeeNotice: { policyVersion: "2026-11", policyUrl: "https://intranet.example.com/whatsapp-policy", from: compliance@example.com }
  disclosure: { text: { pt: "Esta conversa é registrada e supervisionada pela empresa." } }
ops:
  email: [ops@example.com]
  sms: ["+5511988887777"]
  captureGapHours: 12
`;

function synthAll(stage: string, yaml: string) {
  const synthesized = synthVigia(stage, testConfig(yaml));
  const analyticsTemplate = Template.fromJSON(
    resolveCrossStack(Template.fromStack(synthesized.analytics).toJSON(), synthesized.stateful.stackName, synthesized.statefulTemplate.toJSON()),
  );
  const templates = { stateful: synthesized.statefulTemplate, pipeline: synthesized.pipelineTemplate, analytics: analyticsTemplate };
  return { ...synthesized, analyticsTemplate, templates };
}

const vigia = synthAll('dev', HARDENING_YAML);
const { stateful, pipeline, analytics, templates } = vigia;
const keyArn = arnOf(logicalIdOf(stateful, stateful.key));
const opsTopicRef = ref(logicalIdOf(stateful, stateful.ops.topic));

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string }>;
/** `[stack, logicalId, resource]` of every resource of a type, in the three stacks. */
function resourcesOfType(type: string): Array<[string, string, { Type: string; Properties?: any; DeletionPolicy?: string }]> {
  return Object.entries(templates).flatMap(([stack, template]) =>
    Object.entries(template.toJSON().Resources as Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => [stack, logicalId, resource] as [string, string, (typeof resource)]),
  );
}

/** CDK's own deploy-time functions (bucket notifications, the notice Trigger's provider): not Vigia's code. */
const CDK_PROVIDER = /^(BucketNotificationsHandler|AWSCDK)/;

describe('customer-managed key', () => {
  const key = stateful.node.findChild('ArchiveKey');

  it('is the one key that encrypts (the other key, the evidence signing key, signs): rotated, retained, 30 days to cancel a deletion', () => {
    const keys = resourcesOfType('AWS::KMS::Key');
    const encrypting = keys.filter(([, , resource]) => (resource.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT');
    expect(encrypting.map(([stack, id]) => `${stack}/${id}`)).toEqual([`stateful/${logicalIdOf(stateful, key)}`]);
    expect(keys.map(([stack, id]) => `${stack}/${id}`).sort()).toEqual([`stateful/${logicalIdOf(stateful, key)}`, `stateful/${logicalIdOf(stateful, stateful.evidenceSigningKey)}`].sort());
    const resource = vigia.statefulTemplate.toJSON().Resources[logicalIdOf(stateful, key)];
    expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 } });
  });

  it('lets CloudWatch, SNS and EventBridge use it for this account only (ops topic, dead-letter queues)', () => {
    const statement = asArray<PolicyStatementJson>(vigia.statefulTemplate.toJSON().Resources[logicalIdOf(stateful, key)].Properties.KeyPolicy.Statement).find(
      (candidate) => candidate.Sid === 'AllowServicesOfThisAccountToSendToEncryptedTopicsAndQueues',
    );
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com'] },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });
});

describe('every store is encrypted with the customer-managed key', () => {
  it.each([
    ['AWS::DynamoDB::Table', (p: any) => p.SSESpecification?.KMSMasterKeyId, 1],
    ['AWS::SQS::Queue', (p: any) => p.KmsMasterKeyId, 7],
    ['AWS::SNS::Topic', (p: any) => p.KmsMasterKeyId, 2],
    ['AWS::StepFunctions::StateMachine', (p: any) => (p.EncryptionConfiguration?.Type === 'CUSTOMER_MANAGED_KMS_KEY' ? p.EncryptionConfiguration.KmsKeyId : undefined), 1],
    ['AWS::Logs::LogGroup', (p: any) => p.KmsKeyId, 20],
    ['AWS::SecretsManager::Secret', (p: any) => p.KmsKeyId, 3],
  ] as const)('%s', (type, keyOf, count) => {
    const found = resourcesOfType(type);
    // Counts: a new store must be added here on purpose (and be encrypted).
    expect(found.map(([stack, id]) => `${stack}/${id}`)).toHaveLength(count);
    for (const [stack, id, resource] of found) expect(keyOf(resource.Properties ?? {}), `${stack}/${id}`).toEqual(keyArn);
  });

  it('S3: the archive and analytics buckets with bucket keys; the access-logs bucket SSE-S3 (S3 log delivery cannot use SSE-KMS)', () => {
    const buckets = resourcesOfType('AWS::S3::Bucket');
    expect(buckets.map(([, id]) => id).sort()).toEqual(
      [stateful.archiveBucket, stateful.analyticsBucket, stateful.accessLogsBucket].map((bucket) => logicalIdOf(stateful, bucket)).sort(),
    );
    for (const [, id, bucket] of buckets) {
      const [rule] = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration;
      if (id === logicalIdOf(stateful, stateful.accessLogsBucket)) {
        expect(rule).toEqual({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } });
      } else {
        expect(rule, id).toEqual({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } });
      }
    }
  });

  it('Athena query results: SSE-KMS with the key, enforced by the workgroup', () => {
    const [[, , workGroup]] = resourcesOfType('AWS::Athena::WorkGroup');
    expect(workGroup!.Properties.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: keyArn } },
    });
  });
});

describe('buckets', () => {
  const buckets = resourcesOfType('AWS::S3::Bucket');
  const policies = resourcesOfType('AWS::S3::BucketPolicy');

  it('block every kind of public access and are retained', () => {
    for (const [, id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('deny every request without TLS', () => {
    for (const [, id] of buckets) {
      const policy = policies.find(([, , candidate]) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify(ref(id)));
      expect(policy, id).toBeDefined();
      expect(asArray<PolicyStatementJson>(policy![2].Properties.PolicyDocument.Statement)).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('log every request to the data buckets into the access-logs bucket, which expires them', () => {
    const logsBucketId = logicalIdOf(stateful, stateful.accessLogsBucket);
    const byId = Object.fromEntries(buckets.map(([, id, bucket]) => [id, bucket.Properties]));
    expect(byId[logicalIdOf(stateful, stateful.archiveBucket)].LoggingConfiguration).toEqual({ DestinationBucketName: ref(logsBucketId), LogFilePrefix: 'archive/' });
    expect(byId[logicalIdOf(stateful, stateful.analyticsBucket)].LoggingConfiguration).toEqual({ DestinationBucketName: ref(logsBucketId), LogFilePrefix: 'analytics/' });
    expect(byId[logsBucketId].LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireAccessLogs', Status: 'Enabled', ExpirationInDays: OTHER_STAGE_DEFAULTS.accessLogRetentionDays },
    ]);
    // S3 log delivery only, for these two buckets of this account.
    const [, , logsPolicy] = policies.find(([, , policy]) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify(ref(logsBucketId)))!;
    const grants = asArray<PolicyStatementJson>(logsPolicy.Properties.PolicyDocument.Statement).filter((statement) => statement.Effect === 'Allow');
    expect(grants).toHaveLength(2);
    for (const grant of grants) {
      expect(grant).toMatchObject({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' });
      expect(grant.Condition).toMatchObject({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    }
  });
});

describe('Object Lock (archive.objectLock)', () => {
  const archiveOf = (synthesized: ReturnType<typeof synthAll>) =>
    synthesized.statefulTemplate.toJSON().Resources[logicalIdOf(synthesized.stateful, synthesized.stateful.archiveBucket)].Properties;

  it('absent: the archive bucket has no Object Lock configuration at all', () => {
    const archive = archiveOf(vigia);
    expect(archive.ObjectLockEnabled).toBeUndefined();
    expect(archive.ObjectLockConfiguration).toBeUndefined();
    for (const [, , bucket] of resourcesOfType('AWS::S3::Bucket')) expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
  });

  it.each(['COMPLIANCE', 'GOVERNANCE'] as const)('%s: every new object version of the archive bucket is locked for the days given', (mode) => {
    const locked = synthAll('dev', `${TEST_CONFIG_YAML}archive:\n  objectLock: { mode: ${mode}, days: 1825 }\n`);
    const archive = archiveOf(locked);
    expect(archive.ObjectLockEnabled).toBe(true);
    expect(archive.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 1825 } } });
    // Object Lock needs versioning (it is on anyway); the other buckets are not locked.
    expect(archive.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const others = Object.entries(locked.statefulTemplate.findResources('AWS::S3::Bucket')).filter(
      ([id]) => id !== logicalIdOf(locked.stateful, locked.stateful.archiveBucket),
    );
    for (const [, bucket] of others) expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
  });
});

describe('least privilege', () => {
  const everyStatement = Object.values(templates).flatMap((template) => allStatements(template));
  /** Identity policies only (roles' policies and managed policies), with the resource that holds them. */
  const identities = identityStatements(Object.values(templates));

  it('no statement allows every action ("*") anywhere, and "<service>:*" only in the key policy for the account (its administrators)', () => {
    for (const { resource, statement } of everyStatement) {
      if (statement.Effect !== 'Allow') continue;
      expect(asArray(statement.Action), resource).not.toContain('*');
      const serviceWide = asArray(statement.Action).filter((action) => /^[a-z0-9-]+:\*$/.test(action));
      if (serviceWide.length > 0) {
        expect({ resource, serviceWide, principal: statement.Principal }).toEqual({
          resource: logicalIdOf(stateful, stateful.key),
          serviceWide: ['kms:*'],
          principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        });
      }
    }
  });

  /**
   * The only identity-policy actions granted on Resource "*": actions for which the Service
   * Authorization Reference lists no resource type, so "*" is the only valid Resource.
   */
  const RESOURCE_STAR_ACTIONS = [
    // X-Ray tracing of every function and of the state machine.
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    // The sentiment check.
    'comprehend:DetectSentiment',
    // Step Functions delivering its execution logs to CloudWatch Logs (vended logs).
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ];

  it(`grants Resource "*" in identity policies for these actions only: ${RESOURCE_STAR_ACTIONS.join(', ')}`, () => {
    const starActions = identities
      .filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Resource).includes('*'))
      .flatMap(({ statement }) => asArray(statement.Action));
    expect(starActions.length).toBeGreaterThan(0);
    for (const action of starActions) expect(RESOURCE_STAR_ACTIONS, action).toContain(action);
  });

  it('no function role has a managed policy (CDK deploy-time providers aside)', () => {
    const roles = resourcesOfType('AWS::IAM::Role').filter(([, id, role]) => {
      const services = asArray<any>(role.Properties.AssumeRolePolicyDocument.Statement).flatMap((s) => asArray(s.Principal?.Service));
      return services.includes('lambda.amazonaws.com') && !CDK_PROVIDER.test(id);
    });
    // Webhook, ingest, media fetch, media sweeper, re-drive, seven compliance, notice, notice ack, disclosure, evidence seal and verify; the export.
    expect(roles).toHaveLength(18);
    for (const [stack, id] of roles) {
      expect(managedPolicyArnsOf(templates[stack as keyof typeof templates], id), id).toEqual([]);
    }
  });

  describe('webhook function', () => {
    const roleId = logicalIdOf(pipeline, pipeline.webhookFunction.role!);
    const statements = [...roleStatements(vigia.pipelineTemplate, roleId), ...baselineStatements(vigia.pipelineTemplate, roleId)];
    const bucketId = logicalIdOf(stateful, stateful.archiveBucket);

    it('can write the raw area of the archive bucket', () => {
      expect(allows(statements, 's3:PutObject').flatMap((statement) => asArray(statement.Resource))).toContainEqual(arnWithSuffix(bucketId, '/raw/*'));
    });

    it('cannot read anything (not the raw area, the media area or the analytics results), nor list, delete or touch media', () => {
      for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:DeleteObject', 'athena:GetQueryResults', 'dynamodb:GetItem', 'dynamodb:Query']) {
        expect(allows(statements, action), action).toEqual([]);
      }
      const resources = JSON.stringify(statements.map((statement) => statement.Resource));
      expect(resources).not.toContain('/media/');
      expect(resources).not.toContain(logicalIdOf(stateful, stateful.analyticsBucket));
      expect(resources).not.toContain('athena');
    });
  });
});

describe('failure handling', () => {
  it('every Lambda function has a dead-letter queue (CDK deploy-time providers aside)', () => {
    const functions = resourcesOfType('AWS::Lambda::Function');
    const vigiaFunctions = functions.filter(([, id]) => !CDK_PROVIDER.test(id));
    expect(vigiaFunctions).toHaveLength(18);
    for (const [stack, id, fn] of vigiaFunctions) {
      expect(fn.Properties.DeadLetterConfig, `${stack}/${id}`).toEqual({ TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^AsyncDeadLetterQueue/), 'Arn'] } });
    }
  });

  it('every queue that is not a dead-letter queue has a redrive policy', () => {
    const dlqArns = new Set<string>();
    const collect = (node: unknown, parentKey?: string) => {
      if (Array.isArray(node)) node.forEach((child) => collect(child, parentKey));
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (['deadLetterTargetArn', 'TargetArn', 'Arn'].includes(key) && /DeadLetter|RedrivePolicy/.test(parentKey ?? '')) dlqArns.add(JSON.stringify(value));
          collect(value, key);
        }
      }
    };
    for (const template of Object.values(templates)) collect(template.toJSON().Resources);
    const queues = resourcesOfType('AWS::SQS::Queue');
    const deadLetterQueues = queues.filter(([, id]) => dlqArns.has(JSON.stringify(arnOf(id))));
    expect(deadLetterQueues.map(([stack, id]) => `${stack}/${id}`).sort()).toEqual(
      [
        `stateful/${logicalIdOf(stateful, stateful.ingestDeadLetterQueue)}`,
        `stateful/${logicalIdOf(stateful, stateful.mediaDeadLetterQueue)}`,
        `stateful/${logicalIdOf(stateful, stateful.asyncDeadLetterQueue.queue)}`,
        `pipeline/${logicalIdOf(pipeline, pipeline.asyncDeadLetterQueue.queue)}`,
        `analytics/${logicalIdOf(analytics, analytics.asyncDeadLetterQueue.queue)}`,
      ].sort(),
    );
    for (const [stack, id, queue] of queues) {
      if (deadLetterQueues.some(([, dlqId]) => dlqId === id)) continue;
      expect(queue.Properties.RedrivePolicy, `${stack}/${id}`).toEqual({ deadLetterTargetArn: expect.anything(), maxReceiveCount: expect.any(Number) });
    }
  });

  it('every SNS subscription has a redrive policy to its stack\'s dead-letter queue', () => {
    const subscriptions = resourcesOfType('AWS::SNS::Subscription');
    // Alerts: 2 managers (e-mail and phone, e-mail only) → 3; ops: 1 e-mail, 1 phone.
    expect(subscriptions).toHaveLength(5);
    for (const [stack, id, subscription] of subscriptions) {
      expect(subscription.Properties.RedrivePolicy, `${stack}/${id}`).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^AsyncDeadLetterQueue/), 'Arn'] },
      });
    }
  });

  it('every EventBridge schedule target has a dead-letter queue and a retry policy', () => {
    const rules = resourcesOfType('AWS::Events::Rule');
    // Media sweeper, re-drive, employee notice, evidence seal and verification, analytics export.
    expect(rules).toHaveLength(6);
    for (const [stack, id, rule] of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.DeadLetterConfig, `${stack}/${id}`).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^AsyncDeadLetterQueue/), 'Arn'] } });
        expect(target.RetryPolicy, `${stack}/${id}`).toMatchObject({ MaximumRetryAttempts: 2 });
      }
    }
  });

  it('the state machine logs errors without execution data (no message bodies) and is traced', () => {
    const [[, , machine]] = resourcesOfType('AWS::StepFunctions::StateMachine');
    expect(machine!.Properties.LoggingConfiguration).toMatchObject({ IncludeExecutionData: false, Level: expect.stringMatching(/^(ALL|ERROR)$/) });
    expect(machine!.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('every log group has a retention', () => {
    for (const [stack, id, logGroup] of resourcesOfType('AWS::Logs::LogGroup')) {
      expect(logGroup.Properties.RetentionInDays, `${stack}/${id}`).toBe(OTHER_STAGE_DEFAULTS.logRetentionDays);
    }
  });
});

describe('alarms', () => {
  const alarms = resourcesOfType('AWS::CloudWatch::Alarm');

  it('every alarm of every stack notifies the ops topic', () => {
    expect(alarms.length).toBeGreaterThan(15);
    for (const [stack, id, alarm] of alarms) expect(alarm.Properties.AlarmActions, `${stack}/${id}`).toEqual([opsTopicRef]);
  });

  it('every dead-letter queue has a depth alarm (one message is enough)', () => {
    const queues = [
      ['stateful', stateful.ingestDeadLetterQueue],
      ['stateful', stateful.mediaDeadLetterQueue],
      ['stateful', stateful.asyncDeadLetterQueue.queue],
      ['pipeline', pipeline.asyncDeadLetterQueue.queue],
      ['analytics', analytics.asyncDeadLetterQueue.queue],
    ] as const;
    for (const [stack, queue] of queues) {
      const queueName = { 'Fn::GetAtt': [logicalIdOf(queue.stack, queue), 'QueueName'] };
      // The media dead-letter queue (StatefulStack) is alarmed in the PipelineStack, which consumes the media queue.
      const alarmStack = queue === stateful.mediaDeadLetterQueue ? 'pipeline' : stack;
      const depth = alarms.filter(
        ([inStack, , alarm]) =>
          inStack === alarmStack &&
          alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: queueName }]),
      );
      expect(depth, JSON.stringify(queueName)).toHaveLength(1);
      expect(depth[0]![2].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  it('capture gap: one alarm per line that expects traffic, missing data breaching, over ops.captureGapHours', () => {
    const gaps = alarms.filter(([, , alarm]) => alarm.Properties.MetricName === VIGIA_METRICS.lineEventsReceived);
    expect(Object.keys(pipeline.captureGapAlarms)).toEqual(['100000000000001']);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]![2].Properties).toMatchObject({
      Namespace: 'Vigia',
      Dimensions: [
        { Name: 'LineId', Value: '100000000000001' },
        { Name: 'service', Value: 'vigia' },
      ],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 12,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('webhook API: 4xx and 5xx rates (math over the API metrics) and signature failures', () => {
    const byId = (alarm: { node: { defaultChild?: unknown } }) => vigia.pipelineTemplate.toJSON().Resources[logicalIdOf(pipeline, alarm as never)].Properties;
    for (const [alarm, errorMetric] of [
      [pipeline.webhookClientErrorRateAlarm, '4xx'],
      [pipeline.webhookServerErrorRateAlarm, '5xx'],
    ] as const) {
      const metrics = byId(alarm).Metrics as Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown } } }>;
      expect(metrics.find((metric) => metric.Expression)?.Expression).toMatch(/100 \* errors \/ requests/);
      expect(metrics.find((metric) => metric.Id === 'errors')?.MetricStat?.Metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: errorMetric });
      expect(metrics.find((metric) => metric.Id === 'requests')?.MetricStat?.Metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' });
    }
    expect(byId(pipeline.webhookSignatureFailureAlarm)).toMatchObject({ Namespace: 'Vigia', MetricName: VIGIA_METRICS.webhookBadSignature, Period: 300, Threshold: 5 });
    expect(byId(pipeline.comprehendThrottledAlarm)).toMatchObject({ Namespace: 'Vigia', MetricName: VIGIA_METRICS.comprehendThrottled, Threshold: 1 });
  });
});

describe('ops topic', () => {
  it('is KMS-encrypted, subscribes ops.email and ops.sms, and is a StatefulStack output', () => {
    const topicId = logicalIdOf(stateful, stateful.ops.topic);
    const subscriptions = Object.values(vigia.statefulTemplate.findResources('AWS::SNS::Subscription')).map((subscription) => subscription.Properties);
    expect(subscriptions.map(({ Protocol, Endpoint, TopicArn }) => ({ Protocol, Endpoint, TopicArn }))).toEqual([
      { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: ref(topicId) },
      { Protocol: 'sms', Endpoint: '+5511988887777', TopicArn: ref(topicId) },
    ]);
    expect(vigia.statefulTemplate.toJSON().Outputs.OpsTopicArn.Value).toEqual(ref(topicId));
  });
});

describe('stage settings', () => {
  it('prod keeps a year of logs and access logs; other stages a month and 90 days; stages.<stage> overrides', () => {
    expect(stageSettings('prod', {})).toEqual(PROD_STAGE_DEFAULTS);
    expect(stageSettings('dev', {})).toEqual(OTHER_STAGE_DEFAULTS);
    expect(stageSettings('prod', { stages: { prod: { logRetentionDays: 731 } } })).toEqual({ logRetentionDays: 731, accessLogRetentionDays: 365 });
  });

  it('applies the stage retention to every log group of every stack, and to the access logs', () => {
    const prod = synthAll('prod', `${TEST_CONFIG_YAML}stages:\n  prod: { accessLogRetentionDays: 400 }\n`);
    const logGroups = Object.values(prod.templates).flatMap((template) => Object.values(template.findResources('AWS::Logs::LogGroup')));
    expect(logGroups.length).toBeGreaterThan(10);
    for (const logGroup of logGroups) expect(logGroup.Properties.RetentionInDays).toBe(365);
    const logsBucket = prod.statefulTemplate.toJSON().Resources[logicalIdOf(prod.stateful, prod.stateful.accessLogsBucket)];
    expect(logsBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(400);
  });
});
