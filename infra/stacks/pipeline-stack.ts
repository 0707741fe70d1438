import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { subscriptionsFromConfig } from '../../shared/compliance/notifications';
import { complianceChecksOf, type VigiaConfig } from '../../shared/config/vigia-config';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import {
  INGEST_FUNCTION,
  LOG_RETENTION_CONTEXT,
  logRetentionOf,
  MEDIA_FETCH_FUNCTION,
  MEDIA_SWEEPER_FUNCTION,
  REDRIVE_FUNCTION,
  OTHER_STAGE_DEFAULTS,
  WEBHOOK_FUNCTION,
  WEBHOOK_ALARMS,
} from '../config';
import { AsyncDeadLetterQueue } from '../constructs/async-dead-letter-queue';
import { ComplianceFlow } from '../constructs/compliance-flow';
import { ContactDisclosure } from '../constructs/contact-disclosure';
import { EmployeeNotice } from '../constructs/employee-notice';
import { notifyOnAlarm } from '../constructs/ops-notifications';
import { PipelineFunction } from '../constructs/pipeline-function';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';

export interface PipelineStackProps extends StackProps {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /**
   * Deployment config (`vigia.config.yaml`): the compliance policies inlined into the compliance
   * functions, and the managers subscribed to the alerts topic.
   */
  readonly config: VigiaConfig;
  /** Key of the StatefulStack: encrypts the secret, the alerts topic and the log groups. */
  readonly key: kms.IKey;
  readonly archiveBucket: s3.IBucket;
  readonly archiveTable: dynamodb.ITable;
  /** Fed by the bucket's `raw/` notifications; consumed by the ingest function. */
  readonly ingestQueue: sqs.IQueue;
  /** Media downloads: fed by the ingest and media-sweeper functions; consumed by media fetch. */
  readonly mediaQueue: sqs.IQueue;
  /** Dead-letter queue of `mediaQueue` (alarmed on). */
  readonly mediaDeadLetterQueue: sqs.IQueue;
  /**
   * Graph API base URL for media downloads (https, e.g. `https://graph.facebook.com/v25.0`),
   * set as `WHATSAPP_GRAPH_API_URL` on the media-fetch function. Validated before any construct is created.
   * @default - the variable is not set and the function uses its own default Graph API URL
   */
  readonly graphApiUrl?: string;
  /**
   * The ops topic (StatefulStack): every alarm of this stack notifies it when it goes into ALARM.
   */
  readonly opsTopic: sns.ITopic;
  /**
   * Retention of the stack's log groups (functions, state machine, API access logs), in days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Default-stage throttling of the webhook API.
   * @default - burst 500, rate 1000 requests per second
   */
  readonly apiThrottle?: { readonly burstLimit: number; readonly rateLimit: number };
}

/**
 * The capture path, stateless (safe to destroy and redeploy):
 *
 * 1. Meta calls `GET /webhook` (verification) or `POST /webhook` (events) on the HTTP API.
 * 2. The webhook function checks the signature with the WhatsApp secret and writes the body,
 *    verbatim, to `raw/` (or `rejected/` when it is signed but unusable).
 * 3. The bucket notifies the ingest queue (StatefulStack) for every object under `raw/`.
 * 4. The ingest function reads the raw object and projects it into the archive table,
 *    reporting per-message failures so only those are retried (then dead-lettered). It queues
 *    one message per new media file on the media queue (StatefulStack).
 * 5. The media-fetch function downloads each file through the Graph API (Meta keeps it 7 days)
 *    and streams it into `media/`, one file per invocation.
 * 6. Every hour the media-sweeper function re-queues media still pending and publishes the
 *    `MediaOverdue` metric. Alarms watch it, hash mismatches and the media dead-letter queue.
 * 7. The ingest function starts the compliance flow (ComplianceFlow, an Express state machine)
 *    for every new message, and the media-fetch function again once a file is stored. The flow
 *    records check results and alerts, and publishes new alerts to the alerts topic, to which
 *    the managers of the config are subscribed (e-mail, SMS) with a filter on team and severity.
 */
