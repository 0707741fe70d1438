import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { REDRIVE_FUNCTION } from '../config';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { atLeastOnceAlarm, vigiaMetric } from './alarms';
import { ComplianceFlow } from './compliance-flow';
import { PipelineFunction } from './pipeline-function';
import type { ArchiveResources } from './archive-resources';

export interface ComplianceChecksProps extends ArchiveResources {
  /** Deployment stage (already validated): describes the schedule. */
  readonly stage: string;
  /** Deployment config: the policies inlined into the flow's functions and the re-drive. */
  readonly config: VigiaConfig;
  /** WhatsApp credentials: the flow's media download. */
  readonly whatsAppSecret: secretsmanager.ISecret;
  /** Where the notify task and the re-drive publish alerts. */
  readonly alertsTopic: sns.ITopic;
  /** Where the re-drive's schedule puts an event it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Graph API base URL for the flow's media download.
   * @default - the function's own default Graph API URL
   */
  readonly graphApiUrl?: string;
}

/**
 * The compliance checks of every message (step 7 of the PipelineStack's flow): the ComplianceFlow
 * state machine and its alarms, and the hourly re-drive, the chain's safety net, which starts the
 * flow again for messages whose check has not completed and delivers alerts not yet delivered.
 *
 * Creates its resources in `scope`, not under itself (docs/decisions.md, decision 1).
 */
export class ComplianceChecks extends Construct {
  /** The compliance state machine and its functions. */
  public readonly complianceFlow: ComplianceFlow;
  /** Re-drives unchecked messages and undelivered alerts (functions/redrive). */
  public readonly redriveFunction: PipelineFunction;
  /** Runs the re-drive every `REDRIVE_FUNCTION.scheduleRate`. */
  public readonly redriveSchedule: events.Rule;
  /** A flow execution failed (after its RecordFailure step). */
  public readonly complianceFlowFailedAlarm: cloudwatch.Alarm;
  /** A flow execution ran into the state machine's timeout (no RecordFailure then). */
  public readonly complianceFlowTimedOutAlarm: cloudwatch.Alarm;
  /** Amazon Comprehend throttled the sentiment check (`ComprehendThrottled`). */
  public readonly comprehendThrottledAlarm: cloudwatch.Alarm;
  /** Messages still unchecked an hour after they were archived. */
  public readonly uncheckedMessagesAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: ComplianceChecksProps) {
    super(scope, id);
    const { key, archiveTable } = props;

    this.complianceFlow = new ComplianceFlow(scope, 'ComplianceFlow', {
      config: props.config,
      key,
      archiveBucket: props.archiveBucket,
      archiveTable,
      whatsAppSecret: props.whatsAppSecret,
      alertsTopic: props.alertsTopic,
      graphApiUrl: props.graphApiUrl,
    });
    const { stateMachine, encryptionKey } = this.complianceFlow;

    this.redriveFunction = new PipelineFunction(scope, 'RedriveFunction', {
      entry: 'functions/redrive/handler.ts',
      description: 'Re-drives unchecked messages and undelivered alerts',
      encryptionKey: key,
      memorySize: REDRIVE_FUNCTION.memorySize,
      timeout: REDRIVE_FUNCTION.timeout,
      // The subscriptions come from the config.
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(props.config)) },
      environment: {
        REDRIVE_CHECK_GRACE_SECONDS: String(REDRIVE_FUNCTION.checkGrace.toSeconds()),
        REDRIVE_NOTIFY_GRACE_SECONDS: String(REDRIVE_FUNCTION.notifyGrace.toSeconds()),
        REDRIVE_UNCHECKED_ALARM_SECONDS: String(REDRIVE_FUNCTION.uncheckedAlarmAfter.toSeconds()),
        REDRIVE_MAX_CHECK_REDRIVES: String(REDRIVE_FUNCTION.maxCheckRedrives),
      },
    })
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindStateMachine(stateMachine, undefined, encryptionKey)
      .bindTopicPublisher(props.alertsTopic, FUNCTION_ENV.alertsTopicArn);
    this.redriveSchedule = new events.Rule(scope, 'RedriveSchedule', {
      description: `Vigia (${props.stage}): re-drives unchecked messages and undelivered alerts`,
      schedule: events.Schedule.rate(REDRIVE_FUNCTION.scheduleRate),
      targets: [
        new eventsTargets.LambdaFunction(this.redriveFunction, {
          // The next run does the same work from stored state: retrying beyond it is no use.
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: REDRIVE_FUNCTION.scheduleRate,
        }),
      ],
    });

    const executions = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
    this.complianceFlowFailedAlarm = atLeastOnceAlarm(scope, 'ComplianceFlowFailedAlarm', stateMachine.metricFailed(executions),
      'A compliance flow execution failed (the error is recorded on the message): check the state machine logs',
    );
    this.complianceFlowTimedOutAlarm = atLeastOnceAlarm(scope, 'ComplianceFlowTimedOutAlarm', stateMachine.metricTimedOut(executions),
      'A compliance flow execution timed out (nothing is recorded on the message): check the state machine logs for the slow task',
    );
    // After the SDK's and the flow's retries (the sentiment is then reported as failed): the
    // account's Comprehend quota is too small for the traffic.
    this.comprehendThrottledAlarm = atLeastOnceAlarm(scope, 'ComprehendThrottledAlarm', vigiaMetric(VIGIA_METRICS.comprehendThrottled, cloudwatch.Stats.SUM),
      'Amazon Comprehend throttled the sentiment check: messages may lose their sentiment check. Raise the DetectSentiment quota (Service Quotas) or use sentiment.analyzer: screened',
    );
    this.uncheckedMessagesAlarm = atLeastOnceAlarm(scope, 'UncheckedMessagesAlarm', vigiaMetric(VIGIA_METRICS.uncheckedMessages, cloudwatch.Stats.MAXIMUM),
      'Messages whose compliance check has not completed an hour after they were archived: the re-drive starts them again; check the flow failures and the state machine logs',
    );

    new CfnOutput(scope, 'ComplianceStateMachineArn', {
      description: 'Express state machine that runs the compliance checks of one message',
      value: stateMachine.stateMachineArn,
    });
  }
}
