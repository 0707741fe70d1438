import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { subscriptionsFromConfig } from '../../shared/compliance/notifications';
import { complianceChecksOf, type VigiaConfig } from '../../shared/config/vigia-config';
import { LOG_RETENTION_CONTEXT, OTHER_STAGE_DEFAULTS } from '../config';
import { AlertNotification, validateAlertSubscriptions } from '../constructs/alert-notification';
import { AsyncDeadLetterQueue } from '../constructs/async-dead-letter-queue';
import { ComplianceChecks } from '../constructs/compliance-checks';
import type { ComplianceFlow } from '../constructs/compliance-flow';
import { ContactDisclosure } from '../constructs/contact-disclosure';
import { EmployeeNotice } from '../constructs/employee-notice';
import { MediaCapture, validateGraphApiUrl } from '../constructs/media-capture';
import { notifyOnAlarm } from '../constructs/ops-notifications';
import type { PipelineFunction } from '../constructs/pipeline-function';
import { TamperEvidence } from '../constructs/tamper-evidence';
import { WebhookIngress } from '../constructs/webhook-ingress';
import type { ConsoleAnalytics, ManagerConsole } from '../constructs/manager-console';
import { ConsoleStack } from './console-stack';
import { FUNCTION_ENV } from '../function-env';
import type { ArchiveResources } from '../constructs/archive-resources';

export interface PipelineStackProps extends StackProps, ArchiveResources {
  /** Deployment stage (already validated by the app). */
  readonly stage: string;
  /**
   * Deployment config (`vigia.config.yaml`): the compliance policies inlined into the compliance
   * functions, and the managers subscribed to the alerts topic.
   */
  readonly config: VigiaConfig;
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
  /** The StatefulStack's evidence signing key: the seal function signs the tamper-evidence digests with it. */
  readonly evidenceSigningKey: kms.IKey;
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
  /**
   * The StatefulStack's analytics bucket and catalog, queried by the console's overview.
   * @default - none: the console's overview answers `no-export`
   */
  readonly consoleAnalytics?: ConsoleAnalytics;
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
 *
 * Steps 1–4 are the WebhookIngress, 5–6 the MediaCapture, 7 the ComplianceChecks (flow and
 * re-drive) and the AlertNotification (topic and subscriptions); each part owns its alarms.
 *
 * The manager console (user pool, console API, page, distribution) is the nested stack `Console`
 * (infra/stacks/console-stack.ts); the alert notifications link to it (CONSOLE_URL).
 */
export class PipelineStack extends Stack {
  /** The API, the webhook and ingest functions, the WhatsApp secret and their alarms. */
  public readonly webhookIngress: WebhookIngress;
  /** Media fetch, the media sweeper and its schedule, and their alarms. */
  public readonly mediaCapture: MediaCapture;
  /** The alerts topic, the managers' subscriptions and the undelivered-alerts alarm. */
  public readonly alertNotification: AlertNotification;
  /** The compliance flow, the re-drive and their alarms. */
  public readonly complianceChecks: ComplianceChecks;
  /** The usage-policy notice and its `/notice/ack` route: only with `privacy.employeeNotice` in the config. */
  public readonly employeeNotice?: EmployeeNotice;
  /** The first-contact disclosure, fed by the ingest function: only with `privacy.disclosure` enabled. */
  public readonly contactDisclosure?: ContactDisclosure;
  /** The hourly seal of signed, chained digests of the archive, the daily verification and their alarms. */
  public readonly tamperEvidence: TamperEvidence;
  /** Failed asynchronous deliveries of this stack: function invocations, schedules, alert notifications. */
  public readonly asyncDeadLetterQueue: AsyncDeadLetterQueue;
  /**
   * The manager console (user pool, console API, page, distribution), in the nested stack
   * `Console` (infra/stacks/console-stack.ts).
   */
  public readonly consoleStack: ConsoleStack;

