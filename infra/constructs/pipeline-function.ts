import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, type Size } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { logRetentionOf, REPO_ROOT } from '../config';
import { FUNCTION_ENV } from '../function-env';
import { AsyncDeadLetterQueue } from './async-dead-letter-queue';
import { NLP_PACKAGE_REDUCTIONS, reducedPackageEntry } from '../bundling/nlp-package-reductions';
import { AWS_SDK_CONTEXT, type AwsSdkSource, listedAwsSdkSource } from '../bundling/aws-sdk';
import { functionCode } from '../bundling/function-bundle';

export { AWS_SDK_BUNDLED_FUNCTIONS, AWS_SDK_CONTEXT, type AwsSdkSource } from '../bundling/aws-sdk';

/**
 * Left out of the bundles of the functions that use the runtime's SDK: the nodejs22.x runtime
 * provides the AWS SDK v3 and the `@smithy/*` packages it is built on, and those clients must use
 * that copy, never a mix with a bundled one (docs/decisions.md, decision 3).
 */
export const RUNTIME_PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/** Where the function `id`'s SDK comes from: the `AWS_SDK_CONTEXT` override, else `AWS_SDK_BUNDLED_FUNCTIONS`. */
export function awsSdkSourceOf(scope: Construct, id: string): AwsSdkSource {
  const override: unknown = scope.node.tryGetContext(AWS_SDK_CONTEXT);
  if (override === 'bundled' || override === 'runtime') return override;
  if (override !== undefined) throw new Error(`context ${AWS_SDK_CONTEXT} must be "bundled" or "runtime", got ${JSON.stringify(override)}`);
  return listedAwsSdkSource(id);
}

/**
 * The SDK packages the functions import, all provided by the nodejs22.x runtime: what a function
 * that goes back to the runtime's SDK (not in AWS_SDK_BUNDLED_FUNCTIONS, or the bench's
 * `vigia:awsSdk=runtime`) may import. test/infra/bundling.test.ts fails on a package not listed.
 */
export const RUNTIME_SDK_PACKAGES: readonly string[] = [
  '@aws-sdk/client-athena',
  '@aws-sdk/client-comprehend',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-sesv2',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-sqs',
  '@aws-sdk/lib-dynamodb',
  // The console API presigns media links (shared/console/adapters/s3-presigned-links.ts); the
  // runtime ships the SDK's S3 helper packages next to the clients, like @aws-sdk/s3-presigned-post.
  '@aws-sdk/s3-request-presigner',
];

/**
 * Node built-ins the bundles take as CommonJS (`process.getBuiltinModule`, Node ≥ 22.3, through
 * the one-line infra/bundling/node-builtins/<name>.cjs) rather than by an ES import. An ES import of a built-in
 * makes Node build its ESM facade, which reads every export, lazy getters included: for
 * `node:http`, `WebSocket`, `CloseEvent` and `MessageEvent`, which load Node's whole bundled undici
 * (issue 19: tens of milliseconds of cold start once the SDK is bundled, its `dist-es` HTTP handler
 * importing `node:http`; the runtime's SDK is CommonJS and `require`s it). esbuild reads the named
 * imports off the module object, so no list of names is needed. The same for `node:process`,
 * `util`, `fs`, `timers` and `console` (whose facades load a few more internal modules) measured
 * no gain beyond the noise on the webhook (bench/bundles.ts, 2026-12-03), so they are left alone.
 * An alias also catches subpaths (`fs` would catch `fs/promises`): a subpath needs its own shim.
 */
export const NODE_BUILTIN_SHIMS: readonly string[] = ['http'];

/**
 * Packages replaced at bundle time (esbuild `--alias`): `yaml` by a stub that throws (the functions
 * read the inlined config), the `NODE_BUILTIN_SHIMS` by the same modules taken as CommonJS,
 * nlp.js's language and lexicon packages by reduced copies written at synth (docs/decisions.md,
 * decision 4).
 */
