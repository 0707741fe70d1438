import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INGEST_FUNCTION, MEDIA_FETCH_FUNCTION } from '../../infra/config';
import {
  allows,
  allStatements,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  managedPolicyArnsOf,
  ref,
  roleStatements,
  synthVigia,
  testConfig,
} from './helpers';

const { stateful, pipeline, statefulTemplate, pipelineTemplate: template, rawPipelineTemplate } = synthVigia();
const id = {
  key: logicalIdOf(stateful, stateful.key),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  queue: logicalIdOf(stateful, stateful.ingestQueue),
  secret: logicalIdOf(pipeline, pipeline.whatsAppSecret),
  webhook: logicalIdOf(pipeline, pipeline.webhookFunction),
  webhookRole: logicalIdOf(pipeline, pipeline.webhookFunction.role!),
  ingest: logicalIdOf(pipeline, pipeline.ingestFunction),
  ingestRole: logicalIdOf(pipeline, pipeline.ingestFunction.role!),
  api: logicalIdOf(pipeline, pipeline.api),
  mediaQueue: logicalIdOf(stateful, stateful.mediaQueue),
  mediaDlq: logicalIdOf(stateful, stateful.mediaDeadLetterQueue),
  mediaFetch: logicalIdOf(pipeline, pipeline.mediaFetchFunction),
  mediaFetchRole: logicalIdOf(pipeline, pipeline.mediaFetchFunction.role!),
  sweeper: logicalIdOf(pipeline, pipeline.mediaSweeperFunction),
  sweeperRole: logicalIdOf(pipeline, pipeline.mediaSweeperFunction.role!),
  sweeperSchedule: logicalIdOf(pipeline, pipeline.mediaSweeperSchedule),
  redrive: logicalIdOf(pipeline, pipeline.redriveFunction),
  redriveRole: logicalIdOf(pipeline, pipeline.redriveFunction.role!),
  redriveSchedule: logicalIdOf(pipeline, pipeline.redriveSchedule),
  seal: logicalIdOf(pipeline, pipeline.tamperEvidence.sealFunction),
  sealRole: logicalIdOf(pipeline, pipeline.tamperEvidence.sealFunction.role!),
  sealSchedule: logicalIdOf(pipeline, pipeline.tamperEvidence.sealSchedule),
  verify: logicalIdOf(pipeline, pipeline.tamperEvidence.verifyFunction),
  verifyRole: logicalIdOf(pipeline, pipeline.tamperEvidence.verifyFunction.role!),
  verifySchedule: logicalIdOf(pipeline, pipeline.tamperEvidence.verifySchedule),
  topic: logicalIdOf(pipeline, pipeline.alertsTopic),
  stateMachine: logicalIdOf(pipeline, pipeline.complianceFlow.stateMachine),
  complianceFunctions: [
    pipeline.complianceFlow.prepareFunction,
    pipeline.complianceFlow.fetchMediaFunction,
    pipeline.complianceFlow.ruleChecksFunction,
    pipeline.complianceFlow.sentimentCheckFunction,
    pipeline.complianceFlow.fileContentCheckFunction,
    pipeline.complianceFlow.recordFunction,
    pipeline.complianceFlow.notifyFunction,
  ].map((fn) => logicalIdOf(pipeline, fn)),
  complianceRoles: [
    pipeline.complianceFlow.prepareFunction,
    pipeline.complianceFlow.fetchMediaFunction,
    pipeline.complianceFlow.ruleChecksFunction,
    pipeline.complianceFlow.sentimentCheckFunction,
    pipeline.complianceFlow.fileContentCheckFunction,
    pipeline.complianceFlow.recordFunction,
    pipeline.complianceFlow.notifyFunction,
  ].map((fn) => logicalIdOf(pipeline, fn.role!)),
};
const resources = template.toJSON().Resources as Record<string, any>;
const webhookStatements = roleStatements(template, id.webhookRole);
const ingestStatements = roleStatements(template, id.ingestRole);
const mediaFetchStatements = roleStatements(template, id.mediaFetchRole);
const sweeperStatements = roleStatements(template, id.sweeperRole);
const redriveStatements = roleStatements(template, id.redriveRole);
const s3StatementsOf = (statements: typeof webhookStatements) =>
  statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')));
