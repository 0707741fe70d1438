import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * S3 event notifications to an SQS queue encrypted with the same KMS key as the bucket.
 *
 * `s3n.SqsDestination` cannot do this: it grants S3 the key with an `aws:SourceArn = <bucket>`
 * condition in the key policy, while the bucket references the key for its own encryption, so
 * key → bucket → key is a CloudFormation cycle. Here the bucket condition stays in the queue
 * policy, and the key policy statement for S3 is the one AWS documents for encrypted queue
 * destinations (GenerateDataKey and Decrypt, no bucket reference).
 */
export class EncryptedQueueDestination implements s3.IBucketNotificationDestination {
  public constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  public bind(_scope: Construct, bucket: s3.IBucketRef): s3.BucketNotificationDestinationConfig {
    const s3Principal = new iam.ServicePrincipal('s3.amazonaws.com');
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowArchiveBucketNotifications',
        principals: [s3Principal],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketRef.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3ToSendToEncryptedQueues',
        principals: [s3Principal],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      // S3 checks the destination's permissions when the notification is configured.
      dependencies: [this.queue],
    };
  }
}
