import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_WATERMARK_KEY } from '../../shared/analytics/export-schema';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { ANALYTICS_PREFIXES } from '../../shared/resources/definitions';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { atLeastOnceAlarm } from './alarms';
import { AsyncDeadLetterQueue } from './async-dead-letter-queue';
import { PipelineFunction } from './pipeline-function';

/**
 * The export function: a scheduled run exports a few days (seconds); the first run, a new schema
 * version or `vigia export --since` over months exports every day since, one DynamoDB query per
 * message with statuses: up to Lambda's 15 minutes. Rows of a day are held in memory.
 */
export const ANALYTICS_EXPORT_FUNCTION = {
  memorySize: 1024,
  timeout: Duration.minutes(15),
} as const;

export interface AnalyticsExportProps {
  /** The deployment config, inlined into the function: lines (employee, team) and `analytics`. */
  readonly config: VigiaConfig;
  /** Encrypts the function's log group. */
  readonly key: kms.IKey;
  /** Read only: the table and its indexes. */
  readonly archiveTable: dynamodb.ITable;
  /** Written under `exports/`, plus the watermark object. */
  readonly analyticsBucket: s3.IBucket;
}

/**
 * Exports the archive table to Parquet in the analytics bucket (shared/analytics/export.ts):
 * every `analytics.scheduleHours` hours (EventBridge), and on demand (`vigia export --stage`
 * invokes it with `{since}`). Rights: read the table and its indexes; write and delete under
 * `exports/`; read and write its watermark object. Nothing on the archive bucket, nothing else in
 * the analytics bucket (not even reading the exports back).
 */
export class AnalyticsExport extends Construct {
  public readonly function: PipelineFunction;
  /** Runs the export every `analytics.scheduleHours` hours. */
  public readonly schedule: events.Rule;
  /** An export run failed (a scheduled run is retried twice by EventBridge first). */
  public readonly failedAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AnalyticsExportProps) {
    super(scope, id);
    const { config } = props;

    this.function = new PipelineFunction(this, 'AnalyticsExportFunction', {
      entry: 'functions/analytics-export/handler.ts',
      description: 'Exports messages, statuses, alerts and media to Parquet in the analytics bucket',
      encryptionKey: props.key,
      memorySize: ANALYTICS_EXPORT_FUNCTION.memorySize,
      timeout: ANALYTICS_EXPORT_FUNCTION.timeout,
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(config)) },
    }).bindArchiveTable(props.archiveTable, 'read');
    bindAnalyticsExports(this.function, props.analyticsBucket);

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs the analytics export every ${config.analytics.scheduleHours} hour(s)`,
      schedule: events.Schedule.rate(Duration.hours(config.analytics.scheduleHours)),
      // A run that outlives the next one's start is no use: retry within the hour only. An event
      // EventBridge could not deliver goes to the stack's dead-letter queue (alarmed on).
      targets: [
        new eventsTargets.LambdaFunction(this.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: AsyncDeadLetterQueue.of(this, props.key).queue,
        }),
      ],
    });

    this.failedAlarm = atLeastOnceAlarm(this, 'FailedAlarm', this.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.hours(1) }),
      'An analytics export run failed: check the analytics-export function logs (the next run exports the same days again)',
    );
  }
}

/**
 * Sets `ANALYTICS_BUCKET` and grants what the export does, only there:
 * - PutObject and DeleteObject on `exports/*` (a day with no rows has its file deleted);
 * - GetObject and PutObject on the watermark object;
 * - ListBucket limited to the watermark key (`s3:prefix`), so a missing watermark is a 404, not a 403;
 * - on the bucket's key, through S3 only: GenerateDataKey (writes) and Decrypt (the watermark read).
 */
export function bindAnalyticsExports(fn: PipelineFunction, bucket: s3.IBucket): PipelineFunction {
  fn.addEnvironment(FUNCTION_ENV.analyticsBucket, bucket.bucketName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [bucket.arnForObjects(`${ANALYTICS_PREFIXES.exports}*`)] }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [bucket.arnForObjects(EXPORT_WATERMARK_KEY)] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: { 's3:prefix': EXPORT_WATERMARK_KEY } },
    }),
  );
  if (bucket.encryptionKey) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  return fn;
}
