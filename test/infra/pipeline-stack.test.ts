import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INGEST_FUNCTION } from '../../infra/config';
import {
  allows,
  allStatements,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  managedPolicyArnsOf,
  ref,
  roleStatements,
  synthVigia,
} from './helpers';

const { stateful, pipeline, statefulTemplate, pipelineTemplate: template, rawPipelineTemplate } = synthVigia();
const id = {
  key: logicalIdOf(stateful, stateful.key),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  queue: logicalIdOf(stateful, stateful.ingestQueue),
  secret: logicalIdOf(pipeline, pipeline.whatsAppSecret),
  webhook: logicalIdOf(pipeline, pipeline.webhookFunction),
  webhookRole: logicalIdOf(pipeline, pipeline.webhookFunction.role!),
  ingest: logicalIdOf(pipeline, pipeline.ingestFunction),
  ingestRole: logicalIdOf(pipeline, pipeline.ingestFunction.role!),
  api: logicalIdOf(pipeline, pipeline.api),
};
const resources = template.toJSON().Resources as Record<string, any>;
const webhookStatements = roleStatements(template, id.webhookRole);
const ingestStatements = roleStatements(template, id.ingestRole);
const viaService = (service: string) => ({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
});
const S3_DATA_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucket'];

describe('PipelineStack', () => {
  describe('every function', () => {
    const functions = template.findResources('AWS::Lambda::Function');

    it('are exactly the webhook and ingest functions', () => {
      expect(Object.keys(functions).sort()).toEqual([id.ingest, id.webhook].sort());
    });

    it('runs Node.js 22 on ARM64 with active tracing', () => {
      for (const fn of Object.values(functions)) {
        expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      }
    });

    it('logs to its own log group, encrypted with the key and kept one month', () => {
      for (const fn of Object.values(functions)) {
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(resources[logGroupId]).toMatchObject({
          Type: 'AWS::Logs::LogGroup',
          Properties: { KmsKeyId: arnOf(id.key), RetentionInDays: 30 },
        });
      }
    });

    it('has the Powertools environment and source maps', () => {
      for (const fn of Object.values(functions)) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: 'Vigia',
          POWERTOOLS_METRICS_NAMESPACE: 'Vigia',
          NODE_OPTIONS: '--enable-source-maps',
        });
      }
    });

    it('has only the basic execution managed policy', () => {
      for (const roleId of [id.webhookRole, id.ingestRole]) {
        const arns = managedPolicyArnsOf(template, roleId);
        expect(arns).toHaveLength(1);
        expect(arns[0]).toContain('service-role/AWSLambdaBasicExecutionRole');
      }
    });
  });

  describe('webhook function', () => {
    it('has 256 MB, 10 s and no reserved concurrency', () => {
      expect(resources[id.webhook].Properties).toMatchObject({ MemorySize: 256, Timeout: 10, Handler: 'index.handler' });
      expect(resources[id.webhook].Properties.ReservedConcurrentExecutions).toBeUndefined();
    });

    it('gets the bucket name and secret ARN, and no table name', () => {
      const variables = resources[id.webhook].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), WHATSAPP_SECRET_ARN: ref(id.secret) });
      expect(variables.ARCHIVE_TABLE).toBeUndefined();
    });

    it('can put objects under raw/ and rejected/ of the archive bucket', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(id.webhookRole)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: [arnWithSuffix(id.bucket, '/raw/*'), arnWithSuffix(id.bucket, '/rejected/*')],
            },
          ]),
        },
      });
    });

    it('can generate data keys with the key only through S3 (bucket key encryption on put)', () => {
      expect(allows(webhookStatements, 'kms:GenerateDataKey')).toEqual([
        { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: arnOf(id.key), Condition: viaService('s3') },
      ]);
    });

    it('can read the WhatsApp secret and decrypt it only through Secrets Manager', () => {
      expect(allows(webhookStatements, 'secretsmanager:GetSecretValue')).toEqual([
        { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: ref(id.secret) },
      ]);
      expect(allows(webhookStatements, 'kms:Decrypt')).toEqual([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(id.key), Condition: viaService('secretsmanager') },
      ]);
    });

    it('cannot read, list or delete archive objects', () => {
      for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:DeleteObject', 's3:DeleteObjectVersion']) {
        expect(allows(webhookStatements, action), action).toEqual([]);
      }
    });

    it('has no S3 permission outside raw/ and rejected/ (nothing on media/)', () => {
      const s3Resources = webhookStatements
        .filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')))
        .flatMap((s) => asArray(s.Resource));
      expect(s3Resources).toEqual([arnWithSuffix(id.bucket, '/raw/*'), arnWithSuffix(id.bucket, '/rejected/*')]);
      expect(JSON.stringify(webhookStatements)).not.toContain('media/');
    });

    it('has no DynamoDB and no SQS permission', () => {
      const actions = webhookStatements.flatMap((s) => asArray(s.Action));
      expect(actions.filter((action) => /^(dynamodb|sqs):/.test(action))).toEqual([]);
    });
  });

  describe('ingest function', () => {
    it(`has 512 MB and ${INGEST_FUNCTION.timeout.toSeconds()} s`, () => {
      expect(resources[id.ingest].Properties).toMatchObject({ MemorySize: 512, Timeout: 60, Handler: 'index.handler' });
    });

    it('gets the bucket and table names, and no secret', () => {
      const variables = resources[id.ingest].Properties.Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), ARCHIVE_TABLE: ref(id.table) });
      expect(variables.WHATSAPP_SECRET_ARN).toBeUndefined();
    });

    it('can read raw/ objects and decrypt them through S3, and nothing else in the bucket', () => {
      const s3Statements = ingestStatements.filter((s) => asArray(s.Action).some((action) => action.startsWith('s3:')));
      expect(s3Statements).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: arnWithSuffix(id.bucket, '/raw/*') }]);
      expect(ingestStatements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(id.key), Condition: viaService('s3') });
      for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ListBucket']) {
        expect(allows(ingestStatements, action), action).toEqual([]);
      }
    });

    it('can read and write the archive table and its indexes', () => {
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem']) {
        const granted = allows(ingestStatements, action);
        expect(granted, action).toHaveLength(1);
        expect(granted[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
      }
    });

    it('consumes the ingest queue in batches of 10 within 1 s, reporting item failures', () => {
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(id.queue),
        FunctionName: ref(id.ingest),
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(allows(ingestStatements, 'sqs:ReceiveMessage')).toEqual([
        expect.objectContaining({ Resource: arnOf(id.queue) }),
      ]);
    });

    it('is given a queue visibility timeout of at least 6 × its timeout', () => {
      const visibility = statefulTemplate.toJSON().Resources[id.queue].Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * resources[id.ingest].Properties.Timeout);
    });
  });

  describe('IAM, across both stacks', () => {
    const everyStatement = [...allStatements(statefulTemplate), ...allStatements(template)];

    it('has no statement allowing every action', () => {
      const wildcard = everyStatement.filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes('*'));
      expect(wildcard).toEqual([]);
    });

    it('has no S3 or DynamoDB permission on Resource "*"', () => {
      const broad = everyStatement.filter(
        ({ statement }) =>
          statement.Effect === 'Allow' &&
          asArray(statement.Resource).includes('*') &&
          asArray(statement.Action).some((action) => /^(s3|dynamodb):/.test(action)),
      );
      expect(broad).toEqual([]);
    });
  });

  describe('webhook API', () => {
    it('is an HTTP API with exactly GET /webhook and POST /webhook', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
      expect(routeKeys.sort()).toEqual(['GET /webhook', 'POST /webhook']);
    });

    it('routes both to the webhook function with payload format 2.0', () => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      expect(Object.values(integrations)).toEqual([
        expect.objectContaining({
          Properties: expect.objectContaining({
            IntegrationType: 'AWS_PROXY',
            IntegrationUri: arnOf(id.webhook),
            PayloadFormatVersion: '2.0',
          }),
        }),
      ]);
      const [integrationId] = Object.keys(integrations);
      for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
        expect(route.Properties).toMatchObject({ ApiId: ref(id.api), Target: { 'Fn::Join': ['', ['integrations/', ref(integrationId!)]] } });
      }
    });

    it('lets API Gateway invoke the webhook function only for its /webhook routes', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
      expect(permissions).toHaveLength(2);
      for (const permission of permissions) {
        expect(permission.Properties).toMatchObject({
          Action: 'lambda:InvokeFunction',
          FunctionName: arnOf(id.webhook),
          Principal: 'apigateway.amazonaws.com',
        });
        expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/\*\/\*\/webhook"/);
      }
    });

    it('throttles the auto-deployed $default stage and writes encrypted access logs', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: ref(id.api),
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhookApiAccessLogs'), 'Arn'] } },
      });
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(resources[logGroupId].Properties).toMatchObject({ KmsKeyId: arnOf(id.key), RetentionInDays: 30 });
    });

    it('logs request metadata only: no bodies, no query strings (the verify token travels in one)', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
      expect(format.requestId).toBe('$context.requestId');
      expect(Object.values(format).join(' ')).not.toMatch(/body|querystring|query|authorization|header/i);
    });
  });

  describe('WhatsApp secret', () => {
    it('is named vigia/<stage>/whatsapp and encrypted with the key', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigia/dev/whatsapp', KmsKeyId: arnOf(id.key) });
    });

    it('is generated with the keys appSecret, verifyToken and accessToken, and no literal secret value', () => {
      const properties = resources[id.secret].Properties;
      expect(properties.SecretString).toBeUndefined();
      expect(properties.GenerateSecretString.GenerateStringKey).toBe('verifyToken');
      const templateValues = JSON.parse(properties.GenerateSecretString.SecretStringTemplate) as Record<string, string>;
      expect(templateValues).toEqual({ appSecret: '', accessToken: '' });
    });
  });

  it('references the StatefulStack by its stack name only (no other stack)', () => {
    const raw = JSON.stringify(rawPipelineTemplate.toJSON());
    const stackNames = [...raw.matchAll(/"StackName":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(stackNames)).toEqual(new Set(['Vigia-dev-Stateful']));
    expect(pipeline.dependencies).toContain(stateful);
  });

  it('exposes the webhook URL and the secret ARN under exact output names, without exports', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.WebhookUrl).toMatchObject({ Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id.api, 'ApiEndpoint'] }, '/webhook']] } });
    expect(outputs.WhatsAppSecretArn).toMatchObject({ Value: ref(id.secret) });
    expect(outputs.WebhookUrl.Export).toBeUndefined();
    expect(outputs.WhatsAppSecretArn.Export).toBeUndefined();
  });
});
