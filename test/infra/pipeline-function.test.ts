import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { allows, arnOf, logicalIdOf, roleStatements, testApp } from './helpers';

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

  it.each(['', 'raw', 'raw/*', '*'])('fails for the prefix %j (must be a folder like "raw/")', (prefix) => {
    const { stack, fn } = setUp();
    expect(() => fn.bindArchiveBucketPrefix(new s3.Bucket(stack, 'Bucket'), prefix, 'write')).toThrow(/prefix must be a folder/);
  });
});
