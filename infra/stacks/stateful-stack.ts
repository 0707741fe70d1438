import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ObjectLockSettings, OpsSettings } from '../../shared/config/vigia-config';
import { ANALYTICS_PREFIXES, ARCHIVE_PREFIXES, ARCHIVE_TABLE, type KeyDefinition } from '../../shared/resources/definitions';
import {
  INGEST_MAX_RECEIVE_COUNT,
  LOG_RETENTION_CONTEXT,
  OTHER_STAGE_DEFAULTS,
  INGEST_QUEUE_VISIBILITY_TIMEOUT,
  evidenceSigningKeyAlias,
  MEDIA_MAX_RECEIVE_COUNT,
  MEDIA_QUEUE_RETENTION,
  MEDIA_QUEUE_VISIBILITY_TIMEOUT,
} from '../config';
import { AnalyticsCatalog } from '../constructs/analytics-catalog';
import { ASYNC_DEAD_LETTER_QUEUE_ID, AsyncDeadLetterQueue, deadLetterAlarm } from '../constructs/async-dead-letter-queue';
import { EncryptedQueueDestination } from '../constructs/encrypted-queue-destination';
import { notifyOnAlarm, OpsNotifications } from '../constructs/ops-notifications';
import { evidenceSigningKeyPolicy } from '../constructs/tamper-evidence';
import { RETENTION_TAG_KEY } from '../../shared/privacy/retention';

export interface StatefulStackProps extends StackProps {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /**
   * First day Athena's partition projection covers (`analytics.firstDay` of the config).
   * @default '2022-01-01'
   */
  readonly analyticsFirstDay?: string;
  /**
   * `retention.days` of the config: raw/, rejected/ and media/ objects tagged
   * `vigia-retention=expire` expire this many days after they were written (docs/privacy.md).
   * @default - no object expires
   */
  readonly retentionDays?: number;
  /**
   * `archive.objectLock` of the config: S3 Object Lock on the archive bucket, with this default
   * retention for every new object version. Cannot be turned off once deployed.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockSettings;
  /**
   * `ops` of the config: who is subscribed to the ops topic.
   * @default - the topic has no subscriptions
   */
  readonly ops?: Pick<OpsSettings, 'email' | 'sms'>;
  /**
   * Retention of the stack's log groups (none today; set for the constructs below, see LOG_RETENTION_CONTEXT).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Days the S3 server access logs of the archive and analytics buckets are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
}

/**
 * Everything that holds data or unprocessed work: the customer-managed key, the archive bucket,
 * the archive table, and the ingest and media queues with their dead-letter queues. All of it is
 * RETAIN and has stable construct IDs: renaming one of them replaces the resource. Also the
 * S3 access-logs bucket (retained) and the ops topic, which every alarm of every stack notifies:
 * here, so that the PipelineStack and the AnalyticsStack both depend on this stack only.
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
  /**
   * S3 server access logs of the archive and analytics buckets (`archive/`, `analytics/`). SSE-S3,
   * not the KMS key: S3 log delivery cannot write to a bucket whose default encryption is SSE-KMS.
   */
  public readonly accessLogsBucket: s3.Bucket;
  /** Failed ops notifications (the ops topic subscriptions' dead letters). */
  public readonly asyncDeadLetterQueue: AsyncDeadLetterQueue;
  /** The ops topic (every alarm of every Vigia stack) and its subscriptions. */
  public readonly ops: OpsNotifications;
  /** An ingest message failed every retry. */
  public readonly ingestDeadLetterAlarm: cloudwatch.Alarm;
  /**
   * Signs the tamper-evidence digests (ECC_NIST_P256, SIGN_VERIFY; docs/evidence.md): only the
   * seal function may sign with it. Not a store key: it encrypts nothing.
   */
  public readonly evidenceSigningKey: kms.Key;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.node.setContext(LOG_RETENTION_CONTEXT, props.logRetentionDays ?? OTHER_STAGE_DEFAULTS.logRetentionDays);

