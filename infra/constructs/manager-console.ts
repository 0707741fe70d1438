import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Annotations, Aws, DockerImage, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSOLE_CSP, STRICT_TRANSPORT_SECURITY_SECONDS } from '../../console/security-headers';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { EXPORT_TABLE_NAMES, EXPORT_WATERMARK_KEY } from '../../shared/analytics/export-schema';
import { QUERIES_DIR } from '../../shared/analytics/named-queries';
import { OVERVIEW_QUERIES, OVERVIEW_QUERIES_DEFINE } from '../../shared/console/overview';
import { ANALYTICS_PREFIXES, ARCHIVE_PREFIXES } from '../../shared/resources/definitions';
import { logRetentionOf, REPO_ROOT, stageSettings } from '../config';
import { FUNCTION_DEFINES, FUNCTION_ENV } from '../function-env';
import { AT_LEAST_ONCE } from './alarms';
import type { ArchiveResources } from './archive-resources';
import { PipelineFunction } from './pipeline-function';

/** The console API function (functions/console-api): one function for every `/api/*` route. */
export const CONSOLE_API_FUNCTION = {
  memorySize: 512,
  timeout: Duration.seconds(15),
} as const;

/** Where `console/build.ts` writes the page, and what it is built from. */
export const CONSOLE_DIR = path.join(REPO_ROOT, 'console');
export const CONSOLE_ENTRY = path.join(CONSOLE_DIR, 'src', 'main.tsx');

/** The OAuth scopes of the console's app client (what the page asks for). */
export const CONSOLE_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * The CloudFront Function of the default behaviour: a path that names no file (`/alerts/123`, `/`)
 * is the single-page app, so it is answered with `/index.html`. On the default behaviour only:
 * CloudFront's custom error responses are distribution-wide and would turn the API's 403/404 into
 * the page.
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`;

/**
 * What the console's overview queries (`GET /api/overview`): the StatefulStack's analytics bucket
 * (the export, its watermark, Athena's results) and its AnalyticsCatalog's workgroup and database.
 */
export interface ConsoleAnalytics {
  readonly bucket: s3.IBucket;
  readonly workGroupName: string;
  readonly databaseName: string;
}

export interface ManagerConsoleProps extends ArchiveResources {
  /** Deployment stage (validated): names the user pool, the login domain and the outputs. */
  readonly stage: string;
  /** Deployment config: inlined into the API function; `console.*` (URL, identity provider, certificate). */
  readonly config: VigiaConfig;
  /** Dead-letter queue of the API function's asynchronous invocations (the PipelineStack's). */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * The analytics the overview's charts come from (Athena over the export).
   * @default - none: `GET /api/overview` answers `no-export`
   */
  readonly analytics?: ConsoleAnalytics;
  /**
   * Where the built page is. `undefined` builds it from `console/` with console/build.ts when the
   * stack is bundled (as the functions are, with the local esbuild: no Docker), and deploys no
   * page when console/src has no entry yet (only `console-config.json`, with a synth warning).
   * @default - built at synth from console/
   */
  readonly pageDirectory?: string;
}

/**
 * The manager console on AWS (docs/console.md): the Cognito user pool people sign in to (MFA by
 * TOTP required), the console API (an HTTP API whose every route needs a token of that pool), the
 * page (a private S3 bucket) and the CloudFront distribution that serves both from one origin:
 * the page on the default behaviour, the API under `/api/*` (same origin: no CORS).
 */
export class ManagerConsole extends Construct {
  public readonly userPool: cognito.UserPool;
  /** The page's app client: public (no secret), authorization code grant with PKCE only. */
  public readonly userPoolClient: cognito.UserPoolClient;
  /** Cognito's managed login, on a Cognito prefix domain `vigia-<stage>-<account>`. */
  public readonly userPoolDomain: cognito.UserPoolDomain;
  /** The company's SAML or OIDC provider (`console.identityProvider`), when configured. */
  public readonly identityProvider?: cognito.UserPoolIdentityProviderSaml | cognito.UserPoolIdentityProviderOidc;
  /** The console API: `ANY /api/{proxy+}`, every request with a JWT of the user pool. */
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  public readonly authorizer: HttpJwtAuthorizer;
  public readonly apiFunction: PipelineFunction;
  /** At least 5 server errors (5xx) of the console API in 5 minutes. */
  public readonly apiServerErrorAlarm: cloudwatch.Alarm;
  /** The page (private; CloudFront reads it through origin access control). */
  public readonly pageBucket: s3.Bucket;
  /** S3 server access logs of the page bucket and CloudFront's standard logs. */
  public readonly logsBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly securityHeaders: cloudfront.ResponseHeadersPolicy;
  public readonly spaRewrite: cloudfront.Function;
  public readonly pageDeployment: s3deploy.BucketDeployment;
  /** `https://<distribution domain>`: where the console is served whatever `console.url` says. */
  public readonly distributionUrl: string;
  /**
   * The console's URL for people and alert links: `console.url` when set (a custom domain in front
   * of the distribution), else the distribution's. Alert links are `<url>/#/alerts/<id>`.
   */
  public readonly url: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the managed login. */
  public readonly cognitoDomainUrl: string;