export class PipelineStack extends Stack {
  public readonly whatsAppSecret: secretsmanager.Secret;
  public readonly webhookFunction: PipelineFunction;
  public readonly ingestFunction: PipelineFunction;
  public readonly api: HttpApi;
  public readonly mediaFetchFunction: PipelineFunction;
  public readonly mediaSweeperFunction: PipelineFunction;
  /** Runs the media sweeper every `MEDIA_SWEEPER_FUNCTION.scheduleRate`. */
  public readonly mediaSweeperSchedule: events.Rule;
  /**
   * The re-drive: starts the compliance flow again for messages whose check has not completed, and
   * delivers alerts not yet delivered to every matching subscription (functions/redrive).
   */
  public readonly redriveFunction: PipelineFunction;
  /** Runs the re-drive every `REDRIVE_FUNCTION.scheduleRate`. */
  public readonly redriveSchedule: events.Rule;
  /** Messages still unchecked an hour after they were archived. */
  public readonly uncheckedMessagesAlarm: cloudwatch.Alarm;
  /** Alerts the flow did not deliver to every matching subscription within the grace period. */
  public readonly unnotifiedAlertsAlarm: cloudwatch.Alarm;
  /** Signed webhook bodies that were not usable (kept under rejected/, answered 200). */
  public readonly webhookRejectedAlarm: cloudwatch.Alarm;
  /** Media not stored 24 h after its webhook (from the sweeper's `MediaOverdue` metric). */
  public readonly mediaOverdueAlarm: cloudwatch.Alarm;
  /** A downloaded file did not match the SHA-256 announced in the webhook. */
  public readonly mediaHashMismatchAlarm: cloudwatch.Alarm;
  /** A media message exhausted its retries. */
  public readonly mediaDeadLetterAlarm: cloudwatch.Alarm;
  /**
   * New compliance alerts (KMS-encrypted with the stack key). Messages carry the attributes
   * `team` (String) and `severityRank` (Number) that the subscription filter policies match.
   */
  public readonly alertsTopic: sns.Topic;
  /** One subscription per manager e-mail and phone of the config, keyed by subscription id. */
  public readonly alertSubscriptions: Readonly<Record<string, sns.Subscription>>;
  /** The compliance state machine and its functions. */
  public readonly complianceFlow: ComplianceFlow;
  /** A compliance flow execution failed (after its RecordFailure step). */
  public readonly complianceFlowFailedAlarm: cloudwatch.Alarm;
  /** A compliance flow execution ran into the state machine's timeout (no RecordFailure then). */
  public readonly complianceFlowTimedOutAlarm: cloudwatch.Alarm;
  /**
   * The usage-policy notice to the lines' employees and its acknowledgement route (`/notice/ack`).
   * Only with `privacy.employeeNotice` in the config.
   */
  public readonly employeeNotice?: EmployeeNotice;
  /** The first-contact disclosure, fed by the ingest function. Only with `privacy.disclosure` enabled. */
  public readonly contactDisclosure?: ContactDisclosure;
  /**
   * Failed asynchronous deliveries of this stack: function invocations, schedule targets, alert
   * notifications (its alarm is `asyncDeadLetterQueue.alarm`).
   */
  public readonly asyncDeadLetterQueue: AsyncDeadLetterQueue;
  /** More than `WEBHOOK_ALARMS.clientErrorRatePercent` % of the webhook API's requests answered 4xx. */
  public readonly webhookClientErrorRateAlarm: cloudwatch.Alarm;
  /** More than `WEBHOOK_ALARMS.serverErrorRatePercent` % of the webhook API's requests answered 5xx. */
  public readonly webhookServerErrorRateAlarm: cloudwatch.Alarm;
  /** POSTs whose signature did not verify (the webhook's `Webhook_bad_signature` metric). */
  public readonly webhookSignatureFailureAlarm: cloudwatch.Alarm;
  /**
   * Capture gap, one per configured line that expects traffic (keyed by phone number ID): no
   * webhook for the line in `ops.captureGapHours`, missing data counting as breaching.
   */
  public readonly captureGapAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Amazon Comprehend throttled the sentiment check (`ComprehendThrottled`). */
  public readonly comprehendThrottledAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: PipelineStackProps) {
    validateGraphApiUrl(props.graphApiUrl);
    const alertSubscriptions = subscriptionsFromConfig(props.config);
    validateAlertSubscriptions(alertSubscriptions);
    super(scope, id, props);
    // Every log group below (functions, state machine, API) gets the stage's retention.
    this.node.setContext(LOG_RETENTION_CONTEXT, props.logRetentionDays ?? OTHER_STAGE_DEFAULTS.logRetentionDays);
    const { key, archiveBucket, archiveTable, ingestQueue, mediaQueue, mediaDeadLetterQueue } = props;
    // Created before the functions, which all use it (PipelineFunction's default dead-letter queue).
    this.asyncDeadLetterQueue = AsyncDeadLetterQueue.of(this, key);

    // WhatsApp credentials, as JSON {appSecret, verifyToken, accessToken}. CloudFormation creates
    // the secret with a generated random `verifyToken` (usable as-is when registering the webhook
    // with Meta) and empty `appSecret` / `accessToken`: no secret value is ever in the template.
    // The user overwrites the secret with the real values from the Meta app dashboard
    // (`aws secretsmanager put-secret-value`); CloudFormation does not reset it on later deploys.
    // The functions must treat an empty appSecret as "not configured" and reject every request.
    this.whatsAppSecret = new secretsmanager.Secret(this, 'WhatsAppSecret', {
      secretName: `vigia/${props.stage}/whatsapp`,
      description: `Vigia (${props.stage}): WhatsApp Cloud API app secret, verify token and access token`,
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ appSecret: '', accessToken: '' }),
        generateStringKey: 'verifyToken',
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Receives Meta's calls. Write-only, and only to raw/ and rejected/: it never reads the
    // archive, never touches media/ and has no table access.
    this.webhookFunction = new PipelineFunction(this, 'WebhookFunction', {
      entry: 'functions/webhook/handler.ts',
      description: 'WhatsApp webhook: verifies and stores raw bodies',
      encryptionKey: key,
      memorySize: WEBHOOK_FUNCTION.memorySize,
      timeout: WEBHOOK_FUNCTION.timeout,
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'write')
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.rejected, 'write')
      .bindSecret(this.whatsAppSecret);

    // Projects raw webhooks into the archive table.
    this.ingestFunction = new PipelineFunction(this, 'IngestFunction', {
      entry: 'functions/ingest/handler.ts',
      description: 'Projects raw webhooks into the archive table',
      encryptionKey: key,
      memorySize: INGEST_FUNCTION.memorySize,
      timeout: INGEST_FUNCTION.timeout,
      environment: {
        // Retention (docs/privacy.md): records are written with `expiresAt` (the table's TTL attribute).
        ...(props.config.retention ? { RETENTION_DAYS: String(props.config.retention.days) } : {}),
        // Which messages go through the compliance checks (history backfill: alerts marked backfill, never notified).
        [FUNCTION_ENV.complianceChecks]: complianceChecksOf(props.config),
      },
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'read')
      // A raw webhook carrying a record under a legal hold is re-tagged `hold`, out of the lifecycle's reach.
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'tag')
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindQueueSender(mediaQueue, FUNCTION_ENV.mediaQueueUrl);
    // The handler returns {batchItemFailures}; without reportBatchItemFailures Lambda would
    // ignore it and retry (or delete) the whole batch.
    this.ingestFunction.addEventSource(
      new SqsEventSource(ingestQueue, {
        batchSize: INGEST_FUNCTION.batchSize,
        maxBatchingWindow: INGEST_FUNCTION.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );

    // Downloads media into media/ and records the outcome in the table. The only function that
    // can write media/: it streams each file to /tmp while hashing it, then uploads it once
    // (multipart above 5 MB) to media/sha256/<hex>, which needs PutObject and AbortMultipartUpload
    // there. It never reads, copies or deletes objects; nothing on raw/ or rejected/.
    this.mediaFetchFunction = new PipelineFunction(this, 'MediaFetchFunction', {
      entry: 'functions/media-fetch/handler.ts',
      description: 'Downloads WhatsApp media through the Graph API into media/',
      encryptionKey: key,
      memorySize: MEDIA_FETCH_FUNCTION.memorySize,
      timeout: MEDIA_FETCH_FUNCTION.timeout,
      ephemeralStorageSize: MEDIA_FETCH_FUNCTION.ephemeralStorageSize,
      environment: props.graphApiUrl === undefined ? undefined : { [FUNCTION_ENV.graphApiUrl]: props.graphApiUrl },
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.media, 'upload')
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindSecret(this.whatsAppSecret);
    // One file per invocation. With a batch of 1, a failure retries only that file either way;
    // reportBatchItemFailures keeps the handler's {batchItemFailures} contract honoured.
    this.mediaFetchFunction.addEventSource(
      new SqsEventSource(mediaQueue, {
        batchSize: MEDIA_FETCH_FUNCTION.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    // Finds media still pending (table index byMediaState), re-queues it and publishes the
    // MediaOverdue metric. No S3 access at all.
    this.mediaSweeperFunction = new PipelineFunction(this, 'MediaSweeperFunction', {
      entry: 'functions/media-sweeper/handler.ts',
      description: 'Re-queues pending media and reports overdue media',
      encryptionKey: key,
      memorySize: MEDIA_SWEEPER_FUNCTION.memorySize,
      timeout: MEDIA_SWEEPER_FUNCTION.timeout,
    })
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindQueueSender(mediaQueue, FUNCTION_ENV.mediaQueueUrl);
    this.mediaSweeperSchedule = new events.Rule(this, 'MediaSweeperSchedule', {
      description: `Vigia (${props.stage}): runs the media sweeper`,
      schedule: events.Schedule.rate(MEDIA_SWEEPER_FUNCTION.scheduleRate),
      targets: [
        new eventsTargets.LambdaFunction(this.mediaSweeperFunction, {
          // An event EventBridge could not deliver goes to the dead-letter queue; the next run
          // (an hour later) does the same work, so retrying beyond it is no use.
          deadLetterQueue: this.asyncDeadLetterQueue.queue,
          retryAttempts: 2,
          maxEventAge: MEDIA_SWEEPER_FUNCTION.scheduleRate,
        }),
      ],
    });

    // Compliance alerts, published by the notify task. Email and SMS subscriptions receive the
    // decrypted message from SNS; only the publisher needs rights on the key (bindTopicPublisher).
    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      displayName: `Vigia (${props.stage}) alerts`,
      masterKey: key,
      enforceSSL: true,
    });
    const subscriptions: Record<string, sns.Subscription> = {};
    for (const subscription of alertSubscriptions) {
      const [minimum] = subscription.filterPolicy.severityRank;
      subscriptions[subscription.id] = new sns.Subscription(this.alertsTopic, subscription.id, {
        topic: this.alertsTopic,
        protocol: subscription.protocol === 'email' ? sns.SubscriptionProtocol.EMAIL : sns.SubscriptionProtocol.SMS,
        endpoint: subscription.endpoint,
        filterPolicy: {
          // Each publish names the one subscription it is for (shared/compliance/alert-delivery.ts);
          // team and severity are checked as well, so no bug can reach another team's managers.
          subscription: sns.SubscriptionFilter.stringFilter({ allowlist: [subscription.id] }),
          team: sns.SubscriptionFilter.stringFilter({ allowlist: [...subscription.filterPolicy.team] }),
          severityRank: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: minimum.numeric[1] }),
        },
        // An alert SNS could not deliver (after its retries) is kept there, and alarmed on.
        deadLetterQueue: this.asyncDeadLetterQueue.queue,
      });
    }
    this.alertSubscriptions = subscriptions;

    this.complianceFlow = new ComplianceFlow(this, 'ComplianceFlow', {
      config: props.config,
      key,
      archiveBucket,
      archiveTable,
      whatsAppSecret: this.whatsAppSecret,
      alertsTopic: this.alertsTopic,
      graphApiUrl: props.graphApiUrl,
    });
    // New messages (ingest) and newly stored files (media fetch, queue path) start the flow.
    this.ingestFunction.bindStateMachine(this.complianceFlow.stateMachine, undefined, this.complianceFlow.encryptionKey);
    this.mediaFetchFunction.bindStateMachine(this.complianceFlow.stateMachine, undefined, this.complianceFlow.encryptionKey);
    this.mediaFetchFunction.addEnvironment(FUNCTION_ENV.complianceChecks, complianceChecksOf(props.config));

    // The safety net of the compliance chain: reads the byPending index, starts flows again for
    // unchecked messages, delivers undelivered alerts (the subscriptions come from the config).
    this.redriveFunction = new PipelineFunction(this, 'RedriveFunction', {
      entry: 'functions/redrive/handler.ts',
      description: 'Re-drives unchecked messages and undelivered alerts',
      encryptionKey: key,
      memorySize: REDRIVE_FUNCTION.memorySize,
      timeout: REDRIVE_FUNCTION.timeout,
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(props.config)) },
      environment: {
        REDRIVE_CHECK_GRACE_SECONDS: String(REDRIVE_FUNCTION.checkGrace.toSeconds()),
        REDRIVE_NOTIFY_GRACE_SECONDS: String(REDRIVE_FUNCTION.notifyGrace.toSeconds()),
        REDRIVE_UNCHECKED_ALARM_SECONDS: String(REDRIVE_FUNCTION.uncheckedAlarmAfter.toSeconds()),
        REDRIVE_MAX_CHECK_REDRIVES: String(REDRIVE_FUNCTION.maxCheckRedrives),
      },
    })
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindStateMachine(this.complianceFlow.stateMachine, undefined, this.complianceFlow.encryptionKey)
      .bindTopicPublisher(this.alertsTopic, FUNCTION_ENV.alertsTopicArn);
    this.redriveSchedule = new events.Rule(this, 'RedriveSchedule', {
      description: `Vigia (${props.stage}): re-drives unchecked messages and undelivered alerts`,
      schedule: events.Schedule.rate(REDRIVE_FUNCTION.scheduleRate),
      targets: [
        new eventsTargets.LambdaFunction(this.redriveFunction, {
          // The next run does the same work from stored state: retrying beyond it is no use.
          deadLetterQueue: this.asyncDeadLetterQueue.queue,
          retryAttempts: 2,
          maxEventAge: REDRIVE_FUNCTION.scheduleRate,
        }),
      ],
    });

    // Media alarms. The custom metrics come from Powertools EMF logs, so they carry the
    // `service` dimension (see VIGIA_METRICS). Missing data (no media, no runs) is not a breach.
    const customMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: VIGIA_METRICS.namespace,
        metricName,
        dimensionsMap: { ...VIGIA_METRICS.dimensions },
        statistic,
        period: Duration.hours(1),
      });
    const atLeastOnce = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    } as const;
    this.mediaOverdueAlarm = customMetric(VIGIA_METRICS.mediaOverdue, cloudwatch.Stats.MAXIMUM).createAlarm(this, 'MediaOverdueAlarm', {
      ...atLeastOnce,
      alarmDescription: 'Media not stored 24 h after its webhook (Meta deletes media after 7 days): check the media-fetch logs and the media DLQ',
    });
    this.mediaHashMismatchAlarm = customMetric(VIGIA_METRICS.mediaHashMismatch, cloudwatch.Stats.SUM).createAlarm(
      this,
      'MediaHashMismatchAlarm',
      {
        ...atLeastOnce,
        alarmDescription: 'A downloaded media file did not match the SHA-256 announced in its webhook',
      },
    );
    this.mediaDeadLetterAlarm = mediaDeadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) })
      .createAlarm(this, 'MediaDeadLetterAlarm', {
        ...atLeastOnce,
        alarmDescription: 'Media downloads failed after every retry: inspect and redrive the media dead-letter queue',
      });
    this.complianceFlowFailedAlarm = this.complianceFlow.stateMachine
      .metricFailed({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })
      .createAlarm(this, 'ComplianceFlowFailedAlarm', {
        ...atLeastOnce,
        alarmDescription: 'A compliance flow execution failed (the error is recorded on the message): check the state machine logs',
      });
    this.complianceFlowTimedOutAlarm = this.complianceFlow.stateMachine
      .metricTimedOut({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })
      .createAlarm(this, 'ComplianceFlowTimedOutAlarm', {
        ...atLeastOnce,
        alarmDescription:
          'A compliance flow execution timed out (nothing is recorded on the message): check the state machine logs for the slow task',
      });
    // Comprehend throttled the sentiment check (after the SDK's retries; the flow retries the task,
    // then reports the sentiment as failed): the account's Comprehend quota is too small for the traffic.
    this.comprehendThrottledAlarm = customMetric(VIGIA_METRICS.comprehendThrottled, cloudwatch.Stats.SUM).createAlarm(this, 'ComprehendThrottledAlarm', {
      ...atLeastOnce,
      alarmDescription:
        'Amazon Comprehend throttled the sentiment check: messages may lose their sentiment check. Raise the DetectSentiment quota (Service Quotas) or use sentiment.analyzer: screened',
    });
    // The chain's safety net: a message unchecked an hour after it arrived, an alert the flow did
    // not deliver (the re-drive delivers it, but managers were told late), a signed body kept
    // under rejected/ instead of being projected.
    this.uncheckedMessagesAlarm = customMetric(VIGIA_METRICS.uncheckedMessages, cloudwatch.Stats.MAXIMUM).createAlarm(this, 'UncheckedMessagesAlarm', {
      ...atLeastOnce,
      alarmDescription:
        'Messages whose compliance check has not completed an hour after they were archived: the re-drive starts them again; check the flow failures and the state machine logs',
    });
    this.unnotifiedAlertsAlarm = customMetric(VIGIA_METRICS.unnotifiedAlerts, cloudwatch.Stats.MAXIMUM).createAlarm(this, 'UnnotifiedAlertsAlarm', {
      ...atLeastOnce,
      alarmDescription:
        'Alerts not delivered to every matching manager by the compliance flow: the re-drive delivers them (AlertDeliveryFailed counts what still fails); check the notify and re-drive logs, SNS and KMS',
    });
    this.webhookRejectedAlarm = customMetric(VIGIA_METRICS.webhookRejected, cloudwatch.Stats.SUM).createAlarm(this, 'WebhookRejectedAlarm', {
      ...atLeastOnce,
      alarmDescription:
        'Meta sent a signed body that is not a usable WhatsApp webhook: it is kept under rejected/ (answered 200, not projected); inspect it there',
    });
    // Capture gap: one alarm per configured line that normally talks. The webhook function publishes
    // LineEventsReceived (with the line's phone number ID as the LineId dimension) for every webhook
    // it archives; no data for `captureGapHours` hours in a row is a breach (missing data counts).
    const captureGapHours = props.config.ops.captureGapHours;
    const captureGapAlarms: Record<string, cloudwatch.Alarm> = {};
    for (const line of props.config.lines) {
      if (line.expectTraffic === false) continue;
      captureGapAlarms[line.phoneNumberId] = new cloudwatch.Metric({
        namespace: VIGIA_METRICS.namespace,
        metricName: VIGIA_METRICS.lineEventsReceived,
        dimensionsMap: { ...VIGIA_METRICS.dimensions, [VIGIA_METRICS.lineDimension]: line.phoneNumberId },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      }).createAlarm(this, `CaptureGapAlarm${line.phoneNumberId}`, {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: captureGapHours,
        datapointsToAlarm: captureGapHours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription:
          `Capture gap: no webhook for line ${line.phoneNumberId} (${line.employee}) in ${captureGapHours} h. ` +
          "Check the Meta app's webhook subscription and callback URL, the webhook API's errors, and the phone itself " +
          '(set expectTraffic: false on lines that may stay quiet that long)',
      });
    }
    this.captureGapAlarms = captureGapAlarms;

    // The default stage is created explicitly: HttpApi's own default stage takes no throttling.
    this.api = new HttpApi(this, 'WebhookApi', {
      description: `Vigia (${props.stage}): WhatsApp Cloud API webhook`,
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('WebhookIntegration', this.webhookFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({ path: '/webhook', methods: [HttpMethod.GET, HttpMethod.POST], integration });

    // Webhook API health. Meta retries a delivery answered 5xx (appSecret not set, a failed S3
    // write) for up to 7 days, so a 5xx rate means deliveries are delayed, not lost, yet. A 4xx
    // rate means requests refused: bad signatures (a wrong appSecret refuses every delivery, and
    // Meta gives up on them), failed verifications, oversized or unusable bodies.
    const errorRate = (errors: cloudwatch.IMetric, minimumRequests: number, label: string) =>
      new cloudwatch.MathExpression({
        expression: `IF(requests >= ${minimumRequests}, 100 * errors / requests, 0)`,
        usingMetrics: { errors, requests: this.api.metricCount({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }) },
        period: WEBHOOK_ALARMS.period,
        label,
      });
    this.webhookClientErrorRateAlarm = errorRate(
      this.api.metricClientError({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }),
      WEBHOOK_ALARMS.clientErrorMinimumRequests,
      'Webhook API 4xx rate (%)',
    ).createAlarm(this, 'WebhookClientErrorRateAlarm', {
      threshold: WEBHOOK_ALARMS.clientErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: WEBHOOK_ALARMS.evaluationPeriods,
      datapointsToAlarm: WEBHOOK_ALARMS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `More than ${WEBHOOK_ALARMS.clientErrorRatePercent} % of the webhook API's requests were refused (4xx): check the webhook function logs (bad signatures: the appSecret in the WhatsApp secret)`,
    });
    this.webhookServerErrorRateAlarm = errorRate(
      this.api.metricServerError({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }),
      1,
      'Webhook API 5xx rate (%)',
    ).createAlarm(this, 'WebhookServerErrorRateAlarm', {
      threshold: WEBHOOK_ALARMS.serverErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: WEBHOOK_ALARMS.evaluationPeriods,
      datapointsToAlarm: WEBHOOK_ALARMS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `More than ${WEBHOOK_ALARMS.serverErrorRatePercent} % of the webhook API's requests failed (5xx; Meta retries them): is appSecret set in the WhatsApp secret? Check the webhook function logs`,
    });
    this.webhookSignatureFailureAlarm = customMetric(VIGIA_METRICS.webhookBadSignature, cloudwatch.Stats.SUM)
      .with({ period: WEBHOOK_ALARMS.period })
      .createAlarm(this, 'WebhookSignatureFailureAlarm', {
        threshold: WEBHOOK_ALARMS.badSignatures,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription:
          `At least ${WEBHOOK_ALARMS.badSignatures} webhook POSTs in 5 minutes had an invalid X-Hub-Signature-256: the appSecret in the WhatsApp secret ` +
          "is not the Meta app's (every delivery is refused), or someone is posting to the webhook URL",
      });

    const accessLogs = new logs.LogGroup(this, 'WebhookApiAccessLogs', {
      retention: logRetentionOf(this),
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'WebhookApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.apiThrottle ?? { burstLimit: 500, rateLimit: 1000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only. HTTP APIs cannot log bodies; the query string (which carries
        // hub.verify_token on GET) is left out on purpose: $context.path excludes it.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });

    // Privacy (docs/privacy.md): both parts exist only when the config asks for them.
    const privacy = props.config.privacy;
    if (privacy?.employeeNotice) {
      this.employeeNotice = new EmployeeNotice(this, 'EmployeeNotice', {
        stage: props.stage,
        config: props.config,
        key,
        archiveTable,
        api: this.api,
      });
      new CfnOutput(this, 'NoticeFunctionName', {
        description: 'Sends the employee notices that are due (`vigia lines notify LINE --stage` invokes it)',
        value: this.employeeNotice.noticeFunction.functionName,
      });
    }
    if (privacy?.disclosure?.enabled) {
      this.contactDisclosure = new ContactDisclosure(this, 'ContactDisclosure', {
        config: props.config,
        key,
        archiveTable,
        whatsAppSecret: this.whatsAppSecret,
        ingestFunction: this.ingestFunction,
        graphApiUrl: props.graphApiUrl,
      });
    }

    // Every alarm of the stack, the privacy constructs' included, notifies the ops topic.
    notifyOnAlarm(this, props.opsTopic);

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Callback URL to register in the Meta app (WhatsApp > Configuration)',
      value: `${this.api.apiEndpoint}/webhook`,
    });
    new CfnOutput(this, 'WhatsAppSecretArn', {
      description: 'Secret to fill with appSecret, verifyToken and accessToken',
      value: this.whatsAppSecret.secretArn,
    });
    new CfnOutput(this, 'AlertsTopicArn', {
      description: 'Topic of new compliance alerts (managers subscribe by e-mail and SMS)',
      value: this.alertsTopic.topicArn,
    });
    new CfnOutput(this, 'ComplianceStateMachineArn', {
      description: 'Express state machine that runs the compliance checks of one message',
      value: this.complianceFlow.stateMachine.stateMachineArn,
    });
  }
}

/**
 * Throws when two subscriptions would share a protocol and endpoint (before any construct exists).
 * SNS keeps one subscription per topic, protocol and endpoint: a second one with another filter
 * policy fails the deployment, and one with the same policy would be the same physical
 * subscription owned by two CloudFormation resources.
 */
function validateAlertSubscriptions(subscriptions: ReadonlyArray<{ id: string; protocol: string; endpoint: string }>): void {
  const seen = new Map<string, string>();
  for (const subscription of subscriptions) {
    const key = `${subscription.protocol} ${subscription.endpoint}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(
        `Alert subscriptions ${JSON.stringify(first)} and ${JSON.stringify(subscription.id)} both notify ${key}: SNS allows one ` +
          'subscription per endpoint on the alerts topic. List that manager (e-mail or phone) in one team only.',
      );
    }
    seen.set(key, subscription.id);
  }
}

/** Throws unless `url` is absent, a token, or an https URL without query or fragment (before any construct exists). */
function validateGraphApiUrl(url: string | undefined): void {
  if (url === undefined || Token.isUnresolved(url)) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // https only: the function sends the WhatsApp access token to it as a bearer token.
  if (!parsed || parsed.protocol !== 'https:' || parsed.search || parsed.hash) {
    throw new Error(
      `Invalid graphApiUrl ${JSON.stringify(url)}: use an https URL without query or fragment ` +
        '(e.g. "https://graph.facebook.com/v25.0").',
    );
  }
}