    this.key = new kms.Key(this, 'ArchiveKey', {
      description: `Vigia (${props.stage}): archive bucket, table, queues, topics, secrets, state machine and logs`,
      enableKeyRotation: true,
      // Scheduling the key for deletion leaves 30 days (the maximum) to cancel it: once deleted,
      // everything it encrypted (the whole archive) is unreadable for good.
      pendingWindow: Duration.days(30),
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
    // Services that write to the encrypted topics and queues on their own behalf (not through an
    // IAM role of the account): CloudWatch alarms publish to the ops topic; SNS moves undeliverable
    // notifications to an encrypted dead-letter queue; EventBridge moves undeliverable schedule
    // events to one. What a producer needs (GenerateDataKey, Decrypt), for requests on behalf of
    // this account only (confused-deputy protection).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowServicesOfThisAccountToSendToEncryptedTopicsAndQueues',
        principals: ['cloudwatch.amazonaws.com', 'sns.amazonaws.com', 'events.amazonaws.com'].map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    // Signs the tamper-evidence digests. Retained like the archive: every digest names it, and an
    // auditor checks them with its public key for as long as the archive is kept. No rotation: KMS
    // cannot rotate asymmetric keys (a new key would be a new key ID, named by the digests it signs).
    this.evidenceSigningKey = new kms.Key(this, 'EvidenceSigningKey', {
      description: `Vigia (${props.stage}): signs the tamper-evidence digests of the archive`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      policy: evidenceSigningKeyPolicy(props.stage),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.evidenceSigningKey.addAlias(evidenceSigningKeyAlias(props.stage));

    // S3 server access logs of the two data buckets: who read or wrote which object, kept
    // `accessLogRetentionDays`. S3 log delivery supports only SSE-S3 (AES256) as the target bucket's
    // default encryption, not SSE-KMS: this bucket alone is not on the customer-managed key. It holds
    // request metadata (object keys, requesters, IPs), never message content.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Log delivery is granted by the bucket policy (logging.s3.amazonaws.com, these buckets and account only).
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'ExpireAccessLogs', expiration: Duration.days(props.accessLogRetentionDays ?? OTHER_STAGE_DEFAULTS.accessLogRetentionDays) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

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
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      // WORM (archive.objectLock): every new object version is locked for `days` in `mode`. Absent,
      // the bucket has no Object Lock configuration at all.
      ...objectLockProps(props.objectLock),
      lifecycleRules: [
        // Parts of a multipart upload abandoned by a crashed media-fetch invocation are billed
        // until aborted; they are never objects. Without `retention` nothing in the bucket
        // expires: archive data, and its old versions, are kept until someone deletes them on purpose.
        { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...retentionRules(props.retentionDays),
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
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'analytics/',
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
      // Retention (docs/privacy.md): items are written with `expiresAt` (epoch seconds) when
      // `retention.days` is set; DynamoDB deletes them after it, at no cost. Held items carry
      // `heldExpiresAt` instead, which TTL ignores. Items without the attribute never expire.
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
      this.archiveTable.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
        ...(typeof index.projection === 'object'
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.include] }
          : { projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL }),
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

    // Operations: the ops topic every alarm of every stack notifies, its subscriptions, and their
    // dead-letter queue (retained, like everything here).
    this.asyncDeadLetterQueue = new AsyncDeadLetterQueue(this, ASYNC_DEAD_LETTER_QUEUE_ID, { key: this.key, removalPolicy: RemovalPolicy.RETAIN });
    this.ops = new OpsNotifications(this, 'Ops', {
      stage: props.stage,
      key: this.key,
      ops: props.ops ?? { email: [], sms: [] },
      deadLetterQueue: this.asyncDeadLetterQueue.queue,
    });
    this.ingestDeadLetterAlarm = deadLetterAlarm(
      this,
      'IngestDeadLetterAlarm',
      this.ingestDeadLetterQueue,
      'Raw webhooks failed ingest after every retry (archived in raw/ but not in the table): inspect and redrive the ingest dead-letter queue',
    );
    // The media dead-letter queue's alarm is the PipelineStack's MediaDeadLetterAlarm.
    notifyOnAlarm(this, this.ops.topic);

    new CfnOutput(this, 'OpsTopicArn', {
      description: 'Ops topic: every Vigia alarm notifies it (subscribe more endpoints here, or with ops.email / ops.sms in the config)',
      value: this.ops.topic.topicArn,
    });
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
    new CfnOutput(this, 'EvidenceSigningKeyArn', {
      description: 'KMS key that signs the tamper-evidence digests (`vigia evidence public-key --out key.pem` exports its public key)',
      value: this.evidenceSigningKey.keyArn,
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

/**
 * Retention of the archive bucket's objects: per area, objects tagged `vigia-retention=expire`
 * (every object is written with it; a legal hold re-tags its objects `hold`) expire `days` after
 * they were written. The bucket is versioned, so expiring makes the object a noncurrent version,
 * which goes a day later (its tag still says `expire`; a held object's old versions stay), and
 * the delete markers left behind are cleaned up. S3 lifecycle filters can require a tag but not
 * exclude one: expiry is opt-in per object, which is what lets a hold protect it.
 */
function retentionRules(days: number | undefined): s3.LifecycleRule[] {
  if (days === undefined) return [];
  const areas = [
    ['Raw', ARCHIVE_PREFIXES.raw],
    ['Rejected', ARCHIVE_PREFIXES.rejected],
    ['Media', ARCHIVE_PREFIXES.media],
  ] as const;
  return areas.flatMap(([name, prefix]) => [
    {
      id: `Retention${name}`,
      prefix,
      tagFilters: { [RETENTION_TAG_KEY]: 'expire' },
      expiration: Duration.days(days),
      noncurrentVersionExpiration: Duration.days(1),
    },
    { id: `Retention${name}DeleteMarkers`, prefix, expiredObjectDeleteMarker: true },
  ]);
}

/**
 * S3 Object Lock of the archive bucket (`archive.objectLock`): a default retention on every new
 * object version. Nothing without the setting (not even `ObjectLockEnabled: false`).
 */
function objectLockProps(lock: ObjectLockSettings | undefined): Pick<s3.BucketProps, 'objectLockEnabled' | 'objectLockDefaultRetention'> {
  if (!lock) return {};
  const duration = Duration.days(lock.days);
  return {
    objectLockEnabled: true,
    objectLockDefaultRetention:
      lock.mode === 'COMPLIANCE' ? s3.ObjectLockRetention.compliance(duration) : s3.ObjectLockRetention.governance(duration),
  };
}

function toAttribute(key: KeyDefinition): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}
