import { type App, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions and Serverless rule packs) on the whole app: `cdk synth` fails on any
 * error finding not acknowledged here.
 *
 * Every acknowledgement below names the rule, the finding (the wildcard, the policy, the runtime)
 * and the resources it may apply to, and says why in one sentence. A finding is acknowledged on
 * the one resource that raised it (`Validations.of(resource).acknowledge({ id: 'Rule[finding]' })`),
 * never on a stack or the app; a new finding that matches no entry fails the synth, so a new
 * wildcard or a new function without a DLQ is seen in review. The acknowledged findings are also
 * written into each resource's CloudFormation metadata (`cdk_nag.rules_to_suppress`), where an
 * auditor reading the template finds them with their reasons.
 */
export interface NagAcknowledgement {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly rule: string;
  /** The finding between brackets (`Resource::…`, `Action::…`, `Policy::…`); absent for rules without findings. */
  readonly finding?: RegExp;
  /** Construct paths (`Vigia-<stage>-Pipeline/WebhookFunction/…`) the acknowledgement may apply to. */
  readonly path: RegExp;
  /** Why, in one sentence. */
  readonly reason: string;
}

const ANY_STAGE = 'Vigia-[a-z0-9-]+';
const path = (...parts: string[]) => new RegExp(`^${ANY_STAGE}-(?:${parts.join('|')})(?:/|$)`);
/** The manager console, nested in the PipelineStack (infra/stacks/console-stack.ts). */
const CONSOLE = /^Vigia-[a-z0-9-]+-Pipeline\/Console\/ManagerConsole\//;
/** CDK's singleton function of the console's BucketDeployment (one per memory size). */
const CONSOLE_PAGE_DEPLOYMENT = /^Vigia-[a-z0-9-]+-Pipeline\/Console\/Custom::CDKBucketDeployment[0-9A-Fa-f]+(?:\d+MiB)?(?:\/|$)/;