export function bundlingAliases(options: { reducedNlpPackages: boolean } = { reducedNlpPackages: true }): Readonly<Record<string, string>> {
  const builtins = NODE_BUILTIN_SHIMS.flatMap((name) => {
    const shim = path.join(REPO_ROOT, 'infra', 'bundling', 'node-builtins', `${name.replace('/', '-')}.cjs`);
    return [[name, shim], [`node:${name}`, shim]] as const;
  });
  return {
    yaml: path.join(REPO_ROOT, 'infra', 'bundling', 'yaml-unavailable.ts'),
    ...Object.fromEntries(builtins),
    ...(options.reducedNlpPackages ? Object.fromEntries(Object.keys(NLP_PACKAGE_REDUCTIONS).map((name) => [name, reducedPackageEntry(name)])) : {}),
  };
}

/** Name of the inline policy of every PipelineFunction's role: its own log group and dead-letter queue (docs/decisions.md, decision 5). */
export const FUNCTION_BASELINE_POLICY = 'FunctionBaseline';

export type TableAccess = 'read' | 'readWrite';
/**
 * - `read`: GetObject.
 * - `write`: PutObject, single-part.
 * - `upload`: what a lib-storage `Upload` needs: PutObject (which also authorizes the multipart
 *   calls) and AbortMultipartUpload. No read, delete, listing or object versions.
 * - `write` and `upload` include PutObjectTagging: new objects carry the `vigia-retention` tag the
 *   retention lifecycle rules filter on.
 * - `tag`: PutObjectTagging alone (ingest re-tags a raw webhook `hold` when a legal hold covers it).
 */
export type PrefixAccess = 'read' | 'write' | 'upload' | 'tag';

