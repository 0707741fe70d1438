import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { complianceChecksOf, type VigiaConfig } from '../../shared/config/vigia-config';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { INGEST_FUNCTION, logRetentionOf, WEBHOOK_ALARMS, WEBHOOK_FUNCTION } from '../config';
import { FUNCTION_ENV } from '../function-env';
import { AT_LEAST_ONCE, atLeastOnceAlarm, vigiaMetric } from './alarms';
import { PipelineFunction } from './pipeline-function';
import type { ArchiveResources } from './archive-resources';

export interface WebhookIngressProps extends ArchiveResources {
  /** Deployment stage (already validated): names the secret and describes the API. */
  readonly stage: string;
  /** Deployment config: retention and compliance-check settings of ingest, the lines watched for capture gaps. */
  readonly config: VigiaConfig;
  /** Fed by the bucket's `raw/` notifications; consumed by the ingest function. */
  readonly ingestQueue: sqs.IQueue;
  /** Where ingest queues one message per new media file. */
  readonly mediaQueue: sqs.IQueue;
  /**
   * Default-stage throttling of the webhook API.
   * @default - burst 500, rate 1000 requests per second
   */
  readonly apiThrottle?: { readonly burstLimit: number; readonly rateLimit: number };
}

/**
 * Where WhatsApp traffic comes in (steps 1–4 of the PipelineStack's flow): the HTTP API Meta
 * calls, the webhook function that stores each signed body under `raw/`, the ingest function that
 * projects it into the archive table, the WhatsApp secret, and their alarms.
 *
 * Creates its resources in `scope`, not under itself (docs/decisions.md, decision 1).
 */
export class WebhookIngress extends Construct {
  /**
   * WhatsApp credentials, as JSON {appSecret, verifyToken, accessToken}, created with a generated
   * `verifyToken` and empty values the user fills in (docs/decisions.md, decision 2).
   */
  public readonly whatsAppSecret: secretsmanager.Secret;
  public readonly webhookFunction: PipelineFunction;
  public readonly ingestFunction: PipelineFunction;
  public readonly api: HttpApi;
  /** The API's `$default` stage: throttling and access logs. */
  public readonly apiStage: HttpStage;
  /** More than `WEBHOOK_ALARMS.clientErrorRatePercent` % of the API's requests answered 4xx. */
  public readonly clientErrorRateAlarm: cloudwatch.Alarm;
  /** More than `WEBHOOK_ALARMS.serverErrorRatePercent` % of the API's requests answered 5xx. */
  public readonly serverErrorRateAlarm: cloudwatch.Alarm;
  /** POSTs whose signature did not verify (the webhook's `Webhook_bad_signature` metric). */
  public readonly signatureFailureAlarm: cloudwatch.Alarm;
  /** Signed webhook bodies that were not usable (kept under rejected/, answered 200). */
  public readonly rejectedAlarm: cloudwatch.Alarm;
  /**
   * Capture gap, one per configured line that expects traffic (keyed by phone number ID): no
   * webhook for the line in `ops.captureGapHours`, missing data counting as breaching.
   */
  public readonly captureGapAlarms: Readonly<Record<string, cloudwatch.Alarm>>;

