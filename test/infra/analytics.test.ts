import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUERIES_DIR, readSavedQueries } from '../../infra/constructs/analytics-catalog';
import { AnalyticsStack } from '../../infra/stacks/analytics-stack';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { EXPORT_SCHEMA_VERSION, EXPORT_TABLE_NAMES, EXPORT_TABLES, EXPORT_WATERMARK_KEY, glueType } from '../../shared/analytics/export-schema';
import {
  allows,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  managedPolicyArnsOf,
  ref,
  resolveCrossStack,
  roleStatements,
  synthVigia,
  testApp,
  testConfig,
  TEST_CONFIG_YAML,
  type PolicyStatementJson,
} from './helpers';

const { stateful, pipeline, analytics, app, statefulTemplate } = synthVigia();
const analyticsTemplate = Template.fromJSON(
  resolveCrossStack(Template.fromStack(analytics).toJSON(), stateful.stackName, statefulTemplate.toJSON()),
);
const catalog = stateful.analyticsCatalog;
const exporter = analytics.analyticsExport;
const id = {
  key: logicalIdOf(stateful, stateful.key),
  archiveBucket: logicalIdOf(stateful, stateful.archiveBucket),
  analyticsBucket: logicalIdOf(stateful, stateful.analyticsBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  database: logicalIdOf(stateful, catalog.database),
  workGroup: logicalIdOf(stateful, catalog.workGroup),
  queryPolicy: logicalIdOf(stateful, catalog.queryPolicy),
  exportFunction: logicalIdOf(analytics, exporter.function),
  exportRole: logicalIdOf(analytics, exporter.function.role!),
  schedule: logicalIdOf(analytics, exporter.schedule),
};
const statefulResources = statefulTemplate.toJSON().Resources as Record<string, any>;
const analyticsResources = analyticsTemplate.toJSON().Resources as Record<string, any>;
const exportStatements = roleStatements(analyticsTemplate, id.exportRole);
const s3Statements = exportStatements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith('s3:')));
const viaS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } };
/** `s3://<analytics bucket>/<suffix>` as CDK renders it. */
const s3Url = (suffix: string) => ({ 'Fn::Join': ['', ['s3://', ref(id.analyticsBucket), suffix]] });
/** The statements' resources, as JSON text (to search for a logical ID). */
const resourcesText = (statements: PolicyStatementJson[]) => JSON.stringify(statements.map((statement) => statement.Resource));

describe('analytics bucket (StatefulStack)', () => {
  const bucket = statefulResources[id.analyticsBucket];

  it('is its own bucket, not the archive bucket, with a stable logical ID, retained', () => {
    expect(id.analyticsBucket).toBe('AnalyticsBucket39EAAEEA');
    expect(id.analyticsBucket).not.toBe(id.archiveBucket);
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is encrypted with the customer-managed key, blocks public access and expires query results after 30 days', () => {
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(id.key) } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 30, Status: 'Enabled' }));
  });

  it('denies requests without TLS and allows nobody in its bucket policy', () => {
    const policy = Object.values(statefulTemplate.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref(id.analyticsBucket)))!;
    const statements = asArray<any>(policy.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([]);
  });

  it('is referenced by no function of the capture path (the webhook function must not read analytics)', () => {
    const pipelineTemplate = JSON.stringify(Template.fromStack(pipeline).toJSON());
    expect(pipelineTemplate).not.toContain(id.analyticsBucket);
  });
});