  public constructor(scope: Construct, id: string, props: PipelineStackProps) {
    validateGraphApiUrl(props.graphApiUrl);
    const subscriptions = subscriptionsFromConfig(props.config);
    validateAlertSubscriptions(subscriptions);
    super(scope, id, props);
    // Every log group below (functions, state machine, API) gets the stage's retention.
    this.node.setContext(LOG_RETENTION_CONTEXT, props.logRetentionDays ?? OTHER_STAGE_DEFAULTS.logRetentionDays);
    const { stage, config, key, archiveBucket, archiveTable, graphApiUrl } = props;
    // Created before the functions, which all use it (PipelineFunction's default dead-letter queue).
    this.asyncDeadLetterQueue = AsyncDeadLetterQueue.of(this, key);
    const deadLetterQueue = this.asyncDeadLetterQueue.queue;

    // Each part creates its resources in this stack's scope, not under itself: the logical IDs
    // stay those of the stack before it was split into parts (docs/decisions.md, decision 1).
    const { ingestQueue, mediaQueue, mediaDeadLetterQueue, apiThrottle } = props;
    this.webhookIngress = new WebhookIngress(this, 'WebhookIngress', { stage, config, key, archiveBucket, archiveTable, ingestQueue, mediaQueue, apiThrottle });
    const { whatsAppSecret, ingestFunction, api } = this.webhookIngress;
    this.mediaCapture = new MediaCapture(this, 'MediaCapture', { stage, key, archiveBucket, archiveTable, mediaQueue, mediaDeadLetterQueue, whatsAppSecret, deadLetterQueue, graphApiUrl });
    this.alertNotification = new AlertNotification(this, 'AlertNotification', { stage, key, subscriptions, deadLetterQueue });
    const { alertsTopic } = this.alertNotification;
    this.complianceChecks = new ComplianceChecks(this, 'ComplianceChecks', { stage, config, key, archiveBucket, archiveTable, whatsAppSecret, alertsTopic, deadLetterQueue, graphApiUrl });
    // New messages (ingest) and newly stored files (media fetch) start the flow.
    const { stateMachine, encryptionKey } = this.complianceChecks.complianceFlow;
    const { mediaFetchFunction } = this.mediaCapture;
    ingestFunction.bindStateMachine(stateMachine, undefined, encryptionKey);
    mediaFetchFunction.bindStateMachine(stateMachine, undefined, encryptionKey);
    mediaFetchFunction.addEnvironment(FUNCTION_ENV.complianceChecks, complianceChecksOf(config));

    // Tamper evidence (docs/evidence.md): a new part, so under its own construct.
    this.tamperEvidence = new TamperEvidence(this, 'TamperEvidence', { stage, config, key, archiveBucket, archiveTable, signingKey: props.evidenceSigningKey, deadLetterQueue });
    new CfnOutput(this, 'EvidenceSealFunctionName', {
      description: 'Seals a tamper-evidence digest (hourly; `vigia evidence seal --stage` invokes it)',
      value: this.tamperEvidence.sealFunction.functionName,
    });
    new CfnOutput(this, 'EvidenceVerifyFunctionName', {
      description: "Verifies the previous day's tamper-evidence digests (daily, 03:30 UTC)",
      value: this.tamperEvidence.verifyFunction.functionName,
    });

    if (config.privacy?.employeeNotice) {
      this.employeeNotice = new EmployeeNotice(this, 'EmployeeNotice', { stage, config, key, archiveTable, api });
      new CfnOutput(this, 'NoticeFunctionName', {
        description: 'Sends the employee notices that are due (`vigia lines notify LINE --stage` invokes it)',
        value: this.employeeNotice.noticeFunction.functionName,
      });
    }
    if (config.privacy?.disclosure?.enabled) {
      this.contactDisclosure = new ContactDisclosure(this, 'ContactDisclosure', { config, key, archiveTable, whatsAppSecret, ingestFunction, graphApiUrl });
    }

    // The manager console, nested (infra/stacks/console-stack.ts). The alert e-mails and SMS link
    // to it: `<CONSOLE_URL>/#/alerts/<id>` (`console.url` when set, else the distribution's URL).
    this.consoleStack = new ConsoleStack(this, 'Console', { stage, config, key, archiveBucket, archiveTable, deadLetterQueue, analytics: props.consoleAnalytics });
    const managerConsole = this.consoleStack.managerConsole;
    for (const fn of [this.complianceChecks.complianceFlow.notifyFunction, this.complianceChecks.redriveFunction]) {
      fn.addEnvironment(FUNCTION_ENV.consoleUrl, managerConsole.url);
    }
    new CfnOutput(this, 'ConsoleUrl', { description: 'The manager console: sign in with your e-mail (docs/console.md)', value: managerConsole.url });
    new CfnOutput(this, 'UserPoolId', { description: "The console's Cognito user pool (`vigia console users sync` creates its users from the config)", value: managerConsole.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { description: "The console page's app client (public, authorization code with PKCE)", value: managerConsole.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'CognitoDomain', { description: "The console's managed login (Cognito prefix domain)", value: managerConsole.cognitoDomainUrl });

    // Every alarm of the stack, the privacy constructs' included, notifies the ops topic.
    notifyOnAlarm(this, props.opsTopic);
  }

  // The parts' resources by the names callers (tests, the local stack, the CLI) know them by.
  public get whatsAppSecret(): secretsmanager.Secret { return this.webhookIngress.whatsAppSecret; }
  public get webhookFunction(): PipelineFunction { return this.webhookIngress.webhookFunction; }
  public get ingestFunction(): PipelineFunction { return this.webhookIngress.ingestFunction; }
  public get api(): HttpApi { return this.webhookIngress.api; }
  public get webhookClientErrorRateAlarm(): cloudwatch.Alarm { return this.webhookIngress.clientErrorRateAlarm; }
  public get webhookServerErrorRateAlarm(): cloudwatch.Alarm { return this.webhookIngress.serverErrorRateAlarm; }
  public get webhookSignatureFailureAlarm(): cloudwatch.Alarm { return this.webhookIngress.signatureFailureAlarm; }
  public get webhookRejectedAlarm(): cloudwatch.Alarm { return this.webhookIngress.rejectedAlarm; }
  public get captureGapAlarms(): Readonly<Record<string, cloudwatch.Alarm>> { return this.webhookIngress.captureGapAlarms; }
  public get mediaFetchFunction(): PipelineFunction { return this.mediaCapture.mediaFetchFunction; }
  public get mediaSweeperFunction(): PipelineFunction { return this.mediaCapture.mediaSweeperFunction; }
  public get mediaSweeperSchedule(): events.Rule { return this.mediaCapture.mediaSweeperSchedule; }
  public get mediaOverdueAlarm(): cloudwatch.Alarm { return this.mediaCapture.mediaOverdueAlarm; }
  public get mediaHashMismatchAlarm(): cloudwatch.Alarm { return this.mediaCapture.mediaHashMismatchAlarm; }
  public get mediaDeadLetterAlarm(): cloudwatch.Alarm { return this.mediaCapture.mediaDeadLetterAlarm; }
  public get alertsTopic(): sns.Topic { return this.alertNotification.alertsTopic; }
  public get alertSubscriptions(): Readonly<Record<string, sns.Subscription>> { return this.alertNotification.alertSubscriptions; }
  public get unnotifiedAlertsAlarm(): cloudwatch.Alarm { return this.alertNotification.unnotifiedAlertsAlarm; }
  public get complianceFlow(): ComplianceFlow { return this.complianceChecks.complianceFlow; }
  public get redriveFunction(): PipelineFunction { return this.complianceChecks.redriveFunction; }
  public get redriveSchedule(): events.Rule { return this.complianceChecks.redriveSchedule; }
  public get complianceFlowFailedAlarm(): cloudwatch.Alarm { return this.complianceChecks.complianceFlowFailedAlarm; }
  public get complianceFlowTimedOutAlarm(): cloudwatch.Alarm { return this.complianceChecks.complianceFlowTimedOutAlarm; }
  public get comprehendThrottledAlarm(): cloudwatch.Alarm { return this.complianceChecks.comprehendThrottledAlarm; }
  public get uncheckedMessagesAlarm(): cloudwatch.Alarm { return this.complianceChecks.uncheckedMessagesAlarm; }
  public get managerConsole(): ManagerConsole { return this.consoleStack.managerConsole; }
}
