import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { ASYNC_DEAD_LETTER_QUEUE_ID } from '../../infra/constructs/async-dead-letter-queue';
import { LOG_RETENTION_CONTEXT } from '../../infra/config';
import { allows, arnOf, asArray, baselineStatements, logicalIdOf, managedPolicyArnsOf, roleStatements, testApp } from './helpers';

// Any existing entry will do: bundling is skipped, only the file's existence is checked.
const ENTRY = 'functions/webhook/handler.ts';

function setUp() {
  const stack = new Stack(testApp(), 'TestStack');
  const key = new kms.Key(stack, 'Key');
  const fn = new PipelineFunction(stack, 'Fn', { entry: ENTRY, encryptionKey: key });
  return { stack, key, fn };
}

describe('PipelineFunction', () => {
  it('defaults to 256 MB, 10 s, one month of logs', () => {
    const { stack, key, fn } = setUp();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 10,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: arnOf(logicalIdOf(stack, key)) });
    expect(fn.runtime.name).toBe('nodejs22.x');
  });

  it('takes memory, timeout, retention and handler name from its props', () => {
    const stack = new Stack(testApp(), 'TestStack');
    const key = new kms.Key(stack, 'Key');
    new PipelineFunction(stack, 'Fn', {
      entry: ENTRY,
      encryptionKey: key,
      handler: 'main',
      memorySize: 1024,
      timeout: Duration.seconds(30),
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 30, Handler: 'index.main' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('refuses an entry file that does not exist, naming it', () => {
    const stack = new Stack(testApp(), 'TestStack');
    expect(() => new PipelineFunction(stack, 'Fn', { entry: 'functions/nope/handler.ts', encryptionKey: new kms.Key(stack, 'Key') })).toThrow(
      /Cannot find entry file at .*functions\/nope\/handler\.ts/,
    );
  });

  it('bindArchiveTable("read") sets ARCHIVE_TABLE and grants no write action', () => {
    const { stack, fn } = setUp();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    fn.bindArchiveTable(table, 'read');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ARCHIVE_TABLE: { Ref: logicalIdOf(stack, table) } }) },
    });
    const statements = roleStatements(template, logicalIdOf(stack, fn.role!));
    expect(allows(statements, 'dynamodb:GetItem')).toHaveLength(1);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(allows(statements, action), action).toEqual([]);
    }
  });

  it('bindArchiveBucketPrefix("read") grants GetObject on the prefix and kms:Decrypt through S3 only', () => {
    const { stack, key, fn } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    fn.bindArchiveBucketPrefix(bucket, 'media/', 'read');
    const statements = roleStatements(Template.fromStack(stack), logicalIdOf(stack, fn.role!));
    expect(allows(statements, 's3:GetObject')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [arnOf(logicalIdOf(stack, bucket)), '/media/*']] } },
    ]);
    expect(allows(statements, 's3:PutObject')).toEqual([]);
    expect(allows(statements, 'kms:Decrypt')).toEqual([
      expect.objectContaining({ Resource: arnOf(logicalIdOf(stack, key)), Condition: { StringEquals: { 'kms:ViaService': expect.anything() } } }),
    ]);
    expect(allows(statements, 'kms:GenerateDataKey')).toEqual([]);
  });

  it('bindArchiveBucketPrefix grants no KMS action for a bucket without a customer-managed key', () => {
    const { stack, fn } = setUp();
    fn.bindArchiveBucketPrefix(new s3.Bucket(stack, 'Bucket'), 'raw/', 'write');
    const statements = roleStatements(Template.fromStack(stack), logicalIdOf(stack, fn.role!));
    expect(statements.flatMap((s) => [s.Action].flat()).filter((action) => String(action).startsWith('kms:'))).toEqual([]);
  });

  it('bindArchiveBucketPrefix("upload") grants PutObject and AbortMultipartUpload on the prefix: no read, delete, listing or versions', () => {
    const { stack, key, fn } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    fn.bindArchiveBucketPrefix(bucket, 'media/', 'upload');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ARCHIVE_BUCKET: { Ref: logicalIdOf(stack, bucket) } }) },
    });
    const statements = roleStatements(template, logicalIdOf(stack, fn.role!));
    const s3Statements = statements.filter((s) => [s.Action].flat().some((action) => String(action).startsWith('s3:')));
    expect(s3Statements).toEqual([
      {
        Effect: 'Allow',
        // PutObjectTagging: new objects carry the retention tag (x-amz-tagging).
        Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'],
        Resource: { 'Fn::Join': ['', [arnOf(logicalIdOf(stack, bucket)), '/media/*']] },
      },
    ]);
    for (const action of [
      's3:GetObject',
      's3:DeleteObject',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:ListMultipartUploadParts',
      's3:GetObjectVersion',
      's3:DeleteObjectVersion',
      's3:PutObjectAcl',
    ]) {
      expect(allows(statements, action), action).toEqual([]);
    }
    // A multipart upload of an SSE-KMS object needs both (UploadPart and CompleteMultipartUpload
    // decrypt the data key), through S3 only.
    const kmsStatements = statements.filter((s) => [s.Action].flat().some((action) => String(action).startsWith('kms:')));
    expect(kmsStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(logicalIdOf(stack, key)),
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
    ]);
  });

  it('sets the ephemeral storage (/tmp) size only when given', () => {
    const stack = new Stack(testApp(), 'TestStack');
    const key = new kms.Key(stack, 'Key');
    new PipelineFunction(stack, 'Small', { entry: ENTRY, encryptionKey: key });
    new PipelineFunction(stack, 'Large', { entry: ENTRY, encryptionKey: key, ephemeralStorageSize: Size.mebibytes(2048) });
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const byId = (prefix: string) => Object.entries(functions).find(([logicalId]) => logicalId.startsWith(prefix))![1].Properties;
    expect(byId('Small').EphemeralStorage).toBeUndefined();
    expect(byId('Large').EphemeralStorage).toEqual({ Size: 2048 });
  });

  it('bindQueueSender sets the variable to the queue URL and grants SendMessage on that queue, and the key through SQS only', () => {
    const { stack, key, fn } = setUp();
    const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    fn.bindQueueSender(queue, 'WORK_QUEUE_URL');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WORK_QUEUE_URL: { Ref: logicalIdOf(stack, queue) } }) },
    });
    const statements = roleStatements(template, logicalIdOf(stack, fn.role!));
    expect(allows(statements, 'sqs:SendMessage')).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(logicalIdOf(stack, queue)) }]);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue', 'sqs:GetQueueAttributes']) {
      expect(allows(statements, action), action).toEqual([]);
    }
    const kmsStatements = statements.filter((s) => [s.Action].flat().some((action) => String(action).startsWith('kms:')));
    expect(kmsStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(logicalIdOf(stack, key)),
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
    ]);
  });

  it('bindQueueSender grants no KMS action for a queue without a customer-managed key', () => {
    const { stack, fn } = setUp();
    fn.bindQueueSender(new sqs.Queue(stack, 'Queue'), 'WORK_QUEUE_URL');
    const statements = roleStatements(Template.fromStack(stack), logicalIdOf(stack, fn.role!));
    expect(statements.flatMap((s) => [s.Action].flat()).filter((action) => String(action).startsWith('kms:'))).toEqual([]);
  });

  it.each(['', 'raw', 'raw/*', '*'])('fails for the prefix %j (must be a folder like "raw/")', (prefix) => {
    const { stack, fn } = setUp();
    expect(() => fn.bindArchiveBucketPrefix(new s3.Bucket(stack, 'Bucket'), prefix, 'write')).toThrow(/prefix must be a folder/);
  });

  it('passes define to the bundling and exposes it (inlined at bundle time, not in the environment)', () => {
    const stack = new Stack(testApp(), 'TestStack');
    const key = new kms.Key(stack, 'Key');
    const fn = new PipelineFunction(stack, 'Fn', { entry: ENTRY, encryptionKey: key, define: { 'process.env.X': '"{}"' } });
    expect(fn.bundlingDefine).toEqual({ 'process.env.X': '"{}"' });
    const variables = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]!.Properties.Environment.Variables;
    expect(variables['process.env.X']).toBeUndefined();
    expect(Object.keys(variables)).not.toContain('X');
    expect(setUp().fn.bundlingDefine).toEqual({});
  });

  it('bindStateMachine sets COMPLIANCE_STATE_MACHINE_ARN and grants StartExecution on that state machine only', () => {
    const { stack, fn } = setUp();
    const stateMachine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
    const other = new sfn.StateMachine(stack, 'Other', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Q')) });
    fn.bindStateMachine(stateMachine);
    const template = Template.fromStack(stack);
    const machineId = logicalIdOf(stack, stateMachine);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COMPLIANCE_STATE_MACHINE_ARN: { Ref: machineId } }) },
    });
    const statements = roleStatements(template, logicalIdOf(stack, fn.role!));
    expect(allows(statements, 'states:StartExecution')).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machineId } }]);
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(stack, other));
    for (const action of ['states:StartSyncExecution', 'states:StopExecution', 'states:DescribeExecution', 'states:SendTaskSuccess']) {
      expect(allows(statements, action), action).toEqual([]);
    }
  });

  it('bindTopicPublisher sets the variable and grants Publish on that topic, and the key through SNS only', () => {
    const { stack, key, fn } = setUp();
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
    fn.bindTopicPublisher(topic, 'ALERTS_TOPIC_ARN');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALERTS_TOPIC_ARN: { Ref: logicalIdOf(stack, topic) } }) },
    });
    const statements = roleStatements(template, logicalIdOf(stack, fn.role!));
    expect(allows(statements, 'sns:Publish')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalIdOf(stack, topic) } }]);
    for (const action of ['sns:Subscribe', 'sns:SetTopicAttributes', 'sns:DeleteTopic']) {
      expect(allows(statements, action), action).toEqual([]);
    }
    const kmsStatements = statements.filter((s) => [s.Action].flat().some((action) => String(action).startsWith('kms:')));
    expect(kmsStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf(logicalIdOf(stack, key)),
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
    ]);
  });

  it('bindTopicPublisher grants no KMS action for an unencrypted topic', () => {
    const { stack, fn } = setUp();
    fn.bindTopicPublisher(new sns.Topic(stack, 'Topic'), 'ALERTS_TOPIC_ARN');
    const statements = roleStatements(Template.fromStack(stack), logicalIdOf(stack, fn.role!));
    expect(statements.flatMap((s) => [s.Action].flat()).filter((action) => String(action).startsWith('kms:'))).toEqual([]);
  });

  describe('role and dead-letter queue', () => {
    it('has its own role with no managed policy: its baseline is its own log group and dead-letter queue', () => {
      const { stack, key, fn } = setUp();
      const template = Template.fromStack(stack);
      const roleId = logicalIdOf(stack, fn.role!);
      expect(managedPolicyArnsOf(template, roleId)).toEqual([]);
      const queueId = logicalIdOf(stack, fn.asyncDeadLetterQueue);
      expect(baselineStatements(template, roleId)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(logicalIdOf(stack, fn.functionLogGroup)) },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(queueId) },
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: arnOf(logicalIdOf(stack, key)),
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        },
      ]);
      // Beyond the baseline and the bindings: X-Ray only (tracing), whose actions take no resource.
      expect(roleStatements(template, roleId)).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      ]);
      expect(allows([...baselineStatements(template, roleId), ...roleStatements(template, roleId)], 'logs:CreateLogGroup')).toEqual([]);
    });

    it("sends failed asynchronous invocations to the stack's AsyncDeadLetterQueue by default, encrypted with the key", () => {
      const stack = new Stack(testApp(), 'TestStack');
      const key = new kms.Key(stack, 'Key');
      const first = new PipelineFunction(stack, 'First', { entry: ENTRY, encryptionKey: key });
      const second = new PipelineFunction(stack, 'Second', { entry: ENTRY, encryptionKey: key });
      const template = Template.fromStack(stack);
      const queues = template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(1);
      const [queueId, queue] = Object.entries(queues)[0]!;
      expect(queueId).toMatch(new RegExp(`^${ASYNC_DEAD_LETTER_QUEUE_ID}`));
      expect(queue.Properties).toMatchObject({ KmsMasterKeyId: arnOf(logicalIdOf(stack, key)), MessageRetentionPeriod: 14 * 24 * 3600 });
      for (const fn of [first, second]) {
        const properties = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack, fn)]!.Properties;
        expect(properties.DeadLetterConfig).toEqual({ TargetArn: arnOf(queueId) });
        const statements = baselineStatements(template, logicalIdOf(stack, fn.role!));
        expect(allows(statements, 'sqs:SendMessage').flatMap((s) => asArray(s.Resource))).toEqual([arnOf(queueId)]);
        // What a producer of a KMS-encrypted queue needs, through SQS only.
        expect(allows(statements, 'kms:GenerateDataKey')).toEqual([expect.objectContaining({ Resource: arnOf(logicalIdOf(stack, key)) })]);
      }
      // The queue's own alarm: one visible message.
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it("takes its log retention from the stack's LOG_RETENTION_CONTEXT when not given", () => {
      const stack = new Stack(testApp(), 'TestStack');
      stack.node.setContext(LOG_RETENTION_CONTEXT, 365);
      new PipelineFunction(stack, 'Fn', { entry: ENTRY, encryptionKey: new kms.Key(stack, 'Key') });
      Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    });

    it('bindStateMachine with the state machine key grants GenerateDataKey and Decrypt for that state machine only', () => {
      const { stack, key, fn } = setUp();
      const stateMachine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
      fn.bindStateMachine(stateMachine, 'MACHINE_ARN', key);
      const statements = roleStatements(Template.fromStack(stack), logicalIdOf(stack, fn.role!));
      expect(statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('kms:')))).toEqual([
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: arnOf(logicalIdOf(stack, key)),
          Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': { Ref: logicalIdOf(stack, stateMachine) } } },
        },
      ]);
    });
  });
});
