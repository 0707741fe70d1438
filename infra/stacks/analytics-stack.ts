import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { LOG_RETENTION_CONTEXT, OTHER_STAGE_DEFAULTS } from '../config';
import { AnalyticsExport } from '../constructs/analytics-export';
import { AsyncDeadLetterQueue } from '../constructs/async-dead-letter-queue';
import { notifyOnAlarm } from '../constructs/ops-notifications';

export interface AnalyticsStackProps extends StackProps {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /** The deployment config: lines (employee, team) and the `analytics` settings. */
  readonly config: VigiaConfig;
  /** Key of the StatefulStack: encrypts the log group. */
  readonly key: kms.IKey;
  /** Read by the export (table and indexes only). */
  readonly archiveTable: dynamodb.ITable;
  /** The StatefulStack's analytics bucket, where the export writes `exports/`. */
  readonly analyticsBucket: s3.IBucket;
  /** The ops topic (StatefulStack): every alarm of this stack notifies it. */
  readonly opsTopic: sns.ITopic;
  /**
   * Retention of the stack's log group, in days.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * The analytics export, stateless (safe to destroy and redeploy): the function that writes the
 * archive table as Parquet to the analytics bucket, its EventBridge schedule and its alarm.
 *
 * The data it writes, the Glue tables and the Athena workgroup over it live in the StatefulStack
 * (AnalyticsCatalog, next to the bucket): queries keep working while this stack is replaced.
 * It depends on the StatefulStack only; the capture path (PipelineStack) knows nothing of it.
 */
export class AnalyticsStack extends Stack {
  public readonly analyticsExport: AnalyticsExport;
  /** Failed asynchronous deliveries of this stack: export invocations and schedule events. */
  public readonly asyncDeadLetterQueue: AsyncDeadLetterQueue;

  public constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    this.node.setContext(LOG_RETENTION_CONTEXT, props.logRetentionDays ?? OTHER_STAGE_DEFAULTS.logRetentionDays);
    this.asyncDeadLetterQueue = AsyncDeadLetterQueue.of(this, props.key);

    this.analyticsExport = new AnalyticsExport(this, 'AnalyticsExport', {
      config: props.config,
      key: props.key,
      archiveTable: props.archiveTable,
      analyticsBucket: props.analyticsBucket,
    });
    notifyOnAlarm(this, props.opsTopic);

    new CfnOutput(this, 'AnalyticsExportFunctionName', {
      description: 'Function that exports the archive to Parquet (hourly; `vigia export --stage` invokes it)',
      value: this.analyticsExport.function.functionName,
    });
  }
}
