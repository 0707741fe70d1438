import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { AnalyticsExport } from '../constructs/analytics-export';

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
  /**
   * Topic notified when the export alarm goes into ALARM.
   * @default - the alarm has no action (visible in the CloudWatch console only)
   */
  readonly alarmTopic?: sns.ITopic;
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

  public constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);

    this.analyticsExport = new AnalyticsExport(this, 'AnalyticsExport', {
      config: props.config,
      key: props.key,
      archiveTable: props.archiveTable,
      analyticsBucket: props.analyticsBucket,
    });
    if (props.alarmTopic) this.analyticsExport.failedAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));

    new CfnOutput(this, 'AnalyticsExportFunctionName', {
      description: 'Function that exports the archive to Parquet (hourly; `vigia export --stage` invokes it)',
      value: this.analyticsExport.function.functionName,
    });
  }
}
