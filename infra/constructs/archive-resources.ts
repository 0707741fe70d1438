import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** The StatefulStack's resources every part of the pipeline works on. */
export interface ArchiveResources {
  /** The customer-managed key: encrypts what the part creates (secrets, topics, state machines, log groups). */
  readonly key: kms.IKey;
  /** Raw webhooks under `raw/`, media files under `media/`. */
  readonly archiveBucket: s3.IBucket;
  /** The one table of messages, statuses, media, alerts and notices. */
  readonly archiveTable: dynamodb.ITable;
}