describe('Glue tables (StatefulStack)', () => {
  const tables = Object.values(statefulTemplate.findResources('AWS::Glue::Table'));
  const tableNamed = (name: string) => tables.find((table) => table.Properties.TableInput.Name === name)!;

  it('are one per export table, in a database named after the stage', () => {
    expect(tables.map((table) => table.Properties.TableInput.Name).sort()).toEqual([...EXPORT_TABLE_NAMES].sort());
    expect(statefulResources[id.database].Properties.DatabaseInput.Name).toBe('vigia_dev');
    for (const table of tables) expect(table.Properties.DatabaseName).toEqual(ref(id.database));
  });

  it.each(EXPORT_TABLE_NAMES)('%s has exactly the columns of EXPORT_TABLES, in order, with their Glue types', (name) => {
    const columns = tableNamed(name).Properties.TableInput.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>;
    expect(columns.map(({ Name, Type }) => [Name, Type])).toEqual(EXPORT_TABLES[name].columns.map((column) => [column.name, glueType(column.type)]));
  });

  it('types timestamps as timestamp, sizes as bigint, counts as int (not strings)', () => {
    const typeOf = (table: string, column: string) =>
      (tableNamed(table).Properties.TableInput.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>).find((c) => c.Name === column)!.Type;
    expect([typeOf('messages', 'sent_at'), typeOf('statuses', 'status_at'), typeOf('alerts', 'created_at'), typeOf('media', 'stored_at')]).toEqual(['timestamp', 'timestamp', 'timestamp', 'timestamp']);
    expect([typeOf('media', 'size_bytes'), typeOf('messages', 'alert_count'), typeOf('messages', 'has_media')]).toEqual(['bigint', 'int', 'boolean']);
  });

  it.each(EXPORT_TABLE_NAMES)('%s is external Parquet under exports/<table>/, partitioned by dt with date projection from the first day to NOW', (name) => {
    const input = tableNamed(name).Properties.TableInput;
    expect(input.TableType).toBe('EXTERNAL_TABLE');
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input.StorageDescriptor).toMatchObject({
      Location: s3Url(`/exports/${name}/`),
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    });
    expect(input.Parameters).toMatchObject({
      classification: 'parquet',
      'vigia.schema_version': String(EXPORT_SCHEMA_VERSION),
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2022-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': s3Url(`/exports/${name}/dt=\${dt}/`),
    });
  });

  it('starts the projection at analytics.firstDay of the config, and needs no crawler', () => {
    const { statefulTemplate: other } = synthVigia('dev', testConfig(`${TEST_CONFIG_YAML}\nanalytics: { firstDay: "2025-03-01" }\n`));
    for (const table of Object.values(other.findResources('AWS::Glue::Table'))) {
      expect(table.Properties.TableInput.Parameters['projection.dt.range']).toBe('2025-03-01,NOW');
    }
    other.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});

describe('Athena workgroup (StatefulStack)', () => {
  const workGroup = statefulResources[id.workGroup].Properties;

  it('enforces its configuration on engine v3, with results encrypted with the key in athena-results/', () => {
    expect(workGroup).toMatchObject({
      Name: 'vigia-dev',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: s3Url('/athena-results/'),
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: arnOf(id.key) },
        },
      },
    });
  });

  it('has one named query per .sql file of shared/analytics/queries, against the database', () => {
    const files = readdirSync(ANALYTICS_QUERIES_DIR).filter((file) => file.endsWith('.sql')).sort();
    const queries = Object.values(statefulTemplate.findResources('AWS::Athena::NamedQuery')).map((query) => query.Properties);
    expect(queries.map((query) => query.Name).sort()).toEqual(files.map((file) => file.replace(/\.sql$/, '')));
    for (const file of files) {
      const sql = readFileSync(join(ANALYTICS_QUERIES_DIR, file), 'utf8');
      const query = queries.find((q) => q.Name === file.replace(/\.sql$/, ''))!;
      expect(query).toMatchObject({ QueryString: sql, Database: ref(id.database), WorkGroup: ref(id.workGroup) });
      const firstLine = sql.split('\n')[0]!;
      expect(query.Description).toBe(firstLine.startsWith('-- ') ? firstLine.slice(3).trim() : undefined);
    }
  });

  it('offers a query policy limited to the workgroup, the tables, exports/ (read) and athena-results/', () => {
    const statements = asArray<PolicyStatementJson>(statefulResources[id.queryPolicy].Properties.PolicyDocument.Statement);
    const athena = allows(statements, 'athena:StartQueryExecution');
    expect(athena).toHaveLength(1);
    expect(JSON.stringify(athena[0]!.Resource)).toContain(':workgroup/vigia-dev');
    expect(allows(statements, 's3:GetObject').map((statement) => statement.Resource)).toEqual([
      arnWithSuffix(id.analyticsBucket, '/exports/*'),
      arnWithSuffix(id.analyticsBucket, '/athena-results/*'),
    ]);
    expect(allows(statements, 's3:PutObject').map((statement) => statement.Resource)).toEqual([arnWithSuffix(id.analyticsBucket, '/athena-results/*')]);
    expect(allows(statements, 's3:DeleteObject')).toEqual([]);
    expect(resourcesText(statements)).not.toContain(id.archiveBucket);
    expect(allows(statements, 'kms:Decrypt')).toEqual([expect.objectContaining({ Resource: arnOf(id.key), Condition: viaS3 })]);
  });
});

