import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { atLeastOnceAlarm, vigiaMetric } from './alarms';
import { PipelineFunction } from './pipeline-function';

/**
 * The disclosure function: reads a few messages, one conditional claim and one Cloud API call per
 * new contact. 512 MB for the offline language detector (nlp.js); 60 s covers 100 messages at the
 * Graph API's 10 s timeout only for a handful of new contacts, which is the normal case per webhook.
 */
export const DISCLOSURE_FUNCTION = {
  memorySize: 512,
  timeout: Duration.seconds(60),
  /** Lambda's own retries of a failed asynchronous invocation (the claims make them safe). */
  retryAttempts: 2,
  /** An event older than this is dropped: the 24-hour window would refuse it anyway. */
  maxEventAge: Duration.hours(6),
} as const;

export interface ContactDisclosureProps {
  /** The deployment config; `privacy.disclosure` (enabled) must be set. Inlined into the function. */
  readonly config: VigiaConfig;
  /** Encrypts the function's log group. */
  readonly key: kms.IKey;
  readonly archiveTable: dynamodb.ITable;
  /** The `vigia/<stage>/whatsapp` secret: the Cloud API access token. */
  readonly whatsAppSecret: secretsmanager.ISecret;
  /** The ingest function, which hands new inbound messages over (asynchronous invocation). */
  readonly ingestFunction: PipelineFunction;
  /**
   * Graph API base URL (`WHATSAPP_GRAPH_API_URL`).
   * @default - the function's default (Meta's pinned version)
   */
  readonly graphApiUrl?: string;
  /**
   * Topic notified when the send-failure alarm goes off.
   * @default - no alarm action
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The first-contact disclosure (docs/privacy.md):
 *
 * 1. The ingest function invokes the disclosure function asynchronously (`lambda:InvokeFunction`
 *    on this function only) with the ids of new inbound Cloud API messages inside the 24-hour window.
 * 2. The function claims each (line, contact) pair in the table, sends the configured text through
 *    the Cloud API with the access token of the WhatsApp secret, and records the evidence.
 * 3. Failed sends publish `DisclosureSendFailed`, which the alarm watches.
 *
 * The webhook function and its ack path are untouched.
 */
export class ContactDisclosure extends Construct {
  public readonly disclosureFunction: PipelineFunction;
  /** A disclosure the Cloud API refused or failed (the contact's next message retries it). */
  public readonly sendFailedAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: ContactDisclosureProps) {
    const settings = props.config.privacy?.disclosure;
    if (!settings?.enabled) throw new Error('ContactDisclosure: the config has no enabled privacy.disclosure section');
    super(scope, id);

    this.disclosureFunction = new PipelineFunction(this, 'DisclosureFunction', {
      entry: 'functions/disclosure/handler.ts',
      description: 'First-contact disclosure: tells new contacts the conversation is recorded',
      encryptionKey: props.key,
      memorySize: DISCLOSURE_FUNCTION.memorySize,
      timeout: DISCLOSURE_FUNCTION.timeout,
      environment: props.graphApiUrl === undefined ? undefined : { [FUNCTION_ENV.graphApiUrl]: props.graphApiUrl },
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(props.config)) },
      // The language guesser's trigram models (shared/compliance/language.ts).
      utf8Text: true,
    })
      // Reads the messages, claims and records DISCLOSURE# items.
      .bindArchiveTable(props.archiveTable, 'readWrite')
      .bindSecret(props.whatsAppSecret);
    this.disclosureFunction.configureAsyncInvoke({ retryAttempts: DISCLOSURE_FUNCTION.retryAttempts, maxEventAge: DISCLOSURE_FUNCTION.maxEventAge });

    // Not `grantInvoke()`: it also grants the function's versions and aliases (`<arn>:*`).
    props.ingestFunction.addEnvironment(FUNCTION_ENV.disclosureFunction, this.disclosureFunction.functionArn);
    props.ingestFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.disclosureFunction.functionArn] }));

    this.sendFailedAlarm = atLeastOnceAlarm(this, 'DisclosureSendFailedAlarm', vigiaMetric(VIGIA_METRICS.disclosureSendFailed, cloudwatch.Stats.SUM),
      'A first-contact disclosure could not be sent through the Cloud API (the contact’s next message retries): check the disclosure function logs and the WhatsApp access token',
    );
    if (props.alarmTopic) this.sendFailedAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
