import { Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { MEDIA_FETCH_FUNCTION, MEDIA_SWEEPER_FUNCTION } from '../config';
import { FUNCTION_ENV } from '../function-env';
import { atLeastOnceAlarm, vigiaMetric } from './alarms';
import { deadLetterAlarm } from './async-dead-letter-queue';
import { PipelineFunction } from './pipeline-function';
import type { ArchiveResources } from './archive-resources';

export interface MediaCaptureProps extends ArchiveResources {
  /** Deployment stage (already validated): describes the schedule. */
  readonly stage: string;
  /** Media downloads: fed by the ingest function and the sweeper; consumed by media fetch. */
  readonly mediaQueue: sqs.IQueue;
  /** Dead-letter queue of `mediaQueue` (alarmed on). */
  readonly mediaDeadLetterQueue: sqs.IQueue;
  /** WhatsApp credentials: the Graph API access token. */
  readonly whatsAppSecret: secretsmanager.ISecret;
  /** Where the sweeper's schedule puts an event it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Graph API base URL (`validateGraphApiUrl`), set as `WHATSAPP_GRAPH_API_URL` on media fetch.
   * @default - the variable is not set and the function uses its own default Graph API URL
   */
  readonly graphApiUrl?: string;
}

/**
 * Media files, downloaded while Meta keeps them (7 days), steps 5–6 of the PipelineStack's flow:
 * the media-fetch function streams each queued file into `media/`, the hourly media sweeper
 * re-queues media still pending and publishes `MediaOverdue`; alarms watch overdue media, hash
 * mismatches and the media dead-letter queue.
 *
 * Creates its resources in `scope`, not under itself (docs/decisions.md, decision 1).
 */
export class MediaCapture extends Construct {
  public readonly mediaFetchFunction: PipelineFunction;
  public readonly mediaSweeperFunction: PipelineFunction;
  /** Runs the media sweeper every `MEDIA_SWEEPER_FUNCTION.scheduleRate`. */
  public readonly mediaSweeperSchedule: events.Rule;
  /** Media not stored 24 h after its webhook (from the sweeper's `MediaOverdue` metric). */
  public readonly mediaOverdueAlarm: cloudwatch.Alarm;
  /** A downloaded file did not match the SHA-256 announced in the webhook. */
  public readonly mediaHashMismatchAlarm: cloudwatch.Alarm;
  /** A media message exhausted its retries. */
  public readonly mediaDeadLetterAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: MediaCaptureProps) {
    super(scope, id);
    const { key, archiveTable, mediaQueue } = props;

    // The only function that can write media/: it uploads each file once (multipart above 5 MB)
    // to media/sha256/<hex>, so PutObject and AbortMultipartUpload there, and nothing else in S3.
    this.mediaFetchFunction = new PipelineFunction(scope, 'MediaFetchFunction', {
      entry: 'functions/media-fetch/handler.ts',
      description: 'Downloads WhatsApp media through the Graph API into media/',
      encryptionKey: key,
      memorySize: MEDIA_FETCH_FUNCTION.memorySize,
      timeout: MEDIA_FETCH_FUNCTION.timeout,
      ephemeralStorageSize: MEDIA_FETCH_FUNCTION.ephemeralStorageSize,
      environment: props.graphApiUrl === undefined ? undefined : { [FUNCTION_ENV.graphApiUrl]: props.graphApiUrl },
    })
      .bindArchiveBucketPrefix(props.archiveBucket, ARCHIVE_PREFIXES.media, 'upload')
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindSecret(props.whatsAppSecret);
    // One file per invocation; reportBatchItemFailures keeps the handler's {batchItemFailures} contract honoured.
    this.mediaFetchFunction.addEventSource(
      new SqsEventSource(mediaQueue, {
        batchSize: MEDIA_FETCH_FUNCTION.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    // Finds media still pending (table index byMediaState) and re-queues it. No S3 access at all.
    this.mediaSweeperFunction = new PipelineFunction(scope, 'MediaSweeperFunction', {
      entry: 'functions/media-sweeper/handler.ts',
      description: 'Re-queues pending media and reports overdue media',
      encryptionKey: key,
      memorySize: MEDIA_SWEEPER_FUNCTION.memorySize,
      timeout: MEDIA_SWEEPER_FUNCTION.timeout,
    })
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindQueueSender(mediaQueue, FUNCTION_ENV.mediaQueueUrl);
    this.mediaSweeperSchedule = new events.Rule(scope, 'MediaSweeperSchedule', {
      description: `Vigia (${props.stage}): runs the media sweeper`,
      schedule: events.Schedule.rate(MEDIA_SWEEPER_FUNCTION.scheduleRate),
      targets: [
        new eventsTargets.LambdaFunction(this.mediaSweeperFunction, {
          // The next run (an hour later) does the same work, so retrying beyond it is no use.
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: MEDIA_SWEEPER_FUNCTION.scheduleRate,
        }),
      ],
    });

    this.mediaOverdueAlarm = atLeastOnceAlarm(scope, 'MediaOverdueAlarm', vigiaMetric(VIGIA_METRICS.mediaOverdue, cloudwatch.Stats.MAXIMUM),
      'Media not stored 24 h after its webhook (Meta deletes media after 7 days): check the media-fetch logs and the media DLQ',
    );
    this.mediaHashMismatchAlarm = atLeastOnceAlarm(scope, 'MediaHashMismatchAlarm', vigiaMetric(VIGIA_METRICS.mediaHashMismatch, cloudwatch.Stats.SUM),
      'A downloaded media file did not match the SHA-256 announced in its webhook',
    );
    this.mediaDeadLetterAlarm = deadLetterAlarm(
      scope,
      'MediaDeadLetterAlarm',
      props.mediaDeadLetterQueue,
      'Media downloads failed after every retry: inspect and redrive the media dead-letter queue',
    );
  }
}

/** Throws unless `url` is absent, a token, or an https URL without query or fragment (before any construct exists). */
export function validateGraphApiUrl(url: string | undefined): void {
  if (url === undefined || Token.isUnresolved(url)) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // https only: the function sends the WhatsApp access token to it as a bearer token.
  if (parsed?.protocol !== 'https:' || parsed.search || parsed.hash) {
    throw new Error(
      `Invalid graphApiUrl ${JSON.stringify(url)}: use an https URL without query or fragment ` +
        '(e.g. "https://graph.facebook.com/v25.0").',
    );
  }
}
