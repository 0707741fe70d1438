import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { FLOW_STATES } from '../../shared/compliance/model';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { COMPLIANCE_FETCH_MEDIA_RETRY, COMPLIANCE_NOTIFY_RETRY, COMPLIANCE_FLOW, COMPLIANCE_FUNCTIONS, logRetentionOf } from '../config';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { PipelineFunction } from './pipeline-function';
import type { ArchiveResources } from './archive-resources';

/**
 * Errors the sentiment function rethrows from Amazon Comprehend that are worth retrying: throttling
 * and transient service faults. Any other error (bad input, access denied) is not.
 */
export const COMPREHEND_RETRYABLE_ERRORS = [
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServerException',
  'ServiceUnavailableException',
] as const;

/**
 * Errors worth retrying in `Notify`: SNS and KMS throttling and service faults (SNS encrypts with
 * the customer-managed key, so KMS's errors reach the publisher), and DynamoDB throttling when the
 * delivery is recorded. The retries resend only what the alert's record says is missing; what still
 * fails is delivered by the re-drive (functions/redrive).
 */
export const NOTIFY_RETRYABLE_ERRORS = [
  'ThrottledException',
  'ThrottlingException',
  'InternalErrorException',
  'InternalServerError',
  'ServiceUnavailable',
  'KMSThrottlingException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'KMSAccessDeniedException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
] as const;

/** Payload of the `RecordFailure` task: the message and the error caught, nothing else. */
const RECORD_FAILURE_PAYLOAD = {
  'messageId.$': '$.messageId',
  'failure.$': '$.failure',
} as const;

export interface ComplianceFlowProps extends ArchiveResources {
  /** Deployment config: its policies are inlined into the functions that apply them. */
  readonly config: VigiaConfig;
  /** WhatsApp credentials: the Graph API access token for media downloads. */
  readonly whatsAppSecret: secretsmanager.ISecret;
  /** Topic the notify task publishes new alerts to. */
  readonly alertsTopic: sns.ITopic;
  /**
   * Graph API base URL for media downloads, set as `WHATSAPP_GRAPH_API_URL` on the fetch-media
   * function (validated by the PipelineStack).
   * @default - the variable is not set and the function uses its own default Graph API URL
   */
  readonly graphApiUrl?: string;
  /**
   * Retention of the state machine's log group.
   * @default - the stage's retention (`logRetentionOf(scope)`)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The compliance checks of one message, as an Express state machine (state names from
 * `FLOW_STATES`, which the local runner maps by name):
 *
 * 1. `Prepare` reads the message; `HasMedia` sends it to `FetchMedia` when it carries media.
 * 2. `FetchMedia` downloads the file (90 s, retried once). If it still fails, the flow goes on with
 *    `$.mediaError` set and the file check is reported as skipped; the media sweeper retries the
 *    download later and the media-fetch function re-runs the flow once the file is stored.
 * 3. `Checks` runs `RuleChecks` (keywords, files, personal data), `SentimentCheck` (Comprehend,
 *    retried on throttling; a lasting failure becomes `{ sentimentError }` via `SentimentFailed`
 *    instead of failing the message) and, when a file is stored (`HasStoredFile`; else `NoFileText`
 *    answers `{}`), `FileContentCheck` (keywords and personal data in the text inside the file; a
 *    failure becomes `{ fileContentError }` via `FileContentFailed`) in parallel, into `$.checks`.
 * 4. `Record` stores the alerts, then the results (which mark the message checked); `Notify`
 *    delivers every alert of the message to each matching subscription that lacks it (retried on
 *    throttling, KMS and 5xx errors with backoff): `Done`. Whatever is still undelivered, or a
 *    message whose check never completed, is taken up by the scheduled re-drive.
 * 5. Any other failure is caught into `$.failure`, recorded on the message by `RecordFailure`
 *    (the record function again, with only the message ID and the error), then `Failed`.
 *
 * Every Lambda task receives the whole state (`$`) and its result replaces it (`$.Payload`), so
 * each function returns the state extended. Message bodies never reach the execution logs
 * (`includeExecutionData: false`).
 */
export class ComplianceFlow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** Encrypts the state machine: callers of StartExecution need it (`bindStateMachine(…, encryptionKey)`). */
  public readonly encryptionKey: kms.IKey;
  /** Encrypted log group of the state machine (execution events, without inputs and outputs). */
  public readonly logGroup: logs.LogGroup;
  /** `Prepare`: reads the message context. Table read only. */
  public readonly prepareFunction: PipelineFunction;
  /** `FetchMedia`: the same rights as the media-fetch function (upload to media/, table, secret). */
  public readonly fetchMediaFunction: PipelineFunction;
  /** `RuleChecks`: keyword, file and pii rules. Reads the fingerprint key, nothing else. */
  public readonly ruleChecksFunction: PipelineFunction;
  /** `FileContentCheck`: the text inside the stored file, for the keyword and pii rules. Reads media/ and the fingerprint key. */
  public readonly fileContentCheckFunction: PipelineFunction;
  /** The HMAC key of personal-data fingerprints (`{"fingerprintKey": "…"}`), generated by CloudFormation. */
  public readonly piiFingerprintSecret: secretsmanager.Secret;
  /** `SentimentCheck`: Comprehend DetectSentiment only. */
  public readonly sentimentCheckFunction: PipelineFunction;
  /** `Record` and `RecordFailure`: writes results, alerts and failures. Table read/write. */
  public readonly recordFunction: PipelineFunction;
  /** `Notify`: publishes alerts to the alerts topic, one publish per subscription, and records the deliveries. */
  public readonly notifyFunction: PipelineFunction;

