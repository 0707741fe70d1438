import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_PREFIXES, ARCHIVE_TABLE } from '../../shared/resources/definitions';
import {
  INGEST_MAX_RECEIVE_COUNT,
  MEDIA_FETCH_FUNCTION,
  MEDIA_MAX_RECEIVE_COUNT,
  MEDIA_QUEUE_VISIBILITY_TIMEOUT,
} from '../../infra/config';
import { allStatements, arnOf, arnWithSuffix, asArray, logicalIdOf, ref, synthVigia } from './helpers';

const { stateful, statefulTemplate: template } = synthVigia();
const id = {
  key: logicalIdOf(stateful, stateful.key),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  queue: logicalIdOf(stateful, stateful.ingestQueue),
  dlq: logicalIdOf(stateful, stateful.ingestDeadLetterQueue),
  mediaQueue: logicalIdOf(stateful, stateful.mediaQueue),
  mediaDlq: logicalIdOf(stateful, stateful.mediaDeadLetterQueue),
};
const resources = template.toJSON().Resources as Record<string, any>;

describe('StatefulStack', () => {
  it('keeps the logical IDs of stateful resources stable (renaming one replaces it)', () => {
    expect(id).toEqual({
      key: 'ArchiveKeyDC5BCBC1',
      bucket: 'ArchiveBucket9DECBF5D',
      table: 'ArchiveTable4E5864BF',
      queue: 'IngestQueue2280FF4E',
      dlq: 'IngestDeadLetterQueue48D59084',
      mediaQueue: 'MediaQueue5E4C5F09',
      mediaDlq: 'MediaDeadLetterQueue30136B11',
    });
  });

  it('retains every stateful resource on delete and replacement', () => {
    for (const logicalId of Object.values(id)) {
      expect(template.toJSON().Resources[logicalId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  describe('key', () => {
    it('is a customer-managed key with rotation on (the one store key: the other key signs, it encrypts nothing)', () => {
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys.map((key) => key.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT').sort()).toEqual(['ENCRYPT_DECRYPT', 'SIGN_VERIFY']);
      expect(resources[logicalIdOf(stateful, stateful.key)].Properties).toMatchObject({ EnableKeyRotation: true });
    });

    it('lets CloudWatch Logs use it only for log groups of this account and region', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
                  },
                },
              },
            }),
          ]),
        },
      });
    });

    it('lets S3 send notifications to the queues it encrypts', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: Match.arrayEquals(['kms:Decrypt', 'kms:GenerateDataKey']),
            }),
          ]),
        },
      });
    });

    it('never references the bucket in its policy (bucket → key → bucket would be a cycle)', () => {
      const keyPolicy = JSON.stringify(template.toJSON().Resources[id.key].Properties.KeyPolicy);
      expect(keyPolicy).not.toContain(id.bucket);
    });
  });

  describe('archive bucket', () => {
    it('is encrypted with the key, with a bucket key', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(id.key) },
            },
          ],
        },
      });
    });

    it('blocks all public access and disables ACLs', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    });

    it('is versioned', () => {
      template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    });

    it('denies requests without TLS', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(id.bucket),
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [arnOf(id.bucket), arnWithSuffix(id.bucket, '/*')],
            },
          ]),
        },
      });
    });

    it('grants nobody access in its bucket policy', () => {
      const bucketPolicy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
        (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify(ref(id.bucket)),
      )!;
      const allows = asArray<any>(bucketPolicy.Properties.PolicyDocument.Statement).filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([]);
    });

    it(`notifies the ingest queue of objects created under "${ARCHIVE_PREFIXES.raw}" only`, () => {
      template.resourceCountIs('Custom::S3BucketNotifications', 1);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: ref(id.bucket),
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/' }] } },
              QueueArn: arnOf(id.queue),
            },
          ],
          TopicConfigurations: Match.absent(),
          LambdaFunctionConfigurations: Match.absent(),
        },
      });
    });
  });

  describe('archive table', () => {
    it(`has the key schema of ARCHIVE_TABLE`, () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: ARCHIVE_TABLE.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: ARCHIVE_TABLE.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('is encrypted with the key and has point-in-time recovery', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(id.key) },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('has exactly the GSIs of ARCHIVE_TABLE, message indexes projecting keys only', () => {
      const indexes = template.toJSON().Resources[id.table].Properties.GlobalSecondaryIndexes;
      expect(indexes).toEqual(
        ARCHIVE_TABLE.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection:
            typeof index.projection === 'object'
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.include] }
              : { ProjectionType: index.projection },
        })),
      );
      expect(indexes.map((index: { Projection: { ProjectionType: string } }) => index.Projection.ProjectionType)).toEqual(['KEYS_ONLY', 'KEYS_ONLY', 'KEYS_ONLY', 'ALL', 'ALL', 'INCLUDE', 'KEYS_ONLY', 'KEYS_ONLY']);
      expect(indexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(['byLine', 'byContact', 'byDay', 'byMediaState', 'byAlertStatus', 'byAlertStatusForCounts', 'byPending', 'bySubject']);
      // AWS: at most 100 projected non-key attributes across all the indexes of a table.
      expect(indexes.flatMap((index: { Projection: { NonKeyAttributes?: string[] } }) => index.Projection.NonKeyAttributes ?? []).length).toBeLessThanOrEqual(100);
    });

    it('finds a contact\'s items through bySubject: the contact\'s key, grouped by partition (the table\'s own pk), keys only', () => {
      const indexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[] = template.toJSON().Resources[id.table].Properties.GlobalSecondaryIndexes;
      expect(indexes.find((index) => index.IndexName === 'bySubject')).toEqual({
        IndexName: 'bySubject',
        KeySchema: [
          { AttributeName: 'subjectPk', KeyType: 'HASH' },
          { AttributeName: 'pk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      });
    });

    it('lists alerts through byAlertStatus (all attributes) and counts them through byAlertStatusForCounts (the filtered attributes only)', () => {
      const indexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[] = template.toJSON().Resources[id.table].Properties.GlobalSecondaryIndexes;
      const keys = [
        { AttributeName: 'alertStatusPk', KeyType: 'HASH' },
        { AttributeName: 'alertStatusSk', KeyType: 'RANGE' },
      ];
      expect(indexes.find((index) => index.IndexName === 'byAlertStatus')).toEqual({ IndexName: 'byAlertStatus', KeySchema: keys, Projection: { ProjectionType: 'ALL' } });
      expect(indexes.find((index) => index.IndexName === 'byAlertStatusForCounts')).toEqual({
        IndexName: 'byAlertStatusForCounts',
        KeySchema: keys,
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['lineId', 'severity', 'team', 'policyId'] },
      });
    });

    it('has the byMediaState GSI (media items by download state, oldest first)', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayWith([
          {
            IndexName: 'byMediaState',
            KeySchema: [
              { AttributeName: 'mediaStatePk', KeyType: 'HASH' },
              { AttributeName: 'mediaStateSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ]),
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'mediaStatePk', AttributeType: 'S' },
          { AttributeName: 'mediaStateSk', AttributeType: 'S' },
        ]),
      });
    });
  });

  describe('ingest queues', () => {
    it('encrypts both queues with the key', () => {
      for (const queueId of [id.queue, id.dlq]) {
        expect(template.toJSON().Resources[queueId].Properties.KmsMasterKeyId).toEqual(arnOf(id.key));
      }
    });

    it(`moves a message to the dead-letter queue after ${INGEST_MAX_RECEIVE_COUNT} receives`, () => {
      expect(template.toJSON().Resources[id.queue].Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf(id.dlq),
        maxReceiveCount: 5,
      });
    });

    it('keeps dead letters for 14 days', () => {
      expect(template.toJSON().Resources[id.dlq].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });

    it('lets only the archive bucket of this account send to the ingest queue', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(id.queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: arnOf(id.queue),
              Condition: {
                ArnLike: { 'aws:SourceArn': arnOf(id.bucket) },
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              },
            }),
          ]),
        },
      });
    });

    it('denies requests without TLS on both queues', () => {
      for (const queueId of [id.queue, id.dlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(queueId)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });

  describe('media queues', () => {
    it('encrypts the media queue and its dead-letter queue with the key', () => {
      for (const queueId of [id.mediaQueue, id.mediaDlq]) {
        expect(resources[queueId].Properties.KmsMasterKeyId).toEqual(arnOf(id.key));
      }
    });

    it(`moves a media message to the media dead-letter queue after ${MEDIA_MAX_RECEIVE_COUNT} receives`, () => {
      expect(resources[id.mediaQueue].Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(id.mediaDlq), maxReceiveCount: 3 });
    });

    it('keeps media dead letters for 14 days, and queued media for the 7 days Meta keeps it', () => {
      expect(resources[id.mediaDlq].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(resources[id.mediaQueue].Properties.MessageRetentionPeriod).toBe(7 * 24 * 3600);
    });

    it('hides a received media message for 6 × the media-fetch timeout (30 min)', () => {
      expect(MEDIA_QUEUE_VISIBILITY_TIMEOUT.toSeconds()).toBe(6 * MEDIA_FETCH_FUNCTION.timeout.toSeconds());
      expect(resources[id.mediaQueue].Properties.VisibilityTimeout).toBe(1800);
    });

    it('denies requests without TLS and allows nobody through a queue policy (IAM roles only)', () => {
      for (const queueId of [id.mediaQueue, id.mediaDlq]) {
        const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
          asArray(policy.Properties.Queues).some((queue) => JSON.stringify(queue) === JSON.stringify(ref(queueId))),
        );
        expect(policies).toHaveLength(1);
        const statements = asArray<any>(policies[0]!.Properties.PolicyDocument.Statement);
        expect(statements).toEqual([
          expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]);
      }
    });

    it('is not fed by bucket notifications (media/ objects trigger nothing)', () => {
      const notifications = JSON.stringify(template.findResources('Custom::S3BucketNotifications'));
      expect(notifications).not.toContain(id.mediaQueue);
      expect(notifications).not.toContain('media/');
    });
  });

  describe('lifecycle', () => {
    const rules = () => resources[id.bucket].Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;

    it('expires nothing: no rule removes objects, old versions or delete markers (archive data never expires silently)', () => {
      const expiring = rules().filter(
        (rule) =>
          'ExpirationInDays' in rule ||
          'ExpirationDate' in rule ||
          'NoncurrentVersionExpiration' in rule ||
          'NoncurrentVersionExpirationInDays' in rule ||
          'ExpiredObjectDeleteMarker' in rule,
      );
      expect(expiring).toEqual([]);
    });

    it('only aborts multipart uploads left incomplete for 7 days (parts, never objects)', () => {
      expect(rules()).toEqual([
        { Id: 'AbortIncompleteMultipartUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
      ]);
    });
  });

  it('grants S3 PutBucketNotification only on the archive bucket (CDK notifications handler)', () => {
    const notificationStatements = allStatements(template).filter(({ statement }) =>
      asArray(statement.Action).includes('s3:PutBucketNotification'),
    );
    expect(notificationStatements.map(({ statement }) => statement.Resource)).toEqual([arnOf(id.bucket)]);
  });

  it('exposes the bucket, table, key and media queue under exact output names, without exports', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ArchiveBucketName).toMatchObject({ Value: ref(id.bucket) });
    expect(outputs.ArchiveTableName).toMatchObject({ Value: ref(id.table) });
    expect(outputs.ArchiveKeyArn).toMatchObject({ Value: arnOf(id.key) });
    expect(outputs.MediaQueueUrl).toMatchObject({ Value: ref(id.mediaQueue) });
    for (const name of ['ArchiveBucketName', 'ArchiveTableName', 'ArchiveKeyArn', 'MediaQueueUrl']) {
      expect(outputs[name].Export).toBeUndefined();
    }
  });
});
