import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ANALYTICS_PREFIXES, ARCHIVE_PREFIXES, ARCHIVE_TABLE, type KeyDefinition } from '../../shared/resources/definitions';
import {
  INGEST_MAX_RECEIVE_COUNT,
  INGEST_QUEUE_VISIBILITY_TIMEOUT,
  MEDIA_MAX_RECEIVE_COUNT,
  MEDIA_QUEUE_RETENTION,
  MEDIA_QUEUE_VISIBILITY_TIMEOUT,
} from '../config';
import { AnalyticsCatalog } from '../constructs/analytics-catalog';
import { EncryptedQueueDestination } from '../constructs/encrypted-queue-destination';

export interface StatefulStackProps extends StackProps {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /**
   * First day Athena's partition projection covers (`analytics.firstDay` of the config).
   * @default '2022-01-01'
   */
  readonly analyticsFirstDay?: string;
}

/**
 * Everything that holds data or unprocessed work: the customer-managed key, the archive bucket,
 * the archive table, and the ingest and media queues with their dead-letter queues. All of it is
 * RETAIN and has stable construct IDs: renaming one of them replaces the resource.
 *
 * The ingest queue lives here, not in the PipelineStack, for two reasons: it holds work not yet
 * processed (deleting it loses messages), and the bucket notification that feeds it would make a
 * cycle between the stacks (bucket → queue policy → bucket) if the queue were elsewhere.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key for the bucket, table, queues, secret and log groups. */
  public readonly key: kms.Key;
  /** Raw webhook bodies (`raw/`), rejected bodies (`rejected/`) and media (`media/`). */
  public readonly archiveBucket: s3.Bucket;
  /** Single-table archive built from `ARCHIVE_TABLE`. */
  public readonly archiveTable: dynamodb.Table;
  /** Receives an S3 notification for every object created under `raw/`. */
  public readonly ingestQueue: sqs.Queue;
  /** Messages that failed ingest `INGEST_MAX_RECEIVE_COUNT` times. */
  public readonly ingestDeadLetterQueue: sqs.Queue;
  /**
   * One message per media file to download into `media/`: sent by the ingest function (new
   * media) and the media sweeper (retries); consumed by the media-fetch function.
   */
  public readonly mediaQueue: sqs.Queue;
  /** Media messages that failed `MEDIA_MAX_RECEIVE_COUNT` times. */
  public readonly mediaDeadLetterQueue: sqs.Queue;
  /**
   * The analytics export (`exports/`, Parquet) and Athena's results (`athena-results/`). A bucket
   * of its own: the archive bucket may become WORM-locked, and the functions that handle
   * webhooks never get rights on it.
   */
  public readonly analyticsBucket: s3.Bucket;
  /** Glue database and tables over `exports/`, the Athena workgroup and its saved queries. */
  public readonly analyticsCatalog: AnalyticsCatalog;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'ArchiveKey', {
      description: `Vigia (${props.stage}): archive bucket, table, queues, secret and logs`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the key on behalf of log groups (function logs and API access
    // logs in the PipelineStack). It is not an IAM principal, so it needs a key policy statement.
    // The condition limits it to log groups of this account and region; the statement lives here,
    // not in the PipelineStack, so the key policy never references resources of another stack.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    this.archiveBucket = new s3.Bucket(this, 'ArchiveBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of one KMS call per object: cheaper and fewer throttles.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        // Parts of a multipart upload abandoned by a crashed media-fetch invocation are billed
        // until aborted; they are never objects. Nothing in the bucket expires: archive data,
        // and its old versions, are kept until someone deletes them on purpose.
        { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Derived data, rewritten by every export: not versioned. Query results expire after 30 days.
    this.analyticsBucket = new s3.Bucket(this, 'AnalyticsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'ExpireAthenaResults', prefix: ANALYTICS_PREFIXES.athenaResults, expiration: Duration.days(30) },
        { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.analyticsCatalog = new AnalyticsCatalog(this, 'AnalyticsCatalog', {
      stage: props.stage,
      bucket: this.analyticsBucket,
      key: this.key,
      firstDay: props.analyticsFirstDay,
    });

    this.archiveTable = new dynamodb.Table(this, 'ArchiveTable', {
      partitionKey: toAttribute(ARCHIVE_TABLE.partitionKey),
      sortKey: toAttribute(ARCHIVE_TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
      this.archiveTable.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
        projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      });
    }

    this.ingestDeadLetterQueue = new sqs.Queue(this, 'IngestDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.ingestQueue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: INGEST_QUEUE_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.ingestDeadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Media downloads. The queue holds work not yet done (the file is lost once Meta drops it
    // after 7 days), so it lives here with the ingest queue, retained.
    this.mediaDeadLetterQueue = new sqs.Queue(this, 'MediaDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.mediaQueue = new sqs.Queue(this, 'MediaQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: MEDIA_QUEUE_VISIBILITY_TIMEOUT,
      retentionPeriod: MEDIA_QUEUE_RETENTION,
      deadLetterQueue: { queue: this.mediaDeadLetterQueue, maxReceiveCount: MEDIA_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Every raw webhook body written by the webhook function is queued for ingest. The destination
    // adds the queue policy for S3 (scoped to this bucket) and lets S3 use the key to send to the
    // encrypted queue (see EncryptedQueueDestination for why not s3n.SqsDestination).
    this.archiveBucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new EncryptedQueueDestination(this.ingestQueue, this.key),
      { prefix: ARCHIVE_PREFIXES.raw },
    );

    new CfnOutput(this, 'ArchiveBucketName', {
      description: 'Archive bucket (raw webhooks, rejected bodies, media)',
      value: this.archiveBucket.bucketName,
    });
    new CfnOutput(this, 'ArchiveTableName', {
      description: 'Archive table (messages, statuses, contacts)',
      value: this.archiveTable.tableName,
    });
    new CfnOutput(this, 'ArchiveKeyArn', {
      description: 'Customer-managed KMS key of the archive',
      value: this.key.keyArn,
    });
    new CfnOutput(this, 'MediaQueueUrl', {
      description: 'Queue of media downloads (one message per media file)',
      value: this.mediaQueue.queueUrl,
    });
    new CfnOutput(this, 'AnalyticsBucketName', {
      description: 'Analytics bucket: Parquet exports (exports/) and Athena results (athena-results/)',
      value: this.analyticsBucket.bucketName,
    });
    new CfnOutput(this, 'GlueDatabaseName', {
      description: 'Glue database of the analytics tables (messages, statuses, alerts, media)',
      value: this.analyticsCatalog.database.ref,
    });
    new CfnOutput(this, 'AthenaWorkGroupName', {
      description: 'Athena workgroup for the analytics queries (enforced, encrypted results)',
      value: this.analyticsCatalog.workGroup.ref,
    });
    new CfnOutput(this, 'AnalyticsQueryPolicyArn', {
      description: 'Managed policy to attach to whoever queries the analytics (Athena, vigia query --stage)',
      value: this.analyticsCatalog.queryPolicy.managedPolicyArn,
    });
  }
}

function toAttribute(key: KeyDefinition): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}