const PREFIX_ACCESS: Record<PrefixAccess, { readonly s3: string[]; readonly kms: string[] }> = {
  read: { s3: ['s3:GetObject'], kms: ['kms:Decrypt'] },
  write: { s3: ['s3:PutObject', 's3:PutObjectTagging'], kms: ['kms:GenerateDataKey'] },
  tag: { s3: ['s3:PutObjectTagging'], kms: [] },
  // With SSE-KMS, CreateMultipartUpload generates the data key and the parts decrypt it.
  upload: {
    s3: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
    kms: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
};

export interface PipelineFunctionProps {
  /** Entry file, absolute or relative to the repository root (e.g. `functions/webhook/handler.ts`). */
  readonly entry: string;
  /**
   * Exported handler function.
   * @default 'handler'
   */
  readonly handler?: string;
  /** Key that encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  /**
   * @default - no description
   */
  readonly description?: string;
  /**
   * Powertools service name (the `service` key of logs and the metrics dimension).
   * @default 'Vigia'
   */
  readonly serviceName?: string;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Size of /tmp, for a function that needs scratch space.
   * @default Size.mebibytes(512) (Lambda's default)
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * Retention of the function's log group.
   * @default - the stage's retention (`logRetentionOf(scope)`: the stack's `LOG_RETENTION_CONTEXT`, else one month)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Dead-letter queue of the function's asynchronous invocations (EventBridge schedules, CDK
   * Triggers, `InvocationType: Event` calls), after Lambda's own two retries.
   * @default - the stack's AsyncDeadLetterQueue (one per stack, encrypted with `encryptionKey`)
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Extra environment variables. Prefer the `bind*` helpers, which set the variable and the grant together.
   * @default - only the Powertools variables and NODE_OPTIONS
   */
  readonly environment?: Record<string, string>;
  /**
   * Build-time replacements passed to esbuild (`--define`): each key is an expression in the code,
   * each value the JavaScript source that replaces it (a JSON string literal must be quoted twice,
   * e.g. `JSON.stringify(JSON.stringify(value))`). The values become part of the bundle, hence of
   * the asset hash: changing one redeploys the function.
   * @default - no replacements
   */
  readonly define?: Record<string, string>;
  /**
   * The bundle carries a lot of non-ASCII text (nlp.js's trigram models and lexicons): written as
   * UTF-8 rather than escaped. Otherwise the bundle is pure ASCII (esbuild escapes the few other
   * non-ASCII characters), which Node decodes on its fast path at every cold start.
   * @default false
   */
  readonly utf8Text?: boolean;
  /**
   * Physical name of the function's role, for a role another stack's resource policy must name
   * before the role exists (the evidence signing key's policy names the seal function's role).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * Reserved concurrency: at most this many invocations at once (the others are throttled).
   * @default - no reserved concurrency (the account's unreserved pool)
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The defaults every Vigia function shares: Node.js 22 on ARM64, a minified ESM bundle with source
 * maps built by the local esbuild, split so that what is only imported dynamically is not read at
 * cold start (infra/bundling/function-bundle.ts), the AWS SDK bundled or the runtime's, whichever
 * starts faster (`AWS_SDK_BUNDLED_FUNCTIONS`), active X-Ray tracing, an explicit
 * encrypted log group with the stage's retention, a dead-letter queue for asynchronous invocations,
 * the Powertools environment, and its own role with no managed policy (docs/decisions.md, decision 5).
 *
 * Grants go through the `bind*` helpers, which set the environment variable the function reads
 * and the narrowest permission it needs in one call, so neither is ever forgotten (decision 6).
 */
export class PipelineFunction extends lambda.Function {
  /** The function's own log group (explicit, encrypted, with a retention). */
  public readonly functionLogGroup: logs.LogGroup;
  /** Where Lambda puts the function's failed asynchronous invocations. */
  public readonly asyncDeadLetterQueue: sqs.IQueue;
  /**
   * The esbuild `define` replacements the bundle is built with (empty when none). Kept so tests
   * can check what is inlined without running esbuild.
   */
  public readonly bundlingDefine: Readonly<Record<string, string>>;
  /** The modules left out of the bundle (`externalModules`): provided by the Lambda runtime (none when the SDK is bundled). */
  public readonly bundlingExternals: readonly string[];
  /** Where the function's AWS SDK comes from (see `AWS_SDK_BUNDLED_FUNCTIONS`). */
  public readonly awsSdk: AwsSdkSource;
  /** The packages replaced at bundle time (esbuild `--alias`), and by what file. */
  public readonly bundlingAliases: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logRetentionOf(scope),
      encryptionKey: props.encryptionKey,
      // Operational logs, not the archive: they go with the function.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deadLetterQueue = props.deadLetterQueue ?? AsyncDeadLetterQueue.of(scope, props.encryptionKey).queue;
    // Not CDK's default role, which attaches AWSLambdaBasicExecutionRole (every log group of the
    // account): the baseline is inline, on the function's own resources (docs/decisions.md, decision 5).
    const baseline = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }),
    ];
    if (deadLetterQueue.encryptionMasterKey) baseline.push(sqsProducerKeyStatement(deadLetterQueue.encryptionMasterKey));
    const role = new iam.Role(scope, `${id}ServiceRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
      roleName: props.roleName,
      inlinePolicies: { [FUNCTION_BASELINE_POLICY]: new iam.PolicyDocument({ statements: baseline }) },
    });
    // The reduced nlp.js copies are written only when this stack is bundled (decision 4).
    const aliases = bundlingAliases({ reducedNlpPackages: Stack.of(scope).bundlingRequired });
    const awsSdk = awsSdkSourceOf(scope, id);
    // esbuild tree-shakes a bundled SDK down to the commands the function sends.
    const externalModules = awsSdk === 'runtime' ? [...RUNTIME_PROVIDED_MODULES] : [];

    super(scope, id, {
      code: functionCode({ entry: props.entry, external: externalModules, alias: aliases, define: props.define ?? {}, utf8Text: props.utf8Text ?? false }),
      handler: `index.${props.handler ?? 'handler'}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      ephemeralStorageSize: props.ephemeralStorageSize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'Vigia',
        POWERTOOLS_METRICS_NAMESPACE: 'Vigia',
        // No NODE_OPTIONS=--enable-source-maps: Node would read and index the source map at every
        // cold start (20 ms of the webhook's 145 ms, docs/performance.md). Names are kept instead.
        ...props.environment,
      },
    });
    // Not the `deadLetterQueue` prop: it would grant sqs:SendMessage again, in the default policy.
    (this.node.defaultChild as lambda.CfnFunction).deadLetterConfig = { targetArn: deadLetterQueue.queueArn };
    this.asyncDeadLetterQueue = deadLetterQueue;
    this.functionLogGroup = logGroup;
    this.bundlingDefine = { ...props.define };
    this.bundlingExternals = externalModules;
    this.awsSdk = awsSdk;
    this.bundlingAliases = aliases;
  }

  /** Sets `ARCHIVE_TABLE` and grants read or read/write on the table, its indexes and the key. */
  public bindArchiveTable(table: dynamodb.ITable, access: TableAccess): this {
    this.addEnvironment(FUNCTION_ENV.archiveTable, table.tableName);
    if (access === 'readWrite') {
      table.grantReadWriteData(this);
    } else {
      table.grantReadData(this);
    }
    return this;
  }

  /**
   * Sets `ARCHIVE_BUCKET` and grants the S3 actions of `access` (see `PrefixAccess`) on
   * `<bucket>/<prefix>*` only, plus the KMS actions they need on the bucket's key, limited to
   * calls made through S3. Call once per prefix.
   */
  public bindArchiveBucketPrefix(bucket: s3.IBucket, prefix: string, access: PrefixAccess): this {
    if (!prefix || prefix.includes('*') || !prefix.endsWith('/')) {
      throw new Error(`bindArchiveBucketPrefix: prefix must be a folder like "raw/", got ${JSON.stringify(prefix)}`);
    }
    this.addEnvironment(FUNCTION_ENV.archiveBucket, bucket.bucketName);
    const actions = PREFIX_ACCESS[access];
    this.addToRolePolicy(new iam.PolicyStatement({ actions: actions.s3, resources: [bucket.arnForObjects(`${prefix}*`)] }));
    if (bucket.encryptionKey && actions.kms.length > 0) {
      // With a bucket key, S3 asks KMS for a data key on writes and to decrypt it on reads
      // (and on the parts of a multipart upload).
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: actions.kms,
          resources: [bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }

  /**
   * Sets `envName` to the queue URL and grants `sqs:SendMessage` (SendMessageBatch included) on that
   * queue only, plus what a producer needs on its customer-managed key, through SQS only.
   */
  public bindQueueSender(queue: sqs.IQueue, envName: string): this {
    this.addEnvironment(envName, queue.queueUrl);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) this.addToRolePolicy(sqsProducerKeyStatement(queue.encryptionMasterKey));
    return this;
  }

  /**
   * Sets `WHATSAPP_SECRET_ARN` and grants reading the secret, plus `kms:Decrypt` on its key through
   * Secrets Manager only. Not `secret.grantRead()`, which would make a cross-stack cycle (decision 6).
   */
  public bindSecret(secret: secretsmanager.ISecret, envName: string = FUNCTION_ENV.whatsappSecretArn): this {
    this.addEnvironment(envName, secret.secretArn);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    if (secret.encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }

  /**
   * Sets `envName` to the state machine ARN and grants `states:StartExecution` on that state
   * machine only; with `encryptionKey` (the key the state machine is encrypted with), also what
   * starting an execution needs on it.
   */
  public bindStateMachine(
    stateMachine: sfn.IStateMachine,
    envName: string = FUNCTION_ENV.complianceStateMachineArn,
    encryptionKey?: kms.IKey,
  ): this {
    this.addEnvironment(envName, stateMachine.stateMachineArn);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }));
    if (encryptionKey) {
      // The execution input is encrypted with the caller's credentials: the key, for this state machine's context only.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachine.stateMachineArn } },
        }),
      );
    }
    return this;
  }

  /**
   * Sets `envName` to the topic ARN and grants `sns:Publish` on that topic only, plus what a
   * publisher needs on its customer-managed key (GenerateDataKey and Decrypt), through SNS only.
   * Not `topic.grantPublish()`, which would make a cross-stack cycle (decision 6).
   */
  public bindTopicPublisher(topic: sns.ITopic, envName: string): this {
    this.addEnvironment(envName, topic.topicArn);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    if (topic.masterKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [topic.masterKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }
}

/**
 * What a producer of a queue encrypted with a customer-managed key needs on the key:
 * GenerateDataKey and Decrypt (the SQS developer guide), limited to calls made through SQS.
 */
function sqsProducerKeyStatement(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
  });
}