  public constructor(scope: Construct, id: string, props: WebhookIngressProps) {
    super(scope, id);
    const { key, archiveBucket, archiveTable, config } = props;

    this.whatsAppSecret = new secretsmanager.Secret(scope, 'WhatsAppSecret', {
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

    // Write-only, and only to raw/ and rejected/: it never reads the archive, never touches media/
    // and has no table access.
    this.webhookFunction = new PipelineFunction(scope, 'WebhookFunction', {
      entry: 'functions/webhook/handler.ts',
      description: 'WhatsApp webhook: verifies and stores raw bodies',
      encryptionKey: key,
      memorySize: WEBHOOK_FUNCTION.memorySize,
      timeout: WEBHOOK_FUNCTION.timeout,
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'write')
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.rejected, 'write')
      .bindSecret(this.whatsAppSecret);

    this.ingestFunction = new PipelineFunction(scope, 'IngestFunction', {
      entry: 'functions/ingest/handler.ts',
      description: 'Projects raw webhooks into the archive table',
      encryptionKey: key,
      memorySize: INGEST_FUNCTION.memorySize,
      timeout: INGEST_FUNCTION.timeout,
      environment: {
        // Retention (docs/privacy.md): records are written with `expiresAt` (the table's TTL attribute).
        ...(config.retention ? { RETENTION_DAYS: String(config.retention.days) } : {}),
        // Which messages go through the compliance checks (history backfill: alerts marked backfill, never notified).
        [FUNCTION_ENV.complianceChecks]: complianceChecksOf(config),
      },
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'read')
      // A raw webhook carrying a record under a legal hold is re-tagged `hold`, out of the lifecycle's reach.
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'tag')
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindQueueSender(props.mediaQueue, FUNCTION_ENV.mediaQueueUrl);
    // Without reportBatchItemFailures Lambda would ignore the handler's {batchItemFailures} and
    // retry (or delete) the whole batch.
    this.ingestFunction.addEventSource(
      new SqsEventSource(props.ingestQueue, {
        batchSize: INGEST_FUNCTION.batchSize,
        maxBatchingWindow: INGEST_FUNCTION.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );

    // The default stage is created explicitly: HttpApi's own default stage takes no throttling.
    this.api = new HttpApi(scope, 'WebhookApi', {
      description: `Vigia (${props.stage}): WhatsApp Cloud API webhook`,
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('WebhookIntegration', this.webhookFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({ path: '/webhook', methods: [HttpMethod.GET, HttpMethod.POST], integration });
    const accessLogs = new logs.LogGroup(scope, 'WebhookApiAccessLogs', {
      retention: logRetentionOf(scope),
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.apiStage = new HttpStage(scope, 'WebhookApiDefaultStage', {
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

    // Meta retries a delivery answered 5xx for up to 7 days, so a 5xx rate means deliveries are
    // delayed, not lost, yet. A 4xx rate means requests refused: bad signatures (a wrong appSecret
    // refuses every delivery, and Meta gives up on them), failed verifications, unusable bodies.
    const errorRate = (errors: cloudwatch.IMetric, minimumRequests: number, label: string) =>
      new cloudwatch.MathExpression({
        expression: `IF(requests >= ${minimumRequests}, 100 * errors / requests, 0)`,
        usingMetrics: { errors, requests: this.api.metricCount({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }) },
        period: WEBHOOK_ALARMS.period,
        label,
      });
    const sustainedRate = (threshold: number) => ({
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: WEBHOOK_ALARMS.evaluationPeriods,
      datapointsToAlarm: WEBHOOK_ALARMS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.clientErrorRateAlarm = errorRate(
      this.api.metricClientError({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }),
      WEBHOOK_ALARMS.clientErrorMinimumRequests,
      'Webhook API 4xx rate (%)',
    ).createAlarm(scope, 'WebhookClientErrorRateAlarm', {
      ...sustainedRate(WEBHOOK_ALARMS.clientErrorRatePercent),
      alarmDescription: `More than ${WEBHOOK_ALARMS.clientErrorRatePercent} % of the webhook API's requests were refused (4xx): check the webhook function logs (bad signatures: the appSecret in the WhatsApp secret)`,
    });
    this.serverErrorRateAlarm = errorRate(
      this.api.metricServerError({ statistic: cloudwatch.Stats.SUM, period: WEBHOOK_ALARMS.period }),
      1,
      'Webhook API 5xx rate (%)',
    ).createAlarm(scope, 'WebhookServerErrorRateAlarm', {
      ...sustainedRate(WEBHOOK_ALARMS.serverErrorRatePercent),
      alarmDescription: `More than ${WEBHOOK_ALARMS.serverErrorRatePercent} % of the webhook API's requests failed (5xx; Meta retries them): is appSecret set in the WhatsApp secret? Check the webhook function logs`,
    });
    this.signatureFailureAlarm = vigiaMetric(VIGIA_METRICS.webhookBadSignature, cloudwatch.Stats.SUM)
      .with({ period: WEBHOOK_ALARMS.period })
      .createAlarm(scope, 'WebhookSignatureFailureAlarm', {
        ...AT_LEAST_ONCE,
        threshold: WEBHOOK_ALARMS.badSignatures,
        alarmDescription:
          `At least ${WEBHOOK_ALARMS.badSignatures} webhook POSTs in 5 minutes had an invalid X-Hub-Signature-256: the appSecret in the WhatsApp secret ` +
          "is not the Meta app's (every delivery is refused), or someone is posting to the webhook URL",
      });
    this.rejectedAlarm = atLeastOnceAlarm(scope, 'WebhookRejectedAlarm', vigiaMetric(VIGIA_METRICS.webhookRejected, cloudwatch.Stats.SUM),
      'Meta sent a signed body that is not a usable WhatsApp webhook: it is kept under rejected/ (answered 200, not projected); inspect it there',
    );
    this.captureGapAlarms = captureGapAlarms(scope, config);

    new CfnOutput(scope, 'WebhookUrl', {
      description: 'Callback URL to register in the Meta app (WhatsApp > Configuration)',
      value: `${this.api.apiEndpoint}/webhook`,
    });
    new CfnOutput(scope, 'WhatsAppSecretArn', {
      description: 'Secret to fill with appSecret, verifyToken and accessToken',
      value: this.whatsAppSecret.secretArn,
    });
  }
}

/**
 * One alarm per configured line that normally talks. The webhook function publishes
 * `LineEventsReceived` (the line's phone number ID as the `LineId` dimension) for every webhook it
 * archives; no data for `captureGapHours` hours in a row is a breach (missing data counts).
 */
function captureGapAlarms(scope: Construct, config: VigiaConfig): Record<string, cloudwatch.Alarm> {
  const hours = config.ops.captureGapHours;
  const alarms: Record<string, cloudwatch.Alarm> = {};
  for (const line of config.lines) {
    if (line.expectTraffic === false) continue;
    alarms[line.phoneNumberId] = vigiaMetric(VIGIA_METRICS.lineEventsReceived, cloudwatch.Stats.SUM, {
      [VIGIA_METRICS.lineDimension]: line.phoneNumberId,
    }).createAlarm(scope, `CaptureGapAlarm${line.phoneNumberId}`, {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: hours,
      datapointsToAlarm: hours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        `Capture gap: no webhook for line ${line.phoneNumberId} (${line.employee}) in ${hours} h. ` +
        "Check the Meta app's webhook subscription and callback URL, the webhook API's errors, and the phone itself " +
        '(set expectTraffic: false on lines that may stay quiet that long)',
    });
  }
  return alarms;
}