export const NAG_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  // ── IAM wildcards (AwsSolutions-IAM5) ───────────────────────────────────────────────────────
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Resource::.*\/(raw|rejected|media|evidence|exports|athena-results)\/\*$/,
    path: path('Stateful', 'Pipeline', 'Analytics'),
    reason: 'S3 object permissions are scoped to one area (key prefix) of one bucket; an object ARN for a prefix needs the trailing wildcard.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Resource::.*ArchiveTable.*\/index\/\*$/,
    path: path('Pipeline', 'Analytics', 'Stateful'),
    reason: "Reads through the archive table's own global secondary indexes (byLine, byContact, byDay, byMediaState, byAlertStatus, byAlertStatusForCounts, byPending), which CDK's table grants express as <table>/index/*.",
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
    path: path('Pipeline', 'Analytics', 'Stateful'),
    reason: "CDK's encrypt/decrypt grant on the project's own customer-managed key (one key ARN, no resource wildcard), needed to read and write the KMS-encrypted table, queues and topic.",
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Resource::<ComplianceFlow[A-Za-z0-9]+Function[A-Za-z0-9]+\.Arn>:\*$/,
    path: path('Pipeline'),
    reason: 'The compliance state machine may invoke each of its own task functions in any version or alias (CDK LambdaInvoke grant); the function ARNs themselves are fixed.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:(table|userDefinedFunction)\/vigia_[a-z0-9_]+\/\*$/,
    path: path('Stateful'),
    reason: "Athena users may read the tables of Vigia's own Glue database only; Glue table ARNs need the wildcard to cover the database's tables.",
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^Resource::\*$/,
    path: /^Vigia-[a-z0-9-]+-(?:Pipeline|Analytics)\/.*(?:FunctionServiceRole|StateMachine\/Role)\/DefaultPolicy\/Resource$/,
    reason:
      'Resource "*" is granted only for actions that support no resource-level permissions (X-Ray PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets; Comprehend DetectSentiment; Step Functions vended log delivery), enforced by the "Resource *" test in test/infra/hardening.test.ts.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: /^(?:Action::s3:(?:GetObject|GetBucket|List|DeleteObject|Abort)\*|Resource::(?:arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>|<ManagerConsolePageBucket[0-9A-F]+\.Arn>)\/\*)$/,
    path: /^Vigia-[a-z0-9-]+-Pipeline\/Console\/ManagerConsole\/PageDeploymentRole\/DefaultPolicy\/Resource$/,
    reason: "CDK's BucketDeployment copies the console page from the CDK asset bucket into the page bucket at deploy time (and removes files the build no longer has), which its read and read/write grants on those two buckets express with object wildcards.",
  },
  // ── Runtimes, integrations and services that have no better setting ────────────────────────
  {
    rule: 'AwsSolutions-L1',
    path: path('Pipeline', 'Analytics', 'Stateful'),
    reason: 'Vigia runs on nodejs22.x, the Node.js major it is built and tested on (.nvmrc, CI); a runtime upgrade is a tested change, not a deploy-time default.',
  },
  {
    rule: 'Serverless-LambdaLatestVersion',
    path: path('Pipeline', 'Analytics', 'Stateful'),
    reason: 'Vigia runs on nodejs22.x, the Node.js major it is built and tested on (.nvmrc, CI); a runtime upgrade is a tested change, not a deploy-time default.',
  },
  {
    rule: 'AwsSolutions-APIG4',
    path: path('Pipeline'),
    reason: "Meta's webhook deliveries cannot carry IAM, Cognito or JWT credentials: every POST is authenticated in the function by the X-Hub-Signature-256 HMAC over the raw body, and the GET is Meta's verify-token handshake.",
  },
  {
    rule: 'AwsSolutions-SMG4',
    path: path('Pipeline'),
    reason: "The secret holds Meta's app secret and access token, which are rotated in Meta's App Dashboard and then put here (docs/deploy.md); Secrets Manager cannot rotate them.",
  },
  {
    rule: 'Serverless-SQSRedrivePolicy',
    path: /DeadLetterQueue|Dlq|DLQ/,
    reason: 'This queue is itself a dead-letter queue (messages end here and raise a depth alarm); a dead-letter queue of a dead-letter queue would only hide them.',
  },
  {
    rule: 'Serverless-LambdaEventSourceMappingDestination',
    path: path('Pipeline', 'Analytics'),
    reason: "SQS event sources have no on-failure destination: a message that keeps failing moves to the queue's own dead-letter queue (redrive policy), which is alarmed.",
  },
  {
    rule: 'AwsSolutions-SQS3',
    path: /^Vigia-[a-z0-9-]+-Stateful\/AsyncDeadLetterQueue\/Queue\/Resource$/,
    reason: 'This queue is the dead-letter queue of the asynchronous Lambda invocations and SNS subscriptions of the stack; it has a depth alarm and no queue of its own behind it.',
  },
  {
    rule: 'Serverless-LambdaAsyncFailureDestination',
    path: /^Vigia-[a-z0-9-]+-Pipeline\/ContactDisclosure\/DisclosureFunction\/EventInvokeConfig\/Resource$/,
    reason: 'Failed asynchronous disclosure invocations go to the function-level dead-letter queue (DeadLetterConfig, alarmed on depth) rather than an on-failure destination, which would duplicate them.',
  },
  {
    rule: 'Serverless-LambdaDLQ',
    path: CONSOLE_PAGE_DEPLOYMENT,
    reason: 'The page deployment function is only invoked synchronously by CloudFormation as a custom resource, which reports its failure on the deployment itself, so a dead-letter queue would never receive anything.',
  },
  {
    rule: 'Serverless-LambdaTracing',
    path: CONSOLE_PAGE_DEPLOYMENT,
    reason: "CDK's page deployment function runs only during a deployment, copying static files, and its code (aws-cdk-lib's) offers no tracing setting.",
  },
  {
    rule: 'AwsSolutions-COG8',
    path: CONSOLE,
    reason: 'Cognito threat protection needs the Plus feature plan, billed per monthly active user, so it is opt-in (console.threatProtection: true) while MFA by authenticator app is required of every user and self sign-up is off.',
  },
  {
    rule: 'AwsSolutions-CFR4',
    path: CONSOLE,
    reason: "Without console.certificateArn the console is served on CloudFront's default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; with a certificate of its own the distribution requires TLS 1.2 (TLSv1.2_2021), and browsers negotiate TLS 1.2 or 1.3 either way.",
  },
  {
    rule: 'AwsSolutions-CFR1',
    path: CONSOLE,
    reason: 'Managers and compliance officers sign in from wherever they travel, and every request needs a Cognito sign-in with MFA, so the console has no geographic restriction.',
  },
  {
    rule: 'AwsSolutions-CFR2',
    path: CONSOLE,
    reason: 'A CLOUDFRONT web ACL can only be created in us-east-1, so the console attaches an existing one by console.webAclArn when configured; the API needs a Cognito token and is throttled, and the page is static.',
  },
  {
    rule: 'AwsSolutions-IAM4',
    finding: /^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/,
    path: /BucketNotificationsHandler[0-9a-f]+\/Role/,
    reason: "CDK's own singleton that configures the bucket's event notifications at deploy time uses the basic execution role; it runs only during deployment and touches no data.",
  },
];

