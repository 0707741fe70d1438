import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, STRICT_TRANSPORT_SECURITY_SECONDS } from '../../console/security-headers';
import { SPA_REWRITE_CODE } from '../../infra/constructs/manager-console';
import { QUERIES_DIR } from '../../shared/analytics/named-queries';
import { acknowledgementFor, nagFindings } from '../../infra/nag';
import {
  allows,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  type PolicyStatementJson,
  ref,
  resolveCrossStack,
  roleStatements,
  synthVigia,
  TEST_CONFIG_YAML,
  testConfig,
} from './helpers';

/** The console's nested template, with the StatefulStack's outputs replaced by its logical IDs. */
function synthConsole(config = testConfig()) {
  const synthesized = synthVigia('dev', config);
  const { pipeline, stateful, statefulTemplate } = synthesized;
  const nested = pipeline.consoleStack;
  const template = Template.fromJSON(resolveCrossStack(Template.fromStack(nested).toJSON(), stateful.stackName, statefulTemplate.toJSON()));
  return { ...synthesized, nested, console: pipeline.managerConsole, template };
}

const { app, stateful, pipeline, pipelineTemplate, nested, console: managerConsole, template } = synthConsole();
const resources = template.toJSON().Resources as Record<string, any>;
const id = {
  pool: logicalIdOf(nested, managerConsole.userPool),
  client: logicalIdOf(nested, managerConsole.userPoolClient),
  api: logicalIdOf(nested, managerConsole.api),
  pageBucket: logicalIdOf(nested, managerConsole.pageBucket),
  logsBucket: logicalIdOf(nested, managerConsole.logsBucket),
  distribution: logicalIdOf(nested, managerConsole.distribution),
  headers: logicalIdOf(nested, managerConsole.securityHeaders),
  rewrite: logicalIdOf(nested, managerConsole.spaRewrite),
  fn: logicalIdOf(nested, managerConsole.apiFunction),
  fnRole: logicalIdOf(nested, managerConsole.apiFunction.role!),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  key: logicalIdOf(stateful, stateful.key),
  analyticsBucket: logicalIdOf(stateful, stateful.analyticsBucket),
};
const only = (type: string) => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]![1].Properties as Record<string, any>;
};
const distributionUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id.distribution, 'DomainName'] }, '/']] };