  public constructor(scope: Construct, id: string, props: ManagerConsoleProps) {
    super(scope, id);
    const { stage, config, key, archiveBucket, archiveTable } = props;
    const settings = config.console;
    const customDomain = customDomainOf(settings);

    // ── Sign-in ──────────────────────────────────────────────────────────────────────────────
    // Holds who may sign in and their MFA enrolment: retained and protected in every stage, like
    // the other stores (a new pool means every person enrols again).
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `vigia-${stage}-console`,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      selfSignUpEnabled: false,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan,
      // billed per active user: only with `console.threatProtection: true`.
      featurePlan: settings.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(settings.threatProtection ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      userInvitation: {
        emailSubject: 'Vigia: your console account',
        emailBody: `Sign in to the Vigia console (${stage}) as {username} with the temporary password {####}. You will choose a password and set up an authenticator app.`,
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const identityProvider = settings.identityProvider;
    if (identityProvider?.type === 'saml') {
      this.identityProvider = new cognito.UserPoolIdentityProviderSaml(this, 'SamlProvider', {
        userPool: this.userPool,
        name: identityProvider.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(identityProvider.metadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
      });
    } else if (identityProvider?.type === 'oidc') {
      this.identityProvider = new cognito.UserPoolIdentityProviderOidc(this, 'OidcProvider', {
        userPool: this.userPool,
        name: identityProvider.name,
        issuerUrl: identityProvider.issuerUrl,
        clientId: identityProvider.clientId,
        // A dynamic reference, resolved by CloudFormation at deploy time: never in the template.
        clientSecret: SecretValue.secretsManager(identityProvider.clientSecretName).unsafeUnwrap(),
        scopes: [...CONSOLE_SCOPES],
        attributeMapping: { email: cognito.ProviderAttribute.other('email') },
      });
    }

    // ── The page's bucket and logs ───────────────────────────────────────────────────────────
    // CloudFront's standard logs are delivered with ACLs, so this bucket keeps them enabled (owner
    // preferred); it holds request metadata only. S3-managed keys: S3 and CloudFront log delivery
    // support no customer-managed key.
    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(stageSettings(stage, config).accessLogRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The page is code, the same for every customer, never data: S3-managed keys. The archive key
    // would need a key-policy statement for CloudFront naming this distribution, in the
    // StatefulStack: a cycle between the stacks, for no confidentiality gained.
    this.pageBucket = new s3.Bucket(this, 'PageBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'page/',
      // Rebuilt from the sources by every deploy: it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // ── The API ──────────────────────────────────────────────────────────────────────────────
    this.apiFunction = new PipelineFunction(this, 'ConsoleApiFunction', {
      entry: 'functions/console-api/handler.ts',
      description: 'Manager console API (ANY /api/{proxy+})',
      encryptionKey: key,
      memorySize: CONSOLE_API_FUNCTION.memorySize,
      timeout: CONSOLE_API_FUNCTION.timeout,
      deadLetterQueue: props.deadLetterQueue,
      define: { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(config)), [OVERVIEW_QUERIES_DEFINE]: JSON.stringify(JSON.stringify(overviewQueryTexts())) },
    })
      // Reads alerts, messages and media items; writes alert transitions and the audit log.
      .bindArchiveTable(archiveTable, 'readWrite')
      // Presigns ≤ 300 s links to media files: GetObject on media/ only (and the key, through S3).
      .bindArchiveBucketPrefix(archiveBucket, ARCHIVE_PREFIXES.media, 'read');
    if (props.analytics) bindOverviewQueries(this.apiFunction, props.analytics);

    this.api = new HttpApi(this, 'Api', {
      description: `Vigia (${stage}): manager console API`,
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logRetentionOf(this),
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.apiStage = new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: 100, rateLimit: 50 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only: no query string, no headers (the token), no body. The path may name
        // a contact's number: the route key is logged instead.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            error: '$context.error.message',
            principal: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // ── The distribution ─────────────────────────────────────────────────────────────────────
    this.securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Vigia (${stage}) console: CSP, HSTS, frame DENY, nosniff, no referrer`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(STRICT_TRANSPORT_SECURITY_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      comment: 'Answers the page for paths that name no file',
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const apiOrigin = new origins.HttpOrigin(`${this.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Vigia (${stage}) manager console`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      // With a certificate of its own (`console.certificateArn`), TLS 1.2 at least. On the default
      // *.cloudfront.net certificate CloudFront's security policy is fixed at TLSv1 (acknowledged in
      // infra/nag.ts); browsers negotiate TLS 1.2 or 1.3 with it anyway.
      ...(customDomain
        ? {
            domainNames: [customDomain.host],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(settings.webAclArn ? { webAclId: settings.webAclArn } : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.pageBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders,
        functionAssociations: [{ function: this.spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Answers carry archived content and differ per person: never cached. Every viewer header
        // but Host reaches API Gateway (Authorization with it).
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.securityHeaders,
        },
      },
    });
    this.distributionUrl = `https://${this.distribution.distributionDomainName}`;
    this.url = settings.url !== undefined ? settings.url.replace(/\/+$/, '') : this.distributionUrl;

    // ── The app client and the managed login ─────────────────────────────────────────────────
    // The page comes back to the console's root: the distribution's URL, and `console.url` too.
    const returnUrls = [...new Set([`${this.distributionUrl}/`, ...(settings.url !== undefined ? [`${this.url}/`] : [])])];
    this.userPoolClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'console',
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: returnUrls,
        logoutUrls: returnUrls,
      },
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.COGNITO,
        ...(this.identityProvider ? [cognito.UserPoolClientIdentityProvider.custom(this.identityProvider.providerName)] : []),
      ],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      authSessionValidity: Duration.minutes(5),
    });
    // Sign-in happens on the managed login only: no password or SRP flows from the page.
    (this.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    if (this.identityProvider) this.userPoolClient.node.addDependency(this.identityProvider);
    // ID tokens of the pool, for this app client only (`aud`).
    this.authorizer = new HttpJwtAuthorizer('ConsoleAuthorizer', `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`, {
      authorizerName: 'cognito',
      identitySource: ['$request.header.Authorization'],
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });

    this.userPoolDomain = this.userPool.addDomain('LoginDomain', {
      cognitoDomain: { domainPrefix: `vigia-${stage}-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login shows no page for a client without a branding: Cognito's own look.
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    }).addResourceDependency(this.userPoolDomain.node.defaultChild as cognito.CfnUserPoolDomain);
    this.cognitoDomainUrl = this.userPoolDomain.baseUrl();

    const integration = new HttpLambdaIntegration('ConsoleApiIntegration', this.apiFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration, authorizer: this.authorizer });
    // The console is read by people: a few failed requests are seen at once. The PipelineStack
    // sends every alarm under it, this one included, to the ops topic.
    this.apiServerErrorAlarm = this.api
      .metricServerError({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })
      .createAlarm(this, 'ApiServerErrorAlarm', {
        ...AT_LEAST_ONCE,
        threshold: 5,
        alarmDescription: 'The manager console API answered 5xx at least 5 times in 5 minutes: check the console-api function logs',
      });

    // ── The page ─────────────────────────────────────────────────────────────────────────────
    // console-config.json tells the page where to sign in (console/src/auth.ts); written at deploy
    // time, with the pool's values.
    const pageConfig = s3deploy.Source.jsonData('console-config.json', {
      auth: 'cognito',
      domain: this.cognitoDomainUrl,
      clientId: this.userPoolClient.userPoolClientId,
      redirectUri: `${this.url}/`,
      scopes: [...CONSOLE_SCOPES],
    });
    const page = props.pageDirectory !== undefined ? s3deploy.Source.asset(props.pageDirectory) : this.builtPage();
    const pageLogs = new logs.LogGroup(this, 'PageDeploymentLogs', {
      retention: logRetentionOf(this),
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not CDK's default role (AWSLambdaBasicExecutionRole: every log group of the account): its own
    // log group only; the deployment adds reading the asset and writing the page bucket.
    const deploymentRole = new iam.Role(this, 'PageDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the console page into its bucket at deploy time',
      inlinePolicies: {
        Logs: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [pageLogs.logGroupArn] })],
        }),
      },
    });
    this.pageDeployment = new s3deploy.BucketDeployment(this, 'PageDeployment', {
      role: deploymentRole,
      sources: page ? [page, pageConfig] : [pageConfig],
      destinationBucket: this.pageBucket,
      // Revalidated on every request (ETag): a deploy shows at once without an invalidation. The
      // hashed assets are unchanged between builds, so revalidation is a 304.
      cacheControl: [s3deploy.CacheControl.noCache()],
      memoryLimit: 256,
      logGroup: pageLogs,
      retainOnDelete: false,
    });
  }

  /**
   * The page, built from console/ by console/build.ts when this stack is bundled (`cdk synth`,
   * `cdk deploy`), with the local Node.js (no Docker), as the functions are. Tests skip it.
   */
  private builtPage(): s3deploy.ISource | undefined {
    if (!existsSync(CONSOLE_ENTRY)) {
      Annotations.of(this).addWarningV2(
        'vigia:consolePageMissing',
        `${path.relative(REPO_ROOT, CONSOLE_ENTRY)} does not exist: the console page is not deployed (only console-config.json)`,
      );
      return undefined;
    }
    return s3deploy.Source.asset(CONSOLE_DIR, {
      exclude: ['dist', 'dist.tmp-*', 'node_modules'],
      bundling: {
        // Never used: local bundling below always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
        local: {
          tryBundle(outputDir: string): boolean {
            buildConsolePage(outputDir);
            return true;
          },
        },
      },
    });
  }
}

/**
 * The overview's queries (`GET /api/overview`, shared/console/overview.ts): the three named queries
 * in the stage's Athena workgroup, and nothing else of the analytics. Sets ANALYTICS_WORKGROUP,
 * ANALYTICS_DATABASE and ANALYTICS_BUCKET, and grants:
 * - Athena: start a query, read its state and results, in that workgroup only;
 * - Glue: read the database and the export's tables, each named (no wildcard);
 * - S3, analytics bucket: its location; list under `exports/`, `athena-results/` and the watermark key only; read
 *   `exports/*` (Athena reads with the caller's rights) and the export's watermark; read and write
 *   `athena-results/*` (the workgroup's enforced output location);
 * - KMS: Decrypt and GenerateDataKey on the bucket's key, through S3 only.
 */
export function bindOverviewQueries(fn: PipelineFunction, analytics: ConsoleAnalytics): PipelineFunction {
  const { bucket, workGroupName, databaseName } = analytics;
  const stack = Stack.of(fn);
  const glueArn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName });
  fn.addEnvironment(OVERVIEW_ENV.workGroup, workGroupName);
  fn.addEnvironment(OVERVIEW_ENV.database, databaseName);
  fn.addEnvironment(FUNCTION_ENV.analyticsBucket, bucket.bucketName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroupName })],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
      resources: [glueArn('catalog'), glueArn('database', databaseName), ...EXPORT_TABLE_NAMES.map((table) => glueArn('table', `${databaseName}/${table}`))],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${ANALYTICS_PREFIXES.exports}*`, `${ANALYTICS_PREFIXES.athenaResults}*`, EXPORT_WATERMARK_KEY] } },
    }),
  );
  // Athena checks the output location's region with the caller's rights (no prefix to condition on).
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${ANALYTICS_PREFIXES.exports}*`), bucket.arnForObjects(EXPORT_WATERMARK_KEY)] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], resources: [bucket.arnForObjects(`${ANALYTICS_PREFIXES.athenaResults}*`)] }),
  );
  if (bucket.encryptionKey) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  return fn;
}