/**
 * Adds the rule packs to the app and acknowledges the findings the table above accepts.
 *
 * Acknowledged twice, on purpose: once now, so the reasons are written into the templates'
 * metadata, and again when the packs validate the synthesized app, because a reference to another
 * stack only takes its final form (`Fn::GetStackOutput`/`Fn::ImportValue`) during synthesis and a
 * wildcard on such a resource is reported under that form.
 */
export function applyNag(app: App, acknowledgements: readonly NagAcknowledgement[] = NAG_ACKNOWLEDGEMENTS): void {
  const packs = [new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }), new ServerlessChecks(app)];
  acknowledgeKnownFindings(app, packs, acknowledgements);
  Validations.of(app).addPlugins(...packs.map((pack) => new AcknowledgingPack(pack, acknowledgements)));
}

/** The findings of the packs on the app as it stands, each as `Rule[finding]` on one construct path. */
export function nagFindings(scope: IConstruct, packs: NagPack[] = [new AwsSolutionsChecks(), new ServerlessChecks()]): NagFinding[] {
  const findings: NagFinding[] = [];
  for (const pack of packs) {
    const report = pack.validateScope(scope);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ id: violation.ruleName, path: resource.constructPath ?? '', severity: violation.severity ?? 'error' });
      }
    }
  }
  return findings;
}

export interface NagFinding {
  /** `Rule` or `Rule[finding]`. */
  readonly id: string;
  readonly path: string;
  readonly severity: string;
}

/** The table entry that accepts a finding, if any. */
export function acknowledgementFor(finding: NagFinding, acknowledgements: readonly NagAcknowledgement[] = NAG_ACKNOWLEDGEMENTS): NagAcknowledgement | undefined {
  const match = /^([^[]+)(?:\[(.*)\])?$/s.exec(finding.id);
  if (!match) return undefined;
  const [, rule, detail] = match;
  return acknowledgements.find(
    (candidate) =>
      candidate.rule === rule &&
      candidate.path.test(finding.path) &&
      (candidate.finding ? detail !== undefined && candidate.finding.test(detail) : true),
  );
}

/** A rule pack that first acknowledges, on the synthesized tree, the findings the table accepts. */
class AcknowledgingPack implements IPolicyValidationPlugin {
  public readonly name: string;

  public constructor(
    private readonly pack: NagPack,
    private readonly acknowledgements: readonly NagAcknowledgement[],
  ) {
    this.name = pack.name;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    acknowledgeKnownFindings(context.appConstruct, [this.pack], this.acknowledgements);
    return this.pack.validate(context);
  }
}

function acknowledgeKnownFindings(scope: IConstruct, packs: NagPack[], acknowledgements: readonly NagAcknowledgement[]): void {
  const byPath = new Map<string, IConstruct>(scope.node.findAll().map((construct) => [construct.node.path, construct]));
  for (const finding of nagFindings(scope, packs)) {
    const entry = acknowledgementFor(finding, acknowledgements);
    const construct = byPath.get(finding.path);
    if (entry && construct) Validations.of(construct).acknowledge({ id: finding.id, reason: entry.reason });
  }
}
