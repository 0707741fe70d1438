import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../config';
import { FUNCTION_ENV } from '../function-env';

/**
 * ESM bundles have no `require`; some CommonJS dependencies bundled into them still call it.
 * The banner gives them one.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export type TableAccess = 'read' | 'readWrite';
export type PrefixAccess = 'read' | 'write';

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
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Extra environment variables. Prefer the `bind*` helpers, which set the variable and the grant together.
   * @default - only the Powertools variables and NODE_OPTIONS
   */
  readonly environment?: Record<string, string>;
}

/**
 * The defaults every Vigia function shares: Node.js 22 on ARM64, an ESM bundle (minified, with
 * source maps) built by the local esbuild, active X-Ray tracing, an explicit log group with a
 * retention and the archive key, and the Powertools environment.
 *
 * Grants go through the `bind*` helpers, which set the environment variable the function reads
 * and the narrowest permission it needs in one call, so neither is ever forgotten.
 */
export class PipelineFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
      // Operational logs, not the archive: they go with the function.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    super(scope, id, {
      entry: path.resolve(REPO_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      description: props.description,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'Vigia',
        POWERTOOLS_METRICS_NAMESPACE: 'Vigia',
        // Stack traces point at the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK instead of using the runtime's copy: the versions pinned in
        // package-lock.json are the ones tested. Cost: ~1 MB minified per function.
        externalModules: [],
      },
    });
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
   * Sets `ARCHIVE_BUCKET` and grants `s3:PutObject` (write) or `s3:GetObject` (read) on
   * `<bucket>/<prefix>*` only, plus the KMS action that operation needs on the bucket's key,
   * limited to calls made through S3. Call once per prefix.
   */
  public bindArchiveBucketPrefix(bucket: s3.IBucket, prefix: string, access: PrefixAccess): this {
    if (!prefix || prefix.includes('*') || !prefix.endsWith('/')) {
      throw new Error(`bindArchiveBucketPrefix: prefix must be a folder like "raw/", got ${JSON.stringify(prefix)}`);
    }
    this.addEnvironment(FUNCTION_ENV.archiveBucket, bucket.bucketName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'write' ? ['s3:PutObject'] : ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    if (bucket.encryptionKey) {
      // With a bucket key, S3 asks KMS for a data key on writes and to decrypt it on reads.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: access === 'write' ? ['kms:GenerateDataKey'] : ['kms:Decrypt'],
          resources: [bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }

  /**
   * Sets `WHATSAPP_SECRET_ARN` and grants reading the secret, plus `kms:Decrypt` on its key
   * limited to calls made through Secrets Manager.
   *
   * Not `secret.grantRead()`: with a key from another stack, that grant also writes this
   * function's role ARN into the key policy (it cannot tell the role's account), and the
   * StatefulStack would then depend on this stack: a cycle. An identity policy is enough, as
   * the key policy trusts the account's IAM policies.
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
}