/** The SQL of the overview's named queries, `{ name: sql }`, for the console API's bundle (it has no .sql files). */
export function overviewQueryTexts(): Record<string, string> {
  return Object.fromEntries(OVERVIEW_QUERIES.map((name) => [name, readFileSync(path.join(QUERIES_DIR, `${name}.sql`), 'utf8')]));
}

/** The overview's environment variables besides ANALYTICS_BUCKET (FUNCTION_ENV.analyticsBucket); read by functions/console-api/dependencies.ts. */
export const OVERVIEW_ENV = { workGroup: 'ANALYTICS_WORKGROUP', database: 'ANALYTICS_DATABASE' } as const;

/** Runs console/build.ts into `outDir` (a child process: the build is asynchronous, synth is not). */
export function buildConsolePage(outDir: string): void {
  const script = `const { buildConsole } = await import(${JSON.stringify(path.join(CONSOLE_DIR, 'build.ts'))}); await buildConsole({ outDir: process.env.VIGIA_CONSOLE_OUT_DIR });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, VIGIA_CONSOLE_OUT_DIR: outDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`console/build.ts failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  }
}

/** `console.url`'s host with `console.certificateArn` (ACM, us-east-1): the distribution's alternate domain name. */
function customDomainOf(settings: VigiaConfig['console']): { host: string; certificateArn: string } | undefined {
  if (settings.certificateArn === undefined) return undefined;
  if (settings.url === undefined) throw new Error('console.certificateArn needs console.url (the domain the certificate is for)');
  return { host: new URL(settings.url).hostname, certificateArn: settings.certificateArn };
}