describe('saved queries from .sql files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-queries-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are named after the file, described by a leading "-- " line only, sorted; a missing folder has none', () => {
    writeFileSync(join(dir, 'b_daily.sql'), '-- Messages per day.\nSELECT 1\n');
    writeFileSync(join(dir, 'a_plain.sql'), 'SELECT 2\n');
    writeFileSync(join(dir, 'notes.md'), 'not a query');
    expect(readSavedQueries(dir)).toEqual([
      { name: 'a_plain', description: undefined, sql: 'SELECT 2\n' },
      { name: 'b_daily', description: 'Messages per day.', sql: '-- Messages per day.\nSELECT 1\n' },
    ]);
    expect(readSavedQueries(join(dir, 'missing'))).toEqual([]);
  });

  it('fails the synth for an empty file or a name Athena rejects', () => {
    const bad = mkdtempSync(join(tmpdir(), 'vigia-queries-bad-'));
    writeFileSync(join(bad, 'has space.sql'), '  \n');
    expect(() => readSavedQueries(bad)).toThrow(/has space\.sql: its name must be .*; it is empty/);
    rmSync(bad, { recursive: true, force: true });
  });
});

describe('analytics export function (AnalyticsStack)', () => {
  it('is a PipelineFunction on Node.js 22 / ARM64 with 1 GiB and 15 minutes, its log group encrypted with the key', () => {
    const fn = analyticsResources[id.exportFunction];
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 1024, Timeout: 900, TracingConfig: { Mode: 'Active' } });
    expect(analyticsResources[fn.Properties.LoggingConfig.LogGroup.Ref]).toMatchObject({ Properties: { KmsKeyId: arnOf(id.key) } });
    expect(exporter.function.bundlingDefine['process.env.VIGIA_CONFIG_JSON']).toBe(JSON.stringify(JSON.stringify(testConfig())));
  });

  it('gets the table and analytics bucket names, and not the archive bucket', () => {
    const variables = analyticsResources[id.exportFunction].Properties.Environment.Variables;
    expect(variables).toMatchObject({ ARCHIVE_TABLE: ref(id.table), ANALYTICS_BUCKET: ref(id.analyticsBucket) });
    expect(variables.ARCHIVE_BUCKET).toBeUndefined();
  });

  it('can write and delete exports/ only, and read and write its watermark', () => {
    expect(allows(s3Statements, 's3:PutObject').map((statement) => statement.Resource)).toEqual([
      arnWithSuffix(id.analyticsBucket, '/exports/*'),
      arnWithSuffix(id.analyticsBucket, `/${EXPORT_WATERMARK_KEY}`),
    ]);
    expect(allows(s3Statements, 's3:DeleteObject').map((statement) => statement.Resource)).toEqual([arnWithSuffix(id.analyticsBucket, '/exports/*')]);
    expect(allows(s3Statements, 's3:GetObject').map((statement) => statement.Resource)).toEqual([arnWithSuffix(id.analyticsBucket, `/${EXPORT_WATERMARK_KEY}`)]);
    expect(allows(s3Statements, 's3:ListBucket')).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arnOf(id.analyticsBucket), Condition: { StringEquals: { 's3:prefix': EXPORT_WATERMARK_KEY } } },
    ]);
  });

  it('cannot touch the archive bucket (raw/, rejected/, media/) nor Athena results', () => {
    expect(resourcesText(exportStatements)).not.toContain(id.archiveBucket);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket']) {
      for (const statement of allows(s3Statements, action)) expect(JSON.stringify(statement.Resource)).not.toContain('athena-results');
    }
    expect(allows(exportStatements, 's3:GetObjectVersion')).toEqual([]);
    expect(allows(exportStatements, 's3:DeleteObjectVersion')).toEqual([]);
  });

  it('reads the table and its indexes, and writes nothing to it', () => {
    const query = allows(exportStatements, 'dynamodb:Query');
    expect(query).toHaveLength(1);
    expect(query[0]!.Resource).toEqual([arnOf(id.table), arnWithSuffix(id.table, '/index/*')]);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(allows(exportStatements, action), action).toEqual([]);
    }
  });

  it('uses the key through S3 for the bucket (and to read the table), nothing more', () => {
    const generate = allows(exportStatements, 'kms:GenerateDataKey');
    expect(generate).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: arnOf(id.key), Condition: viaS3 }]);
    expect(allows(exportStatements, 'kms:Encrypt')).toEqual([]);
    expect(allows(exportStatements, 'glue:GetTable')).toEqual([]);
    expect(allows(exportStatements, 'athena:StartQueryExecution')).toEqual([]);
    // Its own role: no managed policy (PipelineFunction's baseline is its log group and dead-letter queue).
    expect(managedPolicyArnsOf(analyticsTemplate, id.exportRole)).toEqual([]);
  });

  it('runs every hour from an EventBridge schedule, which alone may invoke it', () => {
    const rules = analyticsTemplate.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toEqual([id.schedule]);
    expect(rules[id.schedule]!.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [{ Arn: arnOf(id.exportFunction), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } }],
    });
    const permissions = Object.values(analyticsTemplate.findResources('AWS::Lambda::Permission')).map((permission) => permission.Properties);
    expect(permissions).toEqual([{ Action: 'lambda:InvokeFunction', FunctionName: arnOf(id.exportFunction), Principal: 'events.amazonaws.com', SourceArn: arnOf(id.schedule) }]);
  });

  it('runs every analytics.scheduleHours hours', () => {
    const { analytics: other } = synthVigia('dev', testConfig(`${TEST_CONFIG_YAML}\nanalytics: { scheduleHours: 6 }\n`));
    Template.fromStack(other).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
  });

  it('has an alarm on its errors (and one on its dead-letter queue), notifying the ops topic', () => {
    const alarms = Object.values(analyticsTemplate.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: ref(id.exportFunction) }],
          Threshold: 1,
          Period: 3600,
        }),
        expect.objectContaining({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }),
      ]),
    );
    expect(alarms).toHaveLength(2);
    const app2 = testApp();
    const stateful2 = new StatefulStack(app2, 'Vigia-test-Stateful', { stage: 'test' });
    const topic = new sns.Topic(stateful2, 'OtherTopic');
    const withTopic = new AnalyticsStack(app2, 'Vigia-test-Analytics', {
      stage: 'test',
      config: testConfig(),
      key: stateful2.key,
      archiveTable: stateful2.archiveTable,
      analyticsBucket: stateful2.analyticsBucket,
      opsTopic: topic,
    });
    for (const alarm of Object.values(Template.fromStack(withTopic).findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });
});

