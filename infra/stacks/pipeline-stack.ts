import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { INGEST_FUNCTION, WEBHOOK_FUNCTION } from '../config';
import { PipelineFunction } from '../constructs/pipeline-function';

export interface PipelineStackProps extends StackProps {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /** Key of the StatefulStack: encrypts the secret and the log groups. */
  readonly key: kms.IKey;
  readonly archiveBucket: s3.IBucket;
  readonly archiveTable: dynamodb.ITable;
  /** Fed by the bucket's `raw/` notifications; consumed by the ingest function. */
  readonly ingestQueue: sqs.IQueue;
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
 *    reporting per-message failures so only those are retried (then dead-lettered).
 */
export class PipelineStack extends Stack {
  public readonly whatsAppSecret: secretsmanager.Secret;
  public readonly webhookFunction: PipelineFunction;
  public readonly ingestFunction: PipelineFunction;
  public readonly api: HttpApi;

  public constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { key, archiveBucket, archiveTable, ingestQueue } = props;

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
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.raw, 'read')
      .bindArchiveTable(archiveTable, 'readWrite');
    // The handler returns {batchItemFailures}; without reportBatchItemFailures Lambda would
    // ignore it and retry (or delete) the whole batch.
    this.ingestFunction.addEventSource(
      new SqsEventSource(ingestQueue, {
        batchSize: INGEST_FUNCTION.batchSize,
        maxBatchingWindow: INGEST_FUNCTION.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );

    // The default stage is created explicitly: HttpApi's own default stage takes no throttling.
    this.api = new HttpApi(this, 'WebhookApi', {
      description: `Vigia (${props.stage}): WhatsApp Cloud API webhook`,
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('WebhookIntegration', this.webhookFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({ path: '/webhook', methods: [HttpMethod.GET, HttpMethod.POST], integration });

    const accessLogs = new logs.LogGroup(this, 'WebhookApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
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

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Callback URL to register in the Meta app (WhatsApp > Configuration)',
      value: `${this.api.apiEndpoint}/webhook`,
    });
    new CfnOutput(this, 'WhatsAppSecretArn', {
      description: 'Secret to fill with appSecret, verifyToken and accessToken',
      value: this.whatsAppSecret.secretArn,
    });
  }
}