  public constructor(scope: Construct, id: string, props: ComplianceFlowProps) {
    super(scope, id);
    const { key, archiveBucket, archiveTable, whatsAppSecret, alertsTopic } = props;
    this.encryptionKey = key;

    // The policies travel inside the bundles: one source of truth (the deployment config), no
    // runtime read of a parameter store, and a config change redeploys the functions that use it.
    const configDefine = { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(props.config)) };

    this.prepareFunction = new PipelineFunction(this, 'CompliancePrepareFunction', {
      entry: 'functions/compliance/prepare.ts',
      description: 'Compliance flow: reads the message context',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.prepare,
      define: configDefine,
    }).bindArchiveTable(archiveTable, 'read');

    this.fetchMediaFunction = new PipelineFunction(this, 'ComplianceFetchMediaFunction', {
      entry: 'functions/compliance/fetch-media.ts',
      description: 'Compliance flow: downloads the message media into media/',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.fetchMedia,
      environment: props.graphApiUrl === undefined ? undefined : { [FUNCTION_ENV.graphApiUrl]: props.graphApiUrl },
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.media, 'upload')
      .bindArchiveTable(archiveTable, 'readWrite')
      .bindSecret(whatsAppSecret);

    // Keyed hashes of the personal data the pii policies find: the same number is recognised
    // across alerts without being stored. Lives with the flow; a new key starts new fingerprints.
    this.piiFingerprintSecret = new secretsmanager.Secret(this, 'PiiFingerprintSecret', {
      description: `Vigia (${Stack.of(this).stackName}): HMAC key of the personal-data fingerprints in alerts`,
      encryptionKey: key,
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'fingerprintKey', excludePunctuation: true, passwordLength: 64 },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Pure computation on the state it is given, plus the fingerprint key.
    this.ruleChecksFunction = new PipelineFunction(this, 'ComplianceRulesFunction', {
      entry: 'functions/compliance/rule-checks.ts',
      description: 'Compliance flow: keyword, file and personal-data rules',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.ruleChecks,
      define: configDefine,
    }).bindSecret(this.piiFingerprintSecret, FUNCTION_ENV.piiSecretArn);

    this.fileContentCheckFunction = new PipelineFunction(this, 'ComplianceFileContentFunction', {
      entry: 'functions/compliance/file-content-check.ts',
      description: 'Compliance flow: keyword and personal-data rules inside the file',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.fileContentCheck,
      define: configDefine,
    })
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.media, 'read')
      .bindSecret(this.piiFingerprintSecret, FUNCTION_ENV.piiSecretArn);

    this.sentimentCheckFunction = new PipelineFunction(this, 'ComplianceSentimentFunction', {
      entry: 'functions/compliance/sentiment-check.ts',
      description: 'Compliance flow: sentiment of the message text (Amazon Comprehend)',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.sentimentCheck,
      define: configDefine,
      utf8Text: true,
    });
    // comprehend:DetectSentiment supports no resource-level permissions (the Service Authorization
    // Reference lists no resource type for it), so "*" is the only valid Resource. The action
    // stores nothing and reads no resource of the account.
    this.sentimentCheckFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['comprehend:DetectSentiment'], resources: ['*'] }));

    this.recordFunction = new PipelineFunction(this, 'ComplianceRecordFunction', {
      entry: 'functions/compliance/record.ts',
      description: 'Compliance flow: records check results, alerts and failures',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.record,
      define: configDefine,
    }).bindArchiveTable(archiveTable, 'readWrite');

    this.notifyFunction = new PipelineFunction(this, 'ComplianceNotifyFunction', {
      entry: 'functions/compliance/notify.ts',
      description: 'Compliance flow: notifies managers of new alerts',
      encryptionKey: key,
      ...COMPLIANCE_FUNCTIONS.notify,
      define: configDefine,
    })
      .bindTopicPublisher(alertsTopic, FUNCTION_ENV.alertsTopicArn)
      // Records each delivery on the alert (deliveredTo, notifiedAt), so a re-run sends only what is missing.
      .bindArchiveTable(archiveTable, 'readWrite');

    // --- States -------------------------------------------------------------------------------
    // Every Lambda task: the whole state in, the function's result out. The default retry on
    // Lambda service exceptions (retryOnServiceExceptions) stays on every task.
    const invoke = (stateName: string, lambdaFunction: PipelineFunction, comment: string) =>
      tasks.LambdaInvoke.jsonPath(this, stateName, {
        lambdaFunction,
        comment,
        payload: sfn.TaskInput.fromJsonPathAt('$'),
        outputPath: '$.Payload',
      });

    const failed = sfn.Fail.jsonPath(this, FLOW_STATES.failed, {
      error: 'ComplianceFlowFailed',
      cause: 'A compliance task failed; the error is recorded on the message (RecordFailure)',
    });
    const recordFailure = tasks.LambdaInvoke.jsonPath(this, FLOW_STATES.recordFailure, {
      lambdaFunction: this.recordFunction,
      comment: 'Records the caught error on the message',
      payload: sfn.TaskInput.fromObject(RECORD_FAILURE_PAYLOAD),
      outputPath: '$.Payload',
    });
    // The last chance to leave a trace on the message: retried beyond the Lambda service errors,
    // and deliberately without a Catch (a failure here fails the execution, which is alarmed on).
    recordFailure.addRetry({ errors: [sfn.Errors.TASKS_FAILED], maxAttempts: 2, interval: Duration.seconds(2), backoffRate: 2 });
    recordFailure.next(failed);
    const catchToRecordFailure = { errors: [sfn.Errors.ALL], resultPath: '$.failure' };

    const prepare = invoke(FLOW_STATES.prepare, this.prepareFunction, 'Reads the message context');
    const fetchMedia = invoke(FLOW_STATES.fetchMedia, this.fetchMediaFunction, 'Downloads the media file into media/');
    const ruleChecks = invoke(FLOW_STATES.ruleChecks, this.ruleChecksFunction, 'Keyword and file rules');
    const sentimentCheck = invoke(FLOW_STATES.sentimentCheck, this.sentimentCheckFunction, 'Sentiment of the text (Comprehend)');
    const fileContentCheck = invoke(FLOW_STATES.fileContentCheck, this.fileContentCheckFunction, 'Keyword and personal-data rules inside the file');
    const record = invoke(FLOW_STATES.record, this.recordFunction, 'Stores check results and alerts');
    const notify = invoke(FLOW_STATES.notify, this.notifyFunction, 'Delivers the alerts to the subscriptions that lack them');
    notify.addRetry({ errors: [...NOTIFY_RETRYABLE_ERRORS], ...COMPLIANCE_NOTIFY_RETRY, jitterStrategy: sfn.JitterType.FULL });

    // A sentiment that cannot be computed is reported, not fatal: the branch outputs
    // { sentimentError } instead of { sentiment }.
    const sentimentFailed = sfn.Pass.jsonPath(this, FLOW_STATES.sentimentFailed, {
      comment: 'Keeps only the error: the other checks still count',
      parameters: { 'sentimentError.$': '$.sentimentError' },
    });
    sentimentCheck.addRetry({
      errors: [...COMPREHEND_RETRYABLE_ERRORS],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    sentimentCheck.addCatch(sentimentFailed, { errors: [sfn.Errors.ALL], resultPath: '$.sentimentError' });

    // A file that cannot be read is reported by the task itself ("not scanned: …"); what still
    // fails (S3 throttling after retries, a timeout) is recorded as the check's error, not fatal.
    const fileContentFailed = sfn.Pass.jsonPath(this, FLOW_STATES.fileContentFailed, {
      comment: 'Keeps only the error: the other checks still count',
      parameters: { 'fileContentError.$': '$.fileContentError' },
    });
    fileContentCheck.addRetry({ errors: ['SlowDown', 'ServiceUnavailable', 'InternalError'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2, jitterStrategy: sfn.JitterType.FULL });
    fileContentCheck.addCatch(fileContentFailed, { errors: [sfn.Errors.ALL], resultPath: '$.fileContentError' });

    // Most messages have no file: the branch answers {} itself rather than invoking a function for it.
    const fileText = sfn.Choice.jsonPath(this, FLOW_STATES.hasStoredFile, { comment: 'A stored file whose text to read?' })
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.file.state'), sfn.Condition.stringEquals('$.file.state', 'stored')), fileContentCheck)
      .otherwise(sfn.Pass.jsonPath(this, FLOW_STATES.noFileText, { comment: 'No file text to check', result: sfn.Result.fromObject({}) }));

    const checks = sfn.Parallel.jsonPath(this, FLOW_STATES.checks, {
      comment: 'Rules, sentiment and the file’s text in parallel; outputs in $.checks',
      resultPath: '$.checks',
    })
      .branch(ruleChecks)
      .branch(sentimentCheck)
      .branch(fileText);

    // Meta keeps media for 7 days: a download that fails now is retried by the media sweeper,
    // which re-runs the flow once the file is stored. Until then the file check is skipped.
    // One retry only (a timeout included): the whole flow must fit in COMPLIANCE_FLOW.timeout.
    fetchMedia.addRetry({ errors: [sfn.Errors.TASKS_FAILED], ...COMPLIANCE_FETCH_MEDIA_RETRY });
    fetchMedia.addCatch(checks, { errors: [sfn.Errors.ALL], resultPath: '$.mediaError' });

    for (const state of [prepare, checks, record, notify]) {
      state.addCatch(recordFailure, catchToRecordFailure);
    }

    const hasMedia = sfn.Choice.jsonPath(this, FLOW_STATES.hasMedia, { comment: 'Media to fetch before the file checks?' })
      .when(sfn.Condition.isPresent('$.context.mediaId'), fetchMedia.next(checks))
      .otherwise(checks);
    checks.next(record).next(notify).next(sfn.Succeed.jsonPath(this, FLOW_STATES.done));

    // --- State machine ----------------------------------------------------------------------
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from adding a statement per log group to
      // the account's CloudWatch Logs resource policy (which has a size limit).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${id}`,
      encryptionKey: key,
      retention: props.logRetention ?? logRetentionOf(this),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Vigia compliance checks of one message',
      // One short run per message, started asynchronously: Express is priced per request and
      // duration. Its limit is 5 minutes per execution: the flow's own timeout ends a slow run
      // before that, counted as timed out (see the budget in infra/config.ts).
      stateMachineType: sfn.StateMachineType.EXPRESS,
      // A fixed name (unique per stage: the stack name carries it): the role's key grant is scoped
      // to the state machine's ARN (encryption context), which must be known before it exists.
      stateMachineName: `${Stack.of(this).stackName}-${id}`,
      timeout: COMPLIANCE_FLOW.timeout,
      definitionBody: sfn.DefinitionBody.fromChainable(sfn.Chain.start(prepare).next(hasMedia)),
      // Definition and execution data encrypted with the customer-managed key, not an AWS-owned
      // one. CDK grants the state machine's role the key for this state machine's encryption
      // context (and for its log delivery); whoever starts an execution needs the key as well
      // (PipelineFunction.bindStateMachine with `encryptionKey`).
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // Inputs and outputs carry message text: never in the logs.
        includeExecutionData: false,
      },
    });
  }
}