describe('manager console (nested stack Vigia-<stage>-Pipeline/Console)', () => {
  describe('user pool', () => {
    const pool = () => resources[id.pool];

    it('requires MFA by authenticator app (TOTP) and offers no SMS MFA', () => {
      expect(pool().Properties.MfaConfiguration).toBe('ON');
      expect(pool().Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(JSON.stringify(pool().Properties)).not.toContain('SMS_MFA');
      expect(pool().Properties.SmsConfiguration).toBeUndefined();
    });

    it('has no self sign-up: only an administrator creates users, who sign in with their e-mail', () => {
      expect(pool().Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
      expect(pool().Properties.UsernameAttributes).toEqual(['email']);
      expect(pool().Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
    });

    it('has a strong password policy and recovers accounts by e-mail only', () => {
      expect(pool().Properties.Policies.PasswordPolicy).toMatchObject({
        MinimumLength: 14,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      });
      expect(pool().Properties.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
    });

    it('is retained and protected from deletion (it holds every MFA enrolment), in every stage', () => {
      expect(pool().DeletionPolicy).toBe('Retain');
      expect(pool().Properties.DeletionProtection).toBe('ACTIVE');
    });

    it('enforces threat protection (Plus plan) only when console.threatProtection is set', () => {
      expect(pool().Properties.UserPoolTier).toBe('ESSENTIALS');
      expect(pool().Properties.UserPoolAddOns).toBeUndefined();
      const plus = synthConsole(testConfig(`${TEST_CONFIG_YAML}\nconsole: { threatProtection: true }\n`));
      const properties = plus.template.toJSON().Resources[logicalIdOf(plus.nested, plus.console.userPool)].Properties;
      expect(properties).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
    });
  });

  describe('app client and managed login', () => {
    const client = () => resources[id.client].Properties;

    it('is a public client (no secret) with the authorization code grant only', () => {
      expect(client().GenerateSecret).toBe(false);
      expect(client().AllowedOAuthFlows).toEqual(['code']);
      expect(client().AllowedOAuthFlowsUserPoolClient).toBe(true);
      expect(client().AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
      // No password or SRP sign-in from the page: the managed login only.
      expect(client().ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
      expect(client().SupportedIdentityProviders).toEqual(['COGNITO']);
    });

    it("returns to the distribution's https URL only", () => {
      expect(client().CallbackURLs).toEqual([distributionUrl]);
      expect(client().LogoutURLs).toEqual([distributionUrl]);
    });

    it('also returns to console.url when set, which becomes the console URL', () => {
      const custom = synthConsole(testConfig(`${TEST_CONFIG_YAML}\nconsole: { url: "https://console.example.com" }\n`));
      const properties = custom.template.toJSON().Resources[logicalIdOf(custom.nested, custom.console.userPoolClient)].Properties;
      const distribution = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdOf(custom.nested, custom.console.distribution), 'DomainName'] }, '/']] };
      expect(properties.CallbackURLs).toEqual([distribution, 'https://console.example.com/']);
      expect(custom.pipelineTemplate.toJSON().Outputs.ConsoleUrl.Value).toBe('https://console.example.com');
    });

    it('signs in on a Cognito prefix domain named after the stage and account, with the newer managed login', () => {
      const domain = only('AWS::Cognito::UserPoolDomain');
      expect(domain).toMatchObject({ Domain: { 'Fn::Join': ['', ['vigia-dev-', { Ref: 'AWS::AccountId' }]] }, ManagedLoginVersion: 2, UserPoolId: ref(id.pool) });
      expect(only('AWS::Cognito::ManagedLoginBranding')).toMatchObject({ ClientId: ref(id.client), UseCognitoProvidedValues: true });
    });

    it('federates an OIDC provider with its client secret read from Secrets Manager at deploy time, never in the template', () => {
      const oidc = synthConsole(
        testConfig(
          `${TEST_CONFIG_YAML}\nconsole:\n  identityProvider: { type: oidc, name: Entra, issuerUrl: "https://login.example.com/v2.0", clientId: abc, clientSecretName: vigia/console/oidc }\n`,
        ),
      );
      const providers = Object.values(oidc.template.findResources('AWS::Cognito::UserPoolIdentityProvider'));
      expect(providers).toHaveLength(1);
      expect(providers[0]!.Properties).toMatchObject({
        ProviderName: 'Entra',
        ProviderType: 'OIDC',
        ProviderDetails: { client_id: 'abc', client_secret: '{{resolve:secretsmanager:vigia/console/oidc:SecretString:::}}', oidc_issuer: 'https://login.example.com/v2.0' },
      });
      const client = oidc.template.toJSON().Resources[logicalIdOf(oidc.nested, oidc.console.userPoolClient)];
      const providerId = logicalIdOf(oidc.nested, oidc.console.identityProvider!);
      expect(client.Properties.SupportedIdentityProviders).toEqual(['COGNITO', ref(providerId)]);
      expect(client.DependsOn).toContain(providerId);
    });

    it('federates a SAML provider by its metadata URL', () => {
      const saml = synthConsole(
        testConfig(`${TEST_CONFIG_YAML}\nconsole:\n  identityProvider: { type: saml, name: Corp, metadataUrl: "https://idp.example.com/metadata.xml" }\n`),
      );
      saml.template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
        ProviderName: 'Corp',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataURL: 'https://idp.example.com/metadata.xml' },
      });
    });
  });

  describe('API', () => {
    it('has exactly ANY /api/{proxy+}, protected by a JWT authorizer of the pool and the client', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties);
      expect(routes).toHaveLength(1);
      const authorizers = Object.entries(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      expect(authorizers).toHaveLength(1);
      const [authorizerId, authorizer] = authorizers[0]!;
      expect(routes[0]).toMatchObject({ ApiId: ref(id.api), RouteKey: 'ANY /api/{proxy+}', AuthorizationType: 'JWT', AuthorizerId: ref(authorizerId) });
      expect(authorizer.Properties).toEqual({
        ApiId: ref(id.api),
        AuthorizerType: 'JWT',
        Name: 'cognito',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', ref(id.pool)]] },
          Audience: [ref(id.client)],
        },
      });
    });

    it("leaves the webhook API's routes unauthenticated (Meta signs its deliveries) and unchanged", () => {
      const routes = Object.values(pipelineTemplate.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties);
      expect(routes.map((route) => route.RouteKey).sort()).toEqual(['GET /webhook', 'POST /webhook']);
      for (const route of routes) {
        expect(route.AuthorizerId).toBeUndefined();
        expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      }
      pipelineTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    });

    it('routes to the console function, which API Gateway may invoke for that route only', () => {
      expect(only('AWS::ApiGatewayV2::Integration')).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationUri: arnOf(id.fn), PayloadFormatVersion: '2.0' });
      const permission = only('AWS::Lambda::Permission');
      expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.fn), Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(permission.SourceArn)).toContain('/*/*/api/{proxy+}');
    });

    it('alarms on 5 server errors in 5 minutes, to the ops topic', () => {
      expect(only('AWS::CloudWatch::Alarm')).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: ref(id.api) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [ref(logicalIdOf(stateful, stateful.ops.topic))],
      });
    });

    it('throttles its stage and logs request metadata only (no token, no query string, no path)', () => {
      const stage = only('AWS::ApiGatewayV2::Stage');
      expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 } });
      const format = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;
      expect(Object.values(format).join(' ')).not.toMatch(/header|querystring|body|\$context\.path/i);
    });
  });

  describe('console function', () => {
    const statements = roleStatements(template, id.fnRole);
    const s3Statements = statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')));
    const viaS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } };
    /** The statements' resources in one bucket (CDK merges statements with the same actions across buckets). */
    const inBucket = (bucketId: string) =>
      s3Statements.flatMap((s) => asArray(s.Resource).filter((resource) => JSON.stringify(resource).includes(`"${bucketId}"`)).map((resource) => ({ ...s, Resource: resource })));

    it('runs functions/console-api with the config inlined, the table and bucket names in its environment', () => {
      expect(managerConsole.apiFunction.bundlingDefine['process.env.VIGIA_CONFIG_JSON']).toBeDefined();
      expect(JSON.parse(JSON.parse(managerConsole.apiFunction.bundlingDefine['process.env.VIGIA_CONFIG_JSON']!) as string)).toEqual(testConfig());
      // The overview's named queries too: a bundle has no .sql files next to it.
      const queries = JSON.parse(JSON.parse(managerConsole.apiFunction.bundlingDefine['process.env.VIGIA_OVERVIEW_QUERIES_JSON']!) as string) as Record<string, string>;
      expect(Object.keys(queries)).toEqual(['alerts_by_policy_week', 'first_response_time', 'sentiment_by_team_week']);
      for (const [name, sql] of Object.entries(queries)) expect(sql, name).toBe(readFileSync(join(QUERIES_DIR, `${name}.sql`), 'utf8'));
      const variables = resources[id.fn].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_TABLE: ref(id.table), ARCHIVE_BUCKET: ref(id.bucket) });
      expect(JSON.stringify(variables)).not.toContain('confidential-terms');
      expect(resources[id.fn].Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    });

    it('can read media/ objects (to presign links) and nothing else in the archive bucket: no raw/, no writes', () => {
      expect(inBucket(id.bucket)).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: arnWithSuffix(id.bucket, '/media/*') }]);
      // The bucket's key through S3 only: Decrypt for the reads, GenerateDataKey for Athena's results (same key).
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: arnOf(id.key), Condition: viaS3 });
      expect(JSON.stringify(statements)).not.toMatch(/\/(raw|rejected)\//);
      for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:GetObjectVersion', 's3:PutObjectTagging']) {
        expect(allows(statements, action).filter((s) => JSON.stringify(s.Resource).includes(`"${id.bucket}"`)), action).toEqual([]);
      }
    });

    it('runs the overview queries in the stage workgroup only: Athena, the Glue tables by name, exports/ read, athena-results/ written', () => {
      const variables = resources[id.fn].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ANALYTICS_WORKGROUP: 'vigia-dev', ANALYTICS_DATABASE: 'vigia_dev', ANALYTICS_BUCKET: ref(id.analyticsBucket) });
      const arn = (service: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution'], Resource: arn('athena', 'workgroup/vigia-dev') });
      const glue = statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('glue:')));
      expect(glue).toEqual([
        {
          Effect: 'Allow',
          Action: ['glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable'],
          Resource: [arn('glue', 'catalog'), arn('glue', 'database/vigia_dev'), ...['alerts', 'media', 'messages', 'statuses'].map((table) => arn('glue', `table/vigia_dev/${table}`))],
        },
      ]);
      expect(inBucket(id.analyticsBucket)).toEqual([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: arnWithSuffix(id.analyticsBucket, '/exports/*') },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: arnWithSuffix(id.analyticsBucket, '/state/export-watermark.json') },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: arnOf(id.analyticsBucket),
          Condition: { StringLike: { 's3:prefix': ['exports/*', 'athena-results/*', 'state/export-watermark.json'] } },
        },
        { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: arnOf(id.analyticsBucket) },
        { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: arnWithSuffix(id.analyticsBucket, '/athena-results/*') },
      ]);
      // No other Athena or Glue right: no workgroup or catalog change, no other workgroup.
      for (const action of ['athena:CreateWorkGroup', 'athena:UpdateWorkGroup', 'athena:StopQueryExecution', 'glue:UpdateTable', 'glue:GetTables', 's3:DeleteObject']) {
        expect(allows(statements, action), action).toEqual([]);
      }
    });

    it("uses the table only through bindArchiveTable's grant, on the table and its indexes", () => {
      const dynamo = statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('dynamodb:')));
      expect(dynamo).toHaveLength(1);
      expect(dynamo[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      expect(asArray(dynamo[0]!.Action).filter((action) => action.includes('*'))).toEqual([]);
      for (const action of ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:CreateBackup']) {
        expect(allows(statements, action), action).toEqual([]);
      }
    });

    it('has no wildcard action and nothing on Resource "*" but X-Ray', () => {
      const wildcard = (s: PolicyStatementJson) => asArray(s.Action).some((action) => action === '*' || action.endsWith(':*'));
      expect(statements.filter(wildcard)).toEqual([]);
      const onAnything = statements.filter((s) => asArray(s.Resource).includes('*'));
      expect(onAnything.flatMap((s) => asArray(s.Action)).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  describe('page bucket', () => {
    it('is private, SSE-S3, and logs its requests to the console logs bucket', () => {
      expect(resources[id.pageBucket].Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: { DestinationBucketName: ref(id.logsBucket), LogFilePrefix: 'page/' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    });

    it('can be read by CloudFront only, for this distribution only (origin access control), over TLS', () => {
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
        (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify(ref(id.pageBucket)),
      );
      expect(policies).toHaveLength(1);
      const statements = asArray<PolicyStatementJson>(policies[0]!.Properties.PolicyDocument.Statement);
      const allowed = statements.filter((statement) => statement.Effect === 'Allow');
      expect(allowed).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: arnWithSuffix(id.pageBucket, '/*'),
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', ref(id.distribution)]],
              },
            },
          },
        },
      ]);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const distribution = resources[id.distribution].Properties.DistributionConfig;
      const s3Origin = distribution.Origins.find((origin: any) => origin.S3OriginConfig);
      expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] });
      expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
      expect(only('AWS::CloudFront::OriginAccessControl').OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    });

    it('receives the built page and console-config.json from a BucketDeployment', () => {
      const deployment = only('Custom::CDKBucketDeployment');
      expect(deployment).toMatchObject({ DestinationBucketName: ref(id.pageBucket), Prune: true, RetainOnDelete: false, SystemMetadata: { 'cache-control': 'no-cache' } });
      // console-config.json: the pool's login domain, client and the console URL, filled in at deploy time.
      const markers = JSON.stringify(deployment.SourceMarkers);
      expect(markers).toContain(JSON.stringify(ref(id.client)));
      expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [id.distribution, 'DomainName'] }));
    });
  });

  describe('distribution', () => {
    const config = () => resources[id.distribution].Properties.DistributionConfig;

    it('serves the page by default over HTTPS (HTTP redirected), index.html at the root, with the SPA rewrite', () => {
      expect(config().DefaultRootObject).toBe('index.html');
      expect(config().DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        ResponseHeadersPolicyId: ref(id.headers),
        FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [id.rewrite, 'FunctionARN'] } }],
      });
      // Distribution-wide error pages would turn the API's 403/404 into the page.
      expect(config().CustomErrorResponses).toBeUndefined();
    });

    it('forwards /api/* to the console API over HTTPS only: no cache, every viewer header but Host, no rewrite', () => {
      expect(config().CacheBehaviors).toHaveLength(1);
      const api = config().CacheBehaviors[0];
      expect(api).toMatchObject({
        PathPattern: '/api/*',
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
        ResponseHeadersPolicyId: ref(id.headers),
      });
      expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
      expect(api.FunctionAssociations).toBeUndefined();
      const origin = config().Origins.find((candidate: any) => candidate.Id === api.TargetOriginId);
      expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(JSON.stringify(origin.DomainName)).toContain(JSON.stringify(ref(id.api)));
    });

    it('sends the CSP of console/security-headers.ts, HSTS, frame DENY, nosniff and no referrer', () => {
      expect(resources[id.headers].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
        ContentSecurityPolicy: { ContentSecurityPolicy: CONSOLE_CSP, Override: true },
        StrictTransportSecurity: { AccessControlMaxAgeSec: STRICT_TRANSPORT_SECURITY_SECONDS, IncludeSubdomains: true, Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ContentTypeOptions: { Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
      expect(STRICT_TRANSPORT_SECURITY_SECONDS).toBeGreaterThanOrEqual(365 * 24 * 3600);
    });

    it('writes standard logs to the console logs bucket', () => {
      expect(config().Logging).toEqual({ Bucket: { 'Fn::GetAtt': [id.logsBucket, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
      expect(resources[id.logsBucket].Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    });

    it("uses CloudFront's certificate by default, and console.certificateArn with TLS 1.2 on console.url's domain", () => {
      expect(config().Aliases).toBeUndefined();
      const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
      const custom = synthConsole(
        testConfig(`${TEST_CONFIG_YAML}\nconsole: { url: "https://vigia.example.com", certificateArn: "${certificateArn}" }\n`),
      );
      const distribution = custom.template.toJSON().Resources[logicalIdOf(custom.nested, custom.console.distribution)].Properties.DistributionConfig;
      expect(distribution.Aliases).toEqual(['vigia.example.com']);
      expect(distribution.ViewerCertificate).toEqual({ AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    });

    it('rewrites paths that name no file to /index.html, and leaves files alone', () => {
      const rewrite = (uri: string) =>
        (runInNewContext(`${SPA_REWRITE_CODE}; handler({ request: { uri: ${JSON.stringify(uri)} } })`) as { uri: string }).uri;
      expect(rewrite('/')).toBe('/index.html');
      expect(rewrite('/alerts/01JABC')).toBe('/index.html');
      expect(rewrite('/assets/main-3FJ2KX.js')).toBe('/assets/main-3FJ2KX.js');
      expect(rewrite('/console-config.json')).toBe('/console-config.json');
      expect(resources[id.rewrite].Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    });
  });

  describe('alert links and outputs', () => {
    const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleNestedStack/), expect.stringMatching(/DistributionC5D81C6BDomainName$/)] }]] };

    it('sets CONSOLE_URL on the compliance notify and re-drive functions', () => {
      const raw = pipelineTemplate.toJSON().Resources;
      for (const fn of [pipeline.complianceFlow.notifyFunction, pipeline.redriveFunction]) {
        expect(raw[logicalIdOf(pipeline, fn)].Properties.Environment.Variables.CONSOLE_URL, fn.node.id).toEqual(consoleUrl);
      }
    });

    it('outputs ConsoleUrl, UserPoolId, UserPoolClientId and CognitoDomain from the PipelineStack', () => {
      const outputs = pipelineTemplate.toJSON().Outputs;
      expect(outputs.ConsoleUrl.Value).toEqual(consoleUrl);
      for (const name of ['UserPoolId', 'UserPoolClientId', 'CognitoDomain']) {
        expect(JSON.stringify(outputs[name]?.Value), name).toMatch(/ConsoleNestedStack/);
      }
    });

    it('keeps the PipelineStack depending on the StatefulStack only', () => {
      expect(pipeline.dependencies.map((stack) => stack.stackName)).toEqual(['Vigia-dev-Stateful']);
    });
  });

  it('has no cdk-nag finding that infra/nag.ts does not acknowledge', () => {
    const findings = nagFindings(nested).filter((finding) => !acknowledgementFor(finding));
    expect(findings).toEqual([]);
    expect(app.node.tryFindChild(pipeline.node.id)).toBe(pipeline);
  });

  it('has none either with federation, a custom domain, a web ACL and threat protection', () => {
    const full = synthConsole(
      testConfig(
        `${TEST_CONFIG_YAML}\nconsole:\n  url: "https://vigia.example.com"\n  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789012"\n` +
          '  webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/vigia/0f1e2d3c-aaaa-bbbb-cccc-123456789012"\n  threatProtection: true\n' +
          '  identityProvider: { type: oidc, name: Entra, issuerUrl: "https://login.example.com/v2.0", clientId: abc, clientSecretName: vigia/console/oidc }\n',
      ),
    );
    expect(nagFindings(full.nested).filter((finding) => !acknowledgementFor(finding))).toEqual([]);
    const distribution = full.template.toJSON().Resources[logicalIdOf(full.nested, full.console.distribution)].Properties.DistributionConfig;
    expect(distribution.WebACLId).toBe('arn:aws:wafv2:us-east-1:123456789012:global/webacl/vigia/0f1e2d3c-aaaa-bbbb-cccc-123456789012');
  });
});