describe('stack outputs (what `vigia query --stage` and `vigia export --stage` read)', () => {
  it('StatefulStack: AnalyticsBucketName, GlueDatabaseName, AthenaWorkGroupName, AnalyticsQueryPolicyArn', () => {
    const outputs = statefulTemplate.toJSON().Outputs;
    expect(outputs.AnalyticsBucketName.Value).toEqual(ref(id.analyticsBucket));
    expect(outputs.GlueDatabaseName.Value).toEqual(ref(id.database));
    expect(outputs.AthenaWorkGroupName.Value).toEqual(ref(id.workGroup));
    expect(outputs.AnalyticsQueryPolicyArn.Value).toEqual(ref(id.queryPolicy));
  });

  it('AnalyticsStack (Vigia-<stage>-Analytics): AnalyticsExportFunctionName; it depends on the StatefulStack only', () => {
    expect(analytics.stackName).toBe('Vigia-dev-Analytics');
    expect(analyticsTemplate.toJSON().Outputs.AnalyticsExportFunctionName.Value).toEqual(ref(id.exportFunction));
    expect(analytics.dependencies.map((stack) => stack.stackName)).toEqual(['Vigia-dev-Stateful']);
    expect(app.synth().getStackByName(pipeline.stackName).template.Outputs).not.toHaveProperty('AnalyticsExportFunctionName');
  });
});