const viaService = (service: string) => ({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
});

describe('PipelineStack', () => {
  describe('every function', () => {
    const functions = template.findResources('AWS::Lambda::Function');

    it('are exactly the webhook, ingest, media-fetch, media-sweeper and re-drive functions, the seven compliance flow functions and the evidence seal and verify functions', () => {
      expect(Object.keys(functions).sort()).toEqual([id.ingest, id.webhook, id.mediaFetch, id.sweeper, id.redrive, ...id.complianceFunctions, id.seal, id.verify].sort());
    });

    it('runs Node.js 22 on ARM64 with active tracing', () => {
      for (const fn of Object.values(functions)) {
        expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      }
    });

    it('logs to its own log group, encrypted with the key and kept one month', () => {
      for (const fn of Object.values(functions)) {
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(resources[logGroupId]).toMatchObject({
          Type: 'AWS::Logs::LogGroup',
          Properties: { KmsKeyId: arnOf(id.key), RetentionInDays: 30 },
        });
      }
    });

    it('has the Powertools environment and no run-time source maps (their cost is paid at every cold start)', () => {
      for (const fn of Object.values(functions)) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: 'Vigia',
          POWERTOOLS_METRICS_NAMESPACE: 'Vigia',
        });
        expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      }
    });

    it('has no managed policy (its own role: its log group and dead-letter queue are its baseline)', () => {
      for (const roleId of [id.webhookRole, id.ingestRole, id.mediaFetchRole, id.sweeperRole, id.redriveRole, ...id.complianceRoles, id.sealRole, id.verifyRole]) {
        expect(managedPolicyArnsOf(template, roleId)).toEqual([]);
      }
    });
  });

  describe('webhook function', () => {
    it('has 256 MB, 10 s and no reserved concurrency', () => {
      expect(resources[id.webhook].Properties).toMatchObject({ MemorySize: 256, Timeout: 10, Handler: 'index.handler' });
      expect(resources[id.webhook].Properties.ReservedConcurrentExecutions).toBeUndefined();
    });

    it('gets the bucket name and secret ARN, and no table name', () => {
      const variables = resources[id.webhook].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), WHATSAPP_SECRET_ARN: ref(id.secret) });
      expect(variables.ARCHIVE_TABLE).toBeUndefined();
    });

    it('can put objects under raw/ and rejected/ of the archive bucket', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(id.webhookRole)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              // PutObjectTagging: raw and rejected bodies carry the retention tag (x-amz-tagging).
              Action: ['s3:PutObject', 's3:PutObjectTagging'],
              Resource: [arnWithSuffix(id.bucket, '/raw/*'), arnWithSuffix(id.bucket, '/rejected/*')],
            },
          ]),
        },
      });
    });

    it('can generate data keys with the key only through S3 (bucket key encryption on put)', () => {
      expect(allows(webhookStatements, 'kms:GenerateDataKey')).toEqual([
        { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: arnOf(id.key), Condition: viaService('s3') },
      ]);
    });

    it('can read the WhatsApp secret and decrypt it only through Secrets Manager', () => {
      expect(allows(webhookStatements, 'secretsmanager:GetSecretValue')).toEqual([
        { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: ref(id.secret) },
      ]);
      expect(allows(webhookStatements, 'kms:Decrypt')).toEqual([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(id.key), Condition: viaService('secretsmanager') },
      ]);
    });

    it('cannot read, list or delete archive objects', () => {
      for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:DeleteObject', 's3:DeleteObjectVersion']) {
        expect(allows(webhookStatements, action), action).toEqual([]);
      }
    });

    it('has no S3 permission outside raw/ and rejected/ (nothing on media/)', () => {
      const s3Resources = webhookStatements
        .filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')))
        .flatMap((s) => asArray(s.Resource));
      expect(s3Resources).toEqual([arnWithSuffix(id.bucket, '/raw/*'), arnWithSuffix(id.bucket, '/rejected/*')]);
      expect(JSON.stringify(webhookStatements)).not.toContain('media/');
    });

    it('has no DynamoDB and no SQS permission', () => {
      const actions = webhookStatements.flatMap((s) => asArray(s.Action));
      expect(actions.filter((action) => /^(dynamodb|sqs):/.test(action))).toEqual([]);
    });
  });

  describe('ingest function', () => {
    it(`has 512 MB and ${INGEST_FUNCTION.timeout.toSeconds()} s`, () => {
      expect(resources[id.ingest].Properties).toMatchObject({ MemorySize: 512, Timeout: 60, Handler: 'index.handler' });
    });

    it('gets the bucket and table names, and no secret', () => {
      const variables = resources[id.ingest].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), ARCHIVE_TABLE: ref(id.table) });
      expect(variables.WHATSAPP_SECRET_ARN).toBeUndefined();
    });

    it('is told which messages to check from the config: all, live (history skipped) or none (no policy)', () => {
      expect(resources[id.ingest].Properties.Environment.Variables.COMPLIANCE_CHECKS).toBe('all');
      expect(resources[id.mediaFetch].Properties.Environment.Variables.COMPLIANCE_CHECKS).toBe('all');
      for (const [overrides, expected] of [
        [{ compliance: { history: 'skip' } }, 'live'],
        [{ policies: [] }, 'none'],
      ] as const) {
        const other = synthVigia('dev', { ...testConfig(), ...overrides } as ReturnType<typeof testConfig>);
        for (const fn of [other.pipeline.ingestFunction, other.pipeline.mediaFetchFunction]) {
          const properties = other.pipelineTemplate.toJSON().Resources[logicalIdOf(other.pipeline, fn)].Properties;
          expect(properties.Environment.Variables.COMPLIANCE_CHECKS, `${fn.node.id} ${expected}`).toBe(expected);
        }
      }
    });

    it('can read raw/ objects and decrypt them through S3, and nothing else in the bucket', () => {
      const s3Statements = ingestStatements.filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')));
      // PutObjectTagging: a raw webhook with a record under a legal hold is re-tagged `hold`.
      expect(s3Statements).toEqual([
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObjectTagging'], Resource: arnWithSuffix(id.bucket, '/raw/*') },
      ]);
      expect(ingestStatements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(id.key), Condition: viaService('s3') });
      for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ListBucket']) {
        expect(allows(ingestStatements, action), action).toEqual([]);
      }
    });

    it('can read and write the archive table and its indexes', () => {
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem']) {
        const granted = allows(ingestStatements, action);
        expect(granted, action).toHaveLength(1);
        expect(granted[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      }
    });

    it('consumes the ingest queue in batches of 10 within 1 s, reporting item failures', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
        (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify(ref(id.ingest)),
      );
      expect(mappings).toHaveLength(1);
      expect(mappings[0]!.Properties).toMatchObject({
        EventSourceArn: arnOf(id.queue),
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(allows(ingestStatements, 'sqs:ReceiveMessage')).toEqual([
        expect.objectContaining({ Resource: arnOf(id.queue) }),
      ]);
    });

    it('is given a queue visibility timeout of at least 6 × its timeout', () => {
      const visibility = statefulTemplate.toJSON().Resources[id.queue].Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * resources[id.ingest].Properties.Timeout);
    });

    it('gets the media queue URL and can send to the media queue (key through SQS only)', () => {
      expect(resources[id.ingest].Properties.Environment.Variables.MEDIA_QUEUE_URL).toEqual(ref(id.mediaQueue));
      expect(allows(ingestStatements, 'sqs:SendMessage')).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(id.mediaQueue) }]);
      expect(ingestStatements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(id.key),
        Condition: viaService('sqs'),
      });
    });

    it('cannot consume the media queue or touch media/ objects', () => {
      for (const statement of allows(ingestStatements, 'sqs:ReceiveMessage')) {
        expect(statement.Resource).not.toEqual(arnOf(id.mediaQueue));
      }
      expect(JSON.stringify(ingestStatements)).not.toContain('media/');
    });
  });

  describe('media-fetch function', () => {
    it(`has ${MEDIA_FETCH_FUNCTION.memorySize} MB and ${MEDIA_FETCH_FUNCTION.timeout.toMinutes()} min, and its own entry`, () => {
      expect(resources[id.mediaFetch].Properties).toMatchObject({ MemorySize: 1024, Timeout: 300, Handler: 'index.handler' });
      expect(pipeline.mediaFetchFunction.node.id).toBe('MediaFetchFunction');
    });

    it('has 1024 MiB of /tmp: one file of up to 100 MB at a time, with headroom', () => {
      expect(MEDIA_FETCH_FUNCTION.ephemeralStorageSize.toMebibytes()).toBe(1024);
      expect(resources[id.mediaFetch].Properties.EphemeralStorage).toEqual({ Size: 1024 });
    });

    it('gets the bucket and table names and the secret ARN; no Graph API URL unless configured', () => {
      const variables = resources[id.mediaFetch].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), ARCHIVE_TABLE: ref(id.table), WHATSAPP_SECRET_ARN: ref(id.secret) });
      expect(variables.WHATSAPP_GRAPH_API_URL).toBeUndefined();
      expect(variables.MEDIA_QUEUE_URL).toBeUndefined();
    });

    it('can put objects and abort multipart uploads under media/ only', () => {
      expect(s3StatementsOf(mediaFetchStatements)).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'],
          Resource: arnWithSuffix(id.bucket, '/media/*'),
        },
      ]);
    });

    it('cannot read, copy from or delete archive objects', () => {
      for (const action of ['s3:GetObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:DeleteObjectVersion']) {
        expect(allows(mediaFetchStatements, action), action).toEqual([]);
      }
    });

    it('has nothing on raw/ or rejected/, and no listing, versions or ACLs anywhere', () => {
      const serialized = JSON.stringify(mediaFetchStatements);
      expect(serialized).not.toContain('/raw/');
      expect(serialized).not.toContain('/rejected/');
      for (const action of [
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:ListMultipartUploadParts',
        's3:GetObjectVersion',
        's3:DeleteObjectVersion',
        's3:PutObjectAcl',
        's3:PutBucketPolicy',
      ]) {
        expect(allows(mediaFetchStatements, action), action).toEqual([]);
      }
    });

    it('can generate and decrypt S3 data keys through S3 only (SSE-KMS multipart upload)', () => {
      expect(mediaFetchStatements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(id.key),
        Condition: viaService('s3'),
      });
    });

    it('can read and write the archive table and its indexes', () => {
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
        const granted = allows(mediaFetchStatements, action);
        expect(granted, action).toHaveLength(1);
        expect(granted[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      }
    });

    it('can read the WhatsApp secret (the Graph API access token)', () => {
      expect(allows(mediaFetchStatements, 'secretsmanager:GetSecretValue')).toEqual([
        { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: ref(id.secret) },
      ]);
    });

    it('consumes the media queue one message at a time, reporting item failures', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
        (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify(ref(id.mediaFetch)),
      );
      expect(mappings).toHaveLength(1);
      expect(mappings[0]!.Properties).toMatchObject({
        EventSourceArn: arnOf(id.mediaQueue),
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mappings[0]!.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
      expect(allows(mediaFetchStatements, 'sqs:ReceiveMessage')).toEqual([expect.objectContaining({ Resource: arnOf(id.mediaQueue) })]);
    });

    it('cannot send to any queue', () => {
      expect(allows(mediaFetchStatements, 'sqs:SendMessage')).toEqual([]);
    });

    it('is given a media queue visibility timeout of at least 6 × its timeout', () => {
      const visibility = statefulTemplate.toJSON().Resources[id.mediaQueue].Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * resources[id.mediaFetch].Properties.Timeout);
    });
  });

  describe('media-sweeper function', () => {
    it('has 256 MB and 2 min', () => {
      expect(resources[id.sweeper].Properties).toMatchObject({ MemorySize: 256, Timeout: 120, Handler: 'index.handler' });
    });

    it('gets the table name and the media queue URL, and no bucket or secret', () => {
      const variables = resources[id.sweeper].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_TABLE: ref(id.table), MEDIA_QUEUE_URL: ref(id.mediaQueue) });
      expect(variables.ARCHIVE_BUCKET).toBeUndefined();
      expect(variables.WHATSAPP_SECRET_ARN).toBeUndefined();
    });

    it('can send to the media queue only, using the key through SQS only', () => {
      expect(allows(sweeperStatements, 'sqs:SendMessage')).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(id.mediaQueue) }]);
      expect(sweeperStatements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(id.key),
        Condition: viaService('sqs'),
      });
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue']) {
        expect(allows(sweeperStatements, action), action).toEqual([]);
      }
    });

    it('has no S3 and no Secrets Manager permission', () => {
      const actions = sweeperStatements.flatMap((s) => asArray(s.Action));
      expect(actions.filter((action) => /^(s3|secretsmanager):/.test(action))).toEqual([]);
    });

    it('can read and write the archive table and its indexes (byMediaState)', () => {
      for (const action of ['dynamodb:Query', 'dynamodb:UpdateItem']) {
        const granted = allows(sweeperStatements, action);
        expect(granted, action).toHaveLength(1);
        expect(granted[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      }
    });

    it('runs every hour from an EventBridge schedule that targets only the sweeper', () => {
      expect(pipeline.mediaSweeperSchedule.node.id).toBe('MediaSweeperSchedule');
      const rules = template.findResources('AWS::Events::Rule');
      expect(Object.keys(rules).sort()).toEqual([id.sweeperSchedule, id.redriveSchedule, id.sealSchedule, id.verifySchedule].sort());
      expect(rules[id.sweeperSchedule]!.Properties).toMatchObject({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [{ Arn: arnOf(id.sweeper), Id: 'Target0' }],
      });
      expect(rules[id.sweeperSchedule]!.Properties.EventPattern).toBeUndefined();
    });

    it('may be invoked by EventBridge for that rule only', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
        (permission) => permission.Properties.Principal === 'events.amazonaws.com',
      );
      expect(permissions.map((permission) => permission.Properties).filter((permission) => JSON.stringify(permission.FunctionName) === JSON.stringify(arnOf(id.sweeper)))).toEqual([
        { Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.sweeper), Principal: 'events.amazonaws.com', SourceArn: arnOf(id.sweeperSchedule) },
      ]);
      // The only other functions EventBridge may invoke are the re-drive and the evidence seal and verification, each from its own rule.
      expect(permissions.map((permission) => permission.Properties).filter((permission) => JSON.stringify(permission.FunctionName) !== JSON.stringify(arnOf(id.sweeper)))).toEqual([
        { Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.redrive), Principal: 'events.amazonaws.com', SourceArn: arnOf(id.redriveSchedule) },
        { Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.seal), Principal: 'events.amazonaws.com', SourceArn: arnOf(id.sealSchedule) },
        { Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.verify), Principal: 'events.amazonaws.com', SourceArn: arnOf(id.verifySchedule) },
      ]);
    });

    it('has no event source mapping (it is not a queue consumer)', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mappings.map((mapping) => mapping.Properties.FunctionName)).not.toContainEqual(ref(id.sweeper));
      expect(mappings).toHaveLength(2);
    });
  });

  describe('re-drive function (docs/reliability.md)', () => {
    const variables = () => resources[id.redrive].Properties.Environment.Variables;

    it('has 256 MB and 5 min, and the grace periods and limit of REDRIVE_FUNCTION', () => {
      expect(resources[id.redrive].Properties).toMatchObject({ MemorySize: 256, Timeout: 300 });
      expect(variables()).toMatchObject({
        ARCHIVE_TABLE: ref(id.table),
        COMPLIANCE_STATE_MACHINE_ARN: ref(id.stateMachine),
        ALERTS_TOPIC_ARN: ref(id.topic),
        REDRIVE_CHECK_GRACE_SECONDS: '900',
        REDRIVE_NOTIFY_GRACE_SECONDS: '900',
        REDRIVE_UNCHECKED_ALARM_SECONDS: '3600',
        REDRIVE_MAX_CHECK_REDRIVES: '24',
      });
      expect(variables().ARCHIVE_BUCKET).toBeUndefined();
      expect(variables().WHATSAPP_SECRET_ARN).toBeUndefined();
    });

    it('inlines the config (the subscriptions it delivers to), not in its environment', () => {
      expect(JSON.parse(JSON.parse(pipeline.redriveFunction.bundlingDefine['process.env.VIGIA_CONFIG_JSON']!) as string)).toEqual(testConfig());
      expect(JSON.stringify(variables())).not.toContain('confidential-terms');
    });

    it('may start executions of the compliance state machine only, publish to the alerts topic only, and use the table', () => {
      expect(allows(redriveStatements, 'states:StartExecution')).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: ref(id.stateMachine) }]);
      expect(allows(redriveStatements, 'sns:Publish')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: ref(id.topic) }]);
      for (const action of ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem']) {
        expect(allows(redriveStatements, action)[0]!.Resource, action).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      }
      const actions = redriveStatements.flatMap((statement) => asArray(statement.Action));
      expect(actions.filter((action) => /^(s3|secretsmanager|sqs|lambda|comprehend):/.test(action))).toEqual([]);
      for (const action of ['states:StopExecution', 'states:StartSyncExecution', 'dynamodb:DeleteTable', 'dynamodb:CreateTable']) {
        expect(allows(redriveStatements, action), action).toEqual([]);
      }
    });

    it('runs every hour from its own EventBridge rule, retried twice into the async dead-letter queue', () => {
      expect(pipeline.redriveSchedule.node.id).toBe('RedriveSchedule');
      expect(resources[id.redriveSchedule].Properties).toMatchObject({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [{ Arn: arnOf(id.redrive), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: expect.anything() } }],
      });
    });
  });

  describe('reliability alarms', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const alarmOf = (alarm: { node: { defaultChild?: unknown } }) => alarms[logicalIdOf(pipeline, alarm as never)]!.Properties as Record<string, unknown>;
    const atLeastOnce = { ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' };

    it.each([
      ['UncheckedMessagesAlarm', () => pipeline.uncheckedMessagesAlarm, 'UncheckedMessages', 'Maximum'],
      ['UnnotifiedAlertsAlarm', () => pipeline.unnotifiedAlertsAlarm, 'UnnotifiedAlerts', 'Maximum'],
      ['WebhookRejectedAlarm', () => pipeline.webhookRejectedAlarm, 'Webhook_rejected_archived', 'Sum'],
    ] as const)('%s watches Vigia/%s (service=vigia) over 1 hour: ≥ 1 goes off', (constructId, alarm, metric, statistic) => {
      expect(alarm().node.id).toBe(constructId);
      expect(alarmOf(alarm())).toMatchObject({
        ...atLeastOnce,
        Namespace: 'Vigia',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'vigia' }],
        Statistic: statistic,
        Period: 3600,
      });
    });
  });

  describe('media alarms', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const alarmProperties = (construct: { node: { defaultChild?: unknown } }) =>
      alarms[logicalIdOf(pipeline, construct as never)]!.Properties as Record<string, unknown>;
    const atLeastOnceInOnePeriod = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    };

    it('are exactly three, with stable construct IDs (plus the compliance flow, webhook, Comprehend, dead-letter, capture-gap and tamper-evidence alarms)', () => {
      expect(Object.keys(alarms).sort()).toEqual(
        [
          pipeline.mediaOverdueAlarm,
          pipeline.mediaHashMismatchAlarm,
          pipeline.mediaDeadLetterAlarm,
          pipeline.complianceFlowFailedAlarm,
          pipeline.complianceFlowTimedOutAlarm,
          pipeline.webhookClientErrorRateAlarm,
          pipeline.webhookServerErrorRateAlarm,
          pipeline.webhookSignatureFailureAlarm,
          pipeline.comprehendThrottledAlarm,
          pipeline.uncheckedMessagesAlarm,
          pipeline.unnotifiedAlertsAlarm,
          pipeline.webhookRejectedAlarm,
          pipeline.asyncDeadLetterQueue.alarm,
          pipeline.tamperEvidence.noDigestAlarm,
          pipeline.tamperEvidence.verificationFailedAlarm,
          ...Object.values(pipeline.captureGapAlarms),
        ]
          .map((alarm) => logicalIdOf(pipeline, alarm))
          .sort(),
      );
      expect([pipeline.mediaOverdueAlarm, pipeline.mediaHashMismatchAlarm, pipeline.mediaDeadLetterAlarm].map((alarm) => alarm.node.id)).toEqual([
        'MediaOverdueAlarm',
        'MediaHashMismatchAlarm',
        'MediaDeadLetterAlarm',
      ]);
    });

    it('MediaOverdue: the maximum of Vigia/MediaOverdue (service=vigia) over 1 hour is ≥ 1', () => {
      expect(alarmProperties(pipeline.mediaOverdueAlarm)).toMatchObject({
        Namespace: 'Vigia',
        MetricName: 'MediaOverdue',
        Dimensions: [{ Name: 'service', Value: 'vigia' }],
        Statistic: 'Maximum',
        Period: 3600,
        ...atLeastOnceInOnePeriod,
      });
    });

    it('MediaHashMismatch: the sum of Vigia/MediaHashMismatch (service=vigia) over 1 hour is ≥ 1', () => {
      expect(alarmProperties(pipeline.mediaHashMismatchAlarm)).toMatchObject({
        Namespace: 'Vigia',
        MetricName: 'MediaHashMismatch',
        Dimensions: [{ Name: 'service', Value: 'vigia' }],
        Statistic: 'Sum',
        Period: 3600,
        ...atLeastOnceInOnePeriod,
      });
    });

    it('MediaDeadLetter: at least one visible message in the media dead-letter queue (not the ingest one)', () => {
      expect(alarmProperties(pipeline.mediaDeadLetterAlarm)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id.mediaDlq, 'QueueName'] } }],
        Statistic: 'Maximum',
        ...atLeastOnceInOnePeriod,
      });
    });

    it('notify the ops topic (StatefulStack) when they go into ALARM, and only then', () => {
      for (const alarm of Object.values(alarms)) {
        expect(alarm.Properties.AlarmActions).toEqual([ref(logicalIdOf(stateful, stateful.ops.topic))]);
        expect(alarm.Properties.OKActions).toBeUndefined();
      }
    });
  });

  describe('IAM, across both stacks', () => {
    const everyStatement = [...allStatements(statefulTemplate), ...allStatements(template)];

    it('lets no function delete archive objects or their versions', () => {
      const deleting = everyStatement.filter(
        ({ statement }) =>
          statement.Effect === 'Allow' && ['s3:DeleteObject', 's3:DeleteObjectVersion'].some((action) => allows([statement], action).length > 0),
      );
      expect(deleting).toEqual([]);
    });

    // The media-fetch function (queue path) and the compliance flow's FetchMedia task download
    // files the same way: they are the only writers of media/.
    const mediaFetchPolicies = [/^MediaFetchFunctionServiceRoleDefaultPolicy/, /^ComplianceFlowComplianceFetchMediaFunctionServiceRoleDefaultPolicy/];

    it('lets only the two media-fetch functions write media/', () => {
      const writing = everyStatement.filter(
        ({ statement }) =>
          statement.Effect === 'Allow' &&
          JSON.stringify(statement.Resource ?? null).includes('/media/') &&
          ['s3:PutObject', 's3:AbortMultipartUpload'].some((action) => allows([statement], action).length > 0),
      );
      expect(writing.map(({ resource }) => resource).sort()).toEqual([expect.stringMatching(mediaFetchPolicies[1]!), expect.stringMatching(mediaFetchPolicies[0]!)]);
      for (const { statement } of writing) expect(statement.Resource).toEqual(arnWithSuffix(id.bucket, '/media/*'));
    });

    it('lets only the two media-fetch functions, FileContentCheck and the evidence seal and verification (reading) use media/', () => {
      const mediaStatements = everyStatement.filter(({ statement }) => JSON.stringify(statement.Resource ?? null).includes('/media/'));
      const policies = [...new Set(mediaStatements.map(({ resource }) => resource))].sort();
      expect(policies).toEqual([
        expect.stringMatching(mediaFetchPolicies[1]!),
        expect.stringMatching(/^ComplianceFlowComplianceFileContentFunctionServiceRoleDefaultPolicy/),
        expect.stringMatching(mediaFetchPolicies[0]!),
        expect.stringMatching(/^TamperEvidenceSealFunctionServiceRoleDefaultPolicy/),
        expect.stringMatching(/^TamperEvidenceVerifyFunctionServiceRoleDefaultPolicy/),
      ]);
      const readers = /^(ComplianceFlowComplianceFileContentFunction|TamperEvidence(Seal|Verify)Function)/;
      const readerActions = [...new Set(mediaStatements.filter(({ resource }) => readers.test(resource)).flatMap(({ statement }) => asArray(statement.Action)))];
      expect(readerActions).toEqual(['s3:GetObject']);
    });

    it('has no statement allowing every action', () => {
      const wildcard = everyStatement.filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes('*'));
      expect(wildcard).toEqual([]);
    });

    it('has no S3 or DynamoDB permission on Resource "*"', () => {
      const broad = everyStatement.filter(
        ({ statement }) =>
          statement.Effect === 'Allow' &&
          asArray(statement.Resource).includes('*') &&
          asArray(statement.Action).some((action) => /^(s3|dynamodb):/.test(action)),
      );
      expect(broad).toEqual([]);
    });
  });

  describe('webhook API', () => {
    it('is an HTTP API with exactly GET /webhook and POST /webhook', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
      expect(routeKeys.sort()).toEqual(['GET /webhook', 'POST /webhook']);
    });

    it('routes both to the webhook function with payload format 2.0', () => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      expect(Object.values(integrations)).toEqual([
        expect.objectContaining({
          Properties: expect.objectContaining({
            IntegrationType: 'AWS_PROXY',
            IntegrationUri: arnOf(id.webhook),
            PayloadFormatVersion: '2.0',
          }),
        }),
      ]);
      const [integrationId] = Object.keys(integrations);
      for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
        expect(route.Properties).toMatchObject({ ApiId: ref(id.api), Target: { 'Fn::Join': ['', ['integrations/', ref(integrationId!)]] } });
      }
    });

    it('lets API Gateway invoke the webhook function only for its /webhook routes', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
        (permission) => permission.Properties.Principal !== 'events.amazonaws.com',
      );
      expect(permissions).toHaveLength(2);
      for (const permission of permissions) {
        expect(permission.Properties).toMatchObject({
          Action: 'lambda:InvokeFunction',
          FunctionName: arnOf(id.webhook),
          Principal: 'apigateway.amazonaws.com',
        });
        expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/\*\/\*\/webhook"/);
      }
    });

    it('throttles the auto-deployed $default stage and writes encrypted access logs', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: ref(id.api),
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhookApiAccessLogs'), 'Arn'] } },
      });
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(resources[logGroupId].Properties).toMatchObject({ KmsKeyId: arnOf(id.key), RetentionInDays: 30 });
    });

    it('logs request metadata only: no bodies, no query strings (the verify token travels in one)', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
      expect(format.requestId).toBe('$context.requestId');
      expect(Object.values(format).join(' ')).not.toMatch(/body|querystring|query|authorization|header/i);
    });
  });

  describe('WhatsApp secret', () => {
    it('is named vigia/<stage>/whatsapp and encrypted with the key', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigia/dev/whatsapp', KmsKeyId: arnOf(id.key) });
    });

    it('is generated with the keys appSecret, verifyToken and accessToken, and no literal secret value', () => {
      const properties = resources[id.secret].Properties;
      expect(properties.SecretString).toBeUndefined();
      expect(properties.GenerateSecretString.GenerateStringKey).toBe('verifyToken');
      const templateValues = JSON.parse(properties.GenerateSecretString.SecretStringTemplate) as Record<string, string>;
      expect(templateValues).toEqual({ appSecret: '', accessToken: '' });
    });
  });

  it('references the StatefulStack by its stack name only (no other stack)', () => {
    const raw = JSON.stringify(rawPipelineTemplate.toJSON());
    const stackNames = [...raw.matchAll(/"StackName":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(stackNames)).toEqual(new Set(['Vigia-dev-Stateful']));
    expect(pipeline.dependencies).toContain(stateful);
  });

  it('exposes the webhook URL and the secret ARN under exact output names, without exports', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.WebhookUrl).toMatchObject({ Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id.api, 'ApiEndpoint'] }, '/webhook']] } });
    expect(outputs.WhatsAppSecretArn).toMatchObject({ Value: ref(id.secret) });
    expect(outputs.WebhookUrl.Export).toBeUndefined();
    expect(outputs.WhatsAppSecretArn.Export).toBeUndefined();
  });
});
