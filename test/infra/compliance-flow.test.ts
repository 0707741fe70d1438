import { describe, expect, it } from 'vitest';
import { complianceFlowAsl, localLambdaArn } from '../../infra/compliance-asl';
import { COMPLIANCE_FETCH_MEDIA_RETRY, COMPLIANCE_FLOW, COMPLIANCE_FUNCTIONS, MEDIA_FETCH_FUNCTION } from '../../infra/config';
import { COMPREHEND_RETRYABLE_ERRORS, NOTIFY_RETRYABLE_ERRORS } from '../../infra/constructs/compliance-flow';
import type { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { FUNCTION_DEFINES } from '../../infra/function-env';
import { FLOW_STATES } from '../../shared/compliance/model';
import {
  allows,
  allStatements,
  arnOf,
  arnWithSuffix,
  asArray,
  logicalIdOf,
  managedPolicyArnsOf,
  type PolicyStatementJson,
  ref,
  roleStatements,
  synthVigia,
  TEST_CONFIG_YAML,
  testConfig,
} from './helpers';

const config = testConfig();
const { stateful, pipeline, pipelineTemplate: template } = synthVigia('dev', config);
const flow = pipeline.complianceFlow;
const resources = template.toJSON().Resources as Record<string, any>;
const fnId = (fn: PipelineFunction) => logicalIdOf(pipeline, fn);
const roleId = (fn: PipelineFunction) => logicalIdOf(pipeline, fn.role!);
const statementsOf = (fn: PipelineFunction) => roleStatements(template, roleId(fn));
const id = {
  key: logicalIdOf(stateful, stateful.key),
  bucket: logicalIdOf(stateful, stateful.archiveBucket),
  table: logicalIdOf(stateful, stateful.archiveTable),
  secret: logicalIdOf(pipeline, pipeline.whatsAppSecret),
  piiSecret: logicalIdOf(pipeline, flow.piiFingerprintSecret),
  topic: logicalIdOf(pipeline, pipeline.alertsTopic),
  stateMachine: logicalIdOf(pipeline, flow.stateMachine),
  stateMachineRole: logicalIdOf(pipeline, flow.stateMachine.role),
  logGroup: logicalIdOf(pipeline, flow.logGroup),
};
const viaService = (service: string) => ({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
});
/** Actions the PipelineFunction defaults add to every role: X-Ray tracing (the logs come from the managed policy). */
const TRACING_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const actionsOf = (statements: PolicyStatementJson[]) => statements.flatMap((statement) => asArray(statement.Action));
const TABLE_RESOURCES = [arnOf(id.table), arnWithSuffix(id.table, '/index/*')];
const TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

// The definition as deployed, resolved to plain ASL (what the local runner executes too).
const asl = complianceFlowAsl(config) as { StartAt: string; TimeoutSeconds?: number; States: Record<string, any> };
const states = asl.States;
const branches = states[FLOW_STATES.checks].Branches as Array<{ StartAt: string; States: Record<string, any> }>;
const allStates: Record<string, any> = Object.assign({}, states, ...branches.map((branch) => branch.States));
const LAMBDA_SERVICE_RETRY = {
  ErrorEquals: ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
};
const catchToRecordFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: FLOW_STATES.recordFailure }];

describe('ComplianceFlow', () => {
  describe('state machine', () => {
    const properties = resources[id.stateMachine].Properties;

    it('is an Express state machine with a stable construct ID', () => {
      expect(flow.node.id).toBe('ComplianceFlow');
      expect(properties.StateMachineType).toBe('EXPRESS');
      expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toEqual([id.stateMachine]);
    });

    it('logs ALL events to its own encrypted log group, without execution data (no message bodies)', () => {
      expect(properties.LoggingConfiguration).toEqual({
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arnOf(id.logGroup) } }],
      });
      expect(resources[id.logGroup].Properties).toMatchObject({ KmsKeyId: arnOf(id.key), RetentionInDays: 30 });
      expect(resources[id.logGroup].Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\/Vigia-dev-Pipeline-ComplianceFlow$/);
    });

    it('times out after 4 min 30 s (TimeoutSeconds 270), inside the 5-minute Express limit', () => {
      expect(COMPLIANCE_FLOW.timeout.toSeconds()).toBe(270);
      expect(asl.TimeoutSeconds).toBe(270);
      expect(asl.TimeoutSeconds!).toBeLessThan(5 * 60);
    });

    it('has X-Ray tracing enabled', () => {
      expect(properties.TracingConfiguration).toEqual({ Enabled: true });
    });

    it('may invoke exactly the seven compliance functions', () => {
      const statements = roleStatements(template, id.stateMachineRole);
      const invoke = allows(statements, 'lambda:InvokeFunction');
      const targets = new Set(invoke.flatMap((statement) => asArray(statement.Resource)).map((resource) => JSON.stringify(resource)));
      const functions = [flow.prepareFunction, flow.fetchMediaFunction, flow.ruleChecksFunction, flow.sentimentCheckFunction, flow.fileContentCheckFunction, flow.recordFunction, flow.notifyFunction];
      const expected = functions.flatMap((fn) => [arnOf(fnId(fn)), arnWithSuffix(fnId(fn), ':*')]).map((resource) => JSON.stringify(resource));
      expect([...targets].sort()).toEqual(expected.sort());
      // Logs delivery, X-Ray and its own encryption key only besides: no data access of its own.
      expect(actionsOf(statements).filter((action) => !/^(lambda:InvokeFunction|logs:|xray:|kms:Decrypt$|kms:GenerateDataKey$)/.test(action))).toEqual([]);
      for (const statement of allows(statements, 'kms:GenerateDataKey')) {
        // For the state machine's own encryption context, or its log delivery's.
        expect(Object.keys(statement.Condition?.StringEquals as object)).toEqual([
          expect.stringMatching(/^kms:EncryptionContext:(aws:states:stateMachineArn|SourceArn)$/),
        ]);
      }
    });
  });

  describe('definition', () => {
    it('starts at Prepare and has exactly the FLOW_STATES states, checks nested in the Parallel branches', () => {
      expect(asl.StartAt).toBe(FLOW_STATES.prepare);
      expect(Object.keys(allStates).sort()).toEqual(Object.values(FLOW_STATES).sort());
      expect(branches.map((branch) => Object.keys(branch.States).sort())).toEqual([
        [FLOW_STATES.ruleChecks],
        [FLOW_STATES.sentimentCheck, FLOW_STATES.sentimentFailed].sort(),
        [FLOW_STATES.hasStoredFile, FLOW_STATES.fileContentCheck, FLOW_STATES.fileContentFailed, FLOW_STATES.noFileText].sort(),
      ]);
    });

    it('invokes each task with the whole state and keeps only the function result', () => {
      const byState: Record<string, PipelineFunction> = {
        [FLOW_STATES.prepare]: flow.prepareFunction,
        [FLOW_STATES.fetchMedia]: flow.fetchMediaFunction,
        [FLOW_STATES.ruleChecks]: flow.ruleChecksFunction,
        [FLOW_STATES.sentimentCheck]: flow.sentimentCheckFunction,
        [FLOW_STATES.fileContentCheck]: flow.fileContentCheckFunction,
        [FLOW_STATES.record]: flow.recordFunction,
        [FLOW_STATES.notify]: flow.notifyFunction,
      };
      for (const [name, fn] of Object.entries(byState)) {
        expect(allStates[name], name).toMatchObject({
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: localLambdaArn(fnId(fn)), 'Payload.$': '$' },
          OutputPath: '$.Payload',
        });
        expect(allStates[name].Retry[0], name).toEqual(LAMBDA_SERVICE_RETRY);
      }
    });

    it('HasMedia: FetchMedia when $.context.mediaId is present, otherwise straight to Checks', () => {
      expect(states[FLOW_STATES.prepare].Next).toBe(FLOW_STATES.hasMedia);
      expect(states[FLOW_STATES.hasMedia]).toMatchObject({
        Type: 'Choice',
        Choices: [{ Variable: '$.context.mediaId', IsPresent: true, Next: FLOW_STATES.fetchMedia }],
        Default: FLOW_STATES.checks,
      });
    });

    it('FetchMedia retries a failed task once (after 5 s), then continues to Checks with $.mediaError', () => {
      const fetchMedia = states[FLOW_STATES.fetchMedia];
      expect(COMPLIANCE_FETCH_MEDIA_RETRY).toEqual({ maxAttempts: 1, interval: expect.anything() });
      expect(fetchMedia.Retry).toEqual([LAMBDA_SERVICE_RETRY, { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1, IntervalSeconds: 5 }]);
      expect(fetchMedia.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.mediaError', Next: FLOW_STATES.checks }]);
      expect(fetchMedia.Next).toBe(FLOW_STATES.checks);
    });

    it('Checks runs RuleChecks, SentimentCheck and FileContentCheck in parallel into $.checks, then Record', () => {
      expect(states[FLOW_STATES.checks]).toMatchObject({ Type: 'Parallel', ResultPath: '$.checks', Next: FLOW_STATES.record });
      expect(branches.map((branch) => branch.StartAt)).toEqual([FLOW_STATES.ruleChecks, FLOW_STATES.sentimentCheck, FLOW_STATES.hasStoredFile]);
      expect(allStates[FLOW_STATES.ruleChecks].End).toBe(true);
      expect(allStates[FLOW_STATES.ruleChecks].Catch).toBeUndefined();
    });

    it('invokes FileContentCheck only for a stored file; otherwise NoFileText answers {} with no function call', () => {
      expect(allStates[FLOW_STATES.hasStoredFile]).toMatchObject({
        Type: 'Choice',
        Choices: [{ And: [{ Variable: '$.file.state', IsPresent: true }, { Variable: '$.file.state', StringEquals: 'stored' }], Next: FLOW_STATES.fileContentCheck }],
        Default: FLOW_STATES.noFileText,
      });
      expect(allStates[FLOW_STATES.noFileText]).toEqual({ Type: 'Pass', Comment: 'No file text to check', Result: {}, End: true });
    });

    it('SentimentCheck retries the Comprehend throttling and server errors with full jitter', () => {
      const sentiment = allStates[FLOW_STATES.sentimentCheck];
      expect(sentiment.Retry).toContainEqual({
        ErrorEquals: [...COMPREHEND_RETRYABLE_ERRORS],
        IntervalSeconds: 2,
        BackoffRate: 2,
        MaxAttempts: 4,
        JitterStrategy: 'FULL',
      });
      expect(COMPREHEND_RETRYABLE_ERRORS).toEqual(['ThrottlingException', 'TooManyRequestsException', 'InternalServerException', 'ServiceUnavailableException']);
      expect(sentiment.End).toBe(true);
    });

    it('SentimentCheck catches any error into SentimentFailed, which outputs only { sentimentError }', () => {
      expect(allStates[FLOW_STATES.sentimentCheck].Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.sentimentError', Next: FLOW_STATES.sentimentFailed },
      ]);
      expect(allStates[FLOW_STATES.sentimentFailed]).toMatchObject({
        Type: 'Pass',
        Parameters: { 'sentimentError.$': '$.sentimentError' },
        End: true,
      });
    });

    it('FileContentCheck retries S3 throttling and 5xx, and catches any error into FileContentFailed, which outputs only { fileContentError }', () => {
      const fileContent = allStates[FLOW_STATES.fileContentCheck];
      expect(fileContent.Retry).toContainEqual({ ErrorEquals: ['SlowDown', 'ServiceUnavailable', 'InternalError'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2, JitterStrategy: 'FULL' });
      expect(fileContent.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.fileContentError', Next: FLOW_STATES.fileContentFailed }]);
      expect(allStates[FLOW_STATES.fileContentFailed]).toMatchObject({ Type: 'Pass', Parameters: { 'fileContentError.$': '$.fileContentError' }, End: true });
    });

    it('Record, then Notify, then Done', () => {
      expect(states[FLOW_STATES.record].Next).toBe(FLOW_STATES.notify);
      expect(states[FLOW_STATES.notify].Next).toBe(FLOW_STATES.done);
      expect(states[FLOW_STATES.done]).toEqual({ Type: 'Succeed' });
    });

    it('Notify retries SNS, KMS and DynamoDB throttling and 5xx with jittered backoff, never a timeout or any error', () => {
      expect(states[FLOW_STATES.notify].Retry).toEqual([
        LAMBDA_SERVICE_RETRY,
        { ErrorEquals: [...NOTIFY_RETRYABLE_ERRORS], MaxAttempts: 3, IntervalSeconds: 1, BackoffRate: 2, JitterStrategy: 'FULL' },
      ]);
      for (const error of ['KMSThrottlingException', 'ThrottledException', 'InternalErrorException', 'ProvisionedThroughputExceededException']) {
        expect(NOTIFY_RETRYABLE_ERRORS, error).toContain(error);
      }
      for (const error of ['States.ALL', 'States.TaskFailed', 'States.Timeout', 'AuthorizationErrorException', 'InvalidParameterException']) {
        expect(NOTIFY_RETRYABLE_ERRORS, error).not.toContain(error);
      }
    });

    it.each([FLOW_STATES.prepare, FLOW_STATES.checks, FLOW_STATES.record, FLOW_STATES.notify])(
      '%s catches any error into $.failure and goes to RecordFailure',
      (name) => {
        expect(states[name].Catch).toEqual(catchToRecordFailure);
      },
    );

    it('RecordFailure invokes the record function with only the message ID and the failure, retries, has no Catch, then Failed', () => {
      const recordFailure = states[FLOW_STATES.recordFailure];
      expect(recordFailure).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: localLambdaArn(fnId(flow.recordFunction)),
          Payload: { 'messageId.$': '$.messageId', 'failure.$': '$.failure' },
        },
        Next: FLOW_STATES.failed,
      });
      expect(recordFailure.Retry).toEqual([
        LAMBDA_SERVICE_RETRY,
        { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 2, BackoffRate: 2 },
      ]);
      expect(recordFailure.Catch).toBeUndefined();
      expect(states[FLOW_STATES.failed]).toMatchObject({ Type: 'Fail', Error: 'ComplianceFlowFailed' });
    });

    it('catches nothing elsewhere: only the states above have a Catch', () => {
      const withCatch = Object.entries(allStates)
        .filter(([, state]) => state.Catch)
        .map(([name]) => name)
        .sort();
      expect(withCatch).toEqual(
        [FLOW_STATES.prepare, FLOW_STATES.fetchMedia, FLOW_STATES.checks, FLOW_STATES.sentimentCheck, FLOW_STATES.fileContentCheck, FLOW_STATES.record, FLOW_STATES.notify].sort(),
      );
    });

    it('is the definition deployed: the template references the same functions', () => {
      const definition = JSON.stringify(resources[id.stateMachine].Properties.DefinitionString);
      for (const fn of [flow.prepareFunction, flow.fetchMediaFunction, flow.ruleChecksFunction, flow.sentimentCheckFunction, flow.fileContentCheckFunction, flow.recordFunction, flow.notifyFunction]) {
        expect(definition).toContain(JSON.stringify(arnOf(fnId(fn))));
      }
    });
  });

  describe('functions', () => {
    const POWERTOOLS_VARIABLES = ['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

    it('have stable construct IDs and their own entries under functions/compliance/', () => {
      expect(
        [flow.prepareFunction, flow.fetchMediaFunction, flow.ruleChecksFunction, flow.sentimentCheckFunction, flow.fileContentCheckFunction, flow.recordFunction, flow.notifyFunction].map(
          (fn) => fn.node.id,
        ),
      ).toEqual([
        'CompliancePrepareFunction',
        'ComplianceFetchMediaFunction',
        'ComplianceRulesFunction',
        'ComplianceSentimentFunction',
        'ComplianceFileContentFunction',
        'ComplianceRecordFunction',
        'ComplianceNotifyFunction',
      ]);
    });

    it('time out after 30 s (prepare, rules, sentiment, file content, record, notify) and 60 s (fetch media)', () => {
      const timeouts = Object.fromEntries(
        [flow.prepareFunction, flow.fetchMediaFunction, flow.ruleChecksFunction, flow.sentimentCheckFunction, flow.fileContentCheckFunction, flow.recordFunction, flow.notifyFunction].map(
          (fn) => [fn.node.id, functionProperties(fn).Timeout as number],
        ),
      );
      expect(timeouts).toEqual({
        CompliancePrepareFunction: 30,
        ComplianceFetchMediaFunction: 60,
        ComplianceRulesFunction: 30,
        ComplianceSentimentFunction: 30,
        ComplianceFileContentFunction: 30,
        ComplianceRecordFunction: 30,
        ComplianceNotifyFunction: 30,
      });
      // One task at its limit, FetchMedia once at its limit: well inside the flow's timeout.
      const oneFetch = timeouts.CompliancePrepareFunction! + timeouts.ComplianceFetchMediaFunction! + 30 + timeouts.ComplianceRecordFunction! + timeouts.ComplianceNotifyFunction!;
      expect(oneFetch).toBeLessThanOrEqual(asl.TimeoutSeconds! - 60);
    });

    describe('Prepare', () => {
      const statements = statementsOf(flow.prepareFunction);

      it('gets the table name only', () => {
        const variables = functionProperties(flow.prepareFunction).Environment.Variables;
        expect(Object.keys(variables).sort()).toEqual(['ARCHIVE_TABLE', ...POWERTOOLS_VARIABLES].sort());
        expect(variables.ARCHIVE_TABLE).toEqual(ref(id.table));
      });

      it('can read the table and its indexes, and cannot write it', () => {
        for (const action of ['dynamodb:GetItem', 'dynamodb:Query']) {
          const granted = allows(statements, action);
          expect(granted, action).toHaveLength(1);
          expect(granted[0]!.Resource).toEqual(TABLE_RESOURCES);
        }
        for (const action of TABLE_WRITES) expect(allows(statements, action), action).toEqual([]);
      });

      it('has nothing on S3, SNS, Secrets Manager, Comprehend or Step Functions', () => {
        expect(actionsOf(statements).filter((action) => /^(s3|sns|secretsmanager|comprehend|states):/.test(action))).toEqual([]);
      });
    });

    describe('FetchMedia', () => {
      const statements = statementsOf(flow.fetchMediaFunction);
      const queuePathStatements = statementsOf(pipeline.mediaFetchFunction);

      it('has the media-fetch function’s memory and /tmp (1024 MB, 1 GiB) but 60 s instead of its 5 min', () => {
        expect(functionProperties(flow.fetchMediaFunction)).toMatchObject({ MemorySize: 1024, Timeout: 60, EphemeralStorage: { Size: 1024 } });
        expect(functionProperties(pipeline.mediaFetchFunction)).toMatchObject({ MemorySize: 1024, Timeout: 300, EphemeralStorage: { Size: 1024 } });
        expect(COMPLIANCE_FUNCTIONS.fetchMedia.timeout.toSeconds()).toBeLessThan(MEDIA_FETCH_FUNCTION.timeout.toSeconds());
      });

      it('gets the bucket and table names and the secret ARN', () => {
        const variables = functionProperties(flow.fetchMediaFunction).Environment.Variables;
        expect(variables).toMatchObject({ ARCHIVE_BUCKET: ref(id.bucket), ARCHIVE_TABLE: ref(id.table), WHATSAPP_SECRET_ARN: ref(id.secret) });
        expect(variables.COMPLIANCE_STATE_MACHINE_ARN).toBeUndefined();
      });

      it('has the same S3, KMS, table and secret rights as the media-fetch function (queue path)', () => {
        // Besides the queue path's right to start the flow with its key (encryption context of the state machine).
        const relevant = (all: PolicyStatementJson[]) =>
          all.filter(
            (statement) =>
              actionsOf([statement]).some((action) => /^(s3|kms|dynamodb|secretsmanager):/.test(action)) &&
              !JSON.stringify(statement.Condition ?? {}).includes('aws:states:stateMachineArn'),
          );
        expect(relevant(statements)).toEqual(relevant(queuePathStatements));
        expect(allows(statements, 's3:PutObject')).toEqual([
          { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'], Resource: arnWithSuffix(id.bucket, '/media/*') },
        ]);
        expect(allows(statements, 'secretsmanager:GetSecretValue')).toEqual([
          { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: ref(id.secret) },
        ]);
      });

      it('cannot read or delete objects, use queues or start the flow it runs in', () => {
        for (const action of ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket', 'sqs:ReceiveMessage', 'sqs:SendMessage', 'states:StartExecution']) {
          expect(allows(statements, action), action).toEqual([]);
        }
      });
    });

    const piiSecretStatements = [
      { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: ref(id.piiSecret) },
    ];

    describe('RuleChecks', () => {
      it('may read the fingerprint key and nothing else: no table, no bucket, no queue', () => {
        const statements = statementsOf(flow.ruleChecksFunction);
        expect(allows(statements, 'secretsmanager:GetSecretValue')).toEqual(piiSecretStatements);
        expect(actionsOf(statements).filter((action) => !action.startsWith('xray:') && !action.startsWith('secretsmanager:') && action !== 'kms:Decrypt')).toEqual([]);
        for (const statement of allows(statements, 'kms:Decrypt')) expect(statement.Condition).toEqual(viaService('secretsmanager'));
        expect(managedPolicyArnsOf(template, roleId(flow.ruleChecksFunction))).toEqual([]);
      });

      it('gets the fingerprint key secret only', () => {
        const variables = functionProperties(flow.ruleChecksFunction).Environment.Variables;
        expect(Object.keys(variables).sort()).toEqual(['PII_SECRET_ARN', ...POWERTOOLS_VARIABLES].sort());
        expect(variables.PII_SECRET_ARN).toEqual(ref(id.piiSecret));
      });
    });

    describe('FileContentCheck', () => {
      const statements = statementsOf(flow.fileContentCheckFunction);

      it('may read objects under media/ (through S3 for the key) and the fingerprint key; nothing else', () => {
        expect(allows(statements, 's3:GetObject')).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: arnWithSuffix(id.bucket, '/media/*') }]);
        expect(allows(statements, 'secretsmanager:GetSecretValue')).toEqual(piiSecretStatements);
        for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:SendMessage', 'states:StartExecution']) {
          expect(allows(statements, action), action).toEqual([]);
        }
        expect(actionsOf(statements).filter((action) => !/^(xray:|secretsmanager:DescribeSecret$|secretsmanager:GetSecretValue$|s3:GetObject$|kms:Decrypt$)/.test(action))).toEqual([]);
      });

      it('gets the bucket name and the fingerprint key secret only', () => {
        const variables = functionProperties(flow.fileContentCheckFunction).Environment.Variables;
        expect(Object.keys(variables).sort()).toEqual(['ARCHIVE_BUCKET', 'PII_SECRET_ARN', ...POWERTOOLS_VARIABLES].sort());
      });
    });

    it('the fingerprint key is generated by CloudFormation and encrypted with the customer-managed key', () => {
      expect(resources[id.piiSecret].Properties).toMatchObject({
        GenerateSecretString: { GenerateStringKey: 'fingerprintKey', PasswordLength: 64, ExcludePunctuation: true },
        KmsKeyId: arnOf(id.key),
      });
    });

    describe('SentimentCheck', () => {
      it('may call comprehend:DetectSentiment only (no resource-level permissions exist for it: Resource "*")', () => {
        const statements = statementsOf(flow.sentimentCheckFunction);
        // minimizePolicies merges it with the X-Ray statement, which is on "*" as well.
        expect(actionsOf(statements).sort()).toEqual(['comprehend:DetectSentiment', ...TRACING_ACTIONS]);
        expect(allows(statements, 'comprehend:DetectSentiment')).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: '*' })]);
        expect(statements.every((statement) => !statement.Condition)).toBe(true);
        for (const action of ['comprehend:DetectDominantLanguage', 'comprehend:DetectPiiEntities', 'comprehend:StartSentimentDetectionJob']) {
          expect(allows(statements, action), action).toEqual([]);
        }
      });

      it('gets no resource names', () => {
        expect(Object.keys(functionProperties(flow.sentimentCheckFunction).Environment.Variables).sort()).toEqual(POWERTOOLS_VARIABLES);
      });

      it('with sentiment.comprehendRegion set (us-east-1): synthesizes, still only comprehend:DetectSentiment on "*", no new variable', () => {
        const regional = testConfig(`${TEST_CONFIG_YAML}sentiment: { analyzer: comprehend, comprehendRegion: us-east-1 }\n`);
        expect(regional.sentiment.comprehendRegion).toBe('us-east-1');
        const synthesized = synthVigia('dev', regional);
        const sentimentFn = synthesized.pipeline.complianceFlow.sentimentCheckFunction;
        const regionalStatements = roleStatements(synthesized.pipelineTemplate, logicalIdOf(synthesized.pipeline, sentimentFn.role!));
        expect(actionsOf(regionalStatements).sort()).toEqual(['comprehend:DetectSentiment', ...TRACING_ACTIONS]);
        expect(actionsOf(regionalStatements).filter((action) => action.startsWith('comprehend:'))).toEqual(['comprehend:DetectSentiment']);
        expect(allows(regionalStatements, 'comprehend:DetectSentiment')).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: '*' })]);
        expect(regionalStatements.every((statement) => !statement.Condition)).toBe(true);
        // The function reads the region from the inlined config, not from its environment.
        const regionalResources = synthesized.pipelineTemplate.toJSON().Resources as Record<string, any>;
        const variables = regionalResources[logicalIdOf(synthesized.pipeline, sentimentFn)].Properties.Environment.Variables;
        expect(Object.keys(variables).sort()).toEqual(POWERTOOLS_VARIABLES);
        const inlined = JSON.parse(JSON.parse(sentimentFn.bundlingDefine['process.env.VIGIA_CONFIG_JSON']!) as string) as typeof regional;
        expect(inlined.sentiment.comprehendRegion).toBe('us-east-1');
      });

      it('is the only role in either stack with a Comprehend permission', () => {
        const comprehend = allStatements(template).filter(({ statement }) => actionsOf([statement]).some((action) => action.startsWith('comprehend:')));
        expect(comprehend.map(({ resource }) => resource)).toEqual([expect.stringMatching(/^ComplianceFlowComplianceSentimentFunctionServiceRoleDefaultPolicy/)]);
      });
    });

    describe('Record', () => {
      const statements = statementsOf(flow.recordFunction);

      it('gets the table name only', () => {
        const variables = functionProperties(flow.recordFunction).Environment.Variables;
        expect(Object.keys(variables).sort()).toEqual(['ARCHIVE_TABLE', ...POWERTOOLS_VARIABLES].sort());
      });

      it('can read and write the table and its indexes (and use its key), and nothing else', () => {
        for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) {
          const granted = allows(statements, action);
          expect(granted, action).toHaveLength(1);
          expect(granted[0]!.Resource).toEqual(TABLE_RESOURCES);
        }
        for (const statement of statements.filter((s) => actionsOf([s]).some((action) => action.startsWith('kms:')))) {
          expect(statement.Resource).toEqual(arnOf(id.key));
        }
        expect(actionsOf(statements).filter((action) => !/^(dynamodb|kms|xray):/.test(action))).toEqual([]);
      });
    });

    describe('Notify', () => {
      const statements = statementsOf(flow.notifyFunction);

      it('gets the alerts topic ARN and the table name', () => {
        const variables = functionProperties(flow.notifyFunction).Environment.Variables;
        // CONSOLE_URL: the alert deep links (the manager console, test/infra/console.test.ts).
        expect(Object.keys(variables).sort()).toEqual(['ALERTS_TOPIC_ARN', 'ARCHIVE_TABLE', 'CONSOLE_URL', ...POWERTOOLS_VARIABLES].sort());
        expect(variables).toMatchObject({ ALERTS_TOPIC_ARN: ref(id.topic), ARCHIVE_TABLE: ref(id.table) });
      });

      it('can publish to the alerts topic only, using the key through SNS only', () => {
        expect(allows(statements, 'sns:Publish')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: ref(id.topic) }]);
        // Explicit, not left to the table grant's key permissions (the same key today).
        expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: arnOf(id.key), Condition: viaService('sns') });
        for (const statement of statements.filter((s) => actionsOf([s]).some((action) => action.startsWith('kms:')))) {
          expect(statement.Resource).toEqual(arnOf(id.key));
        }
        for (const action of ['sns:Subscribe', 'sns:SetTopicAttributes', 'sns:CreateTopic', 'sns:DeleteTopic']) {
          expect(allows(statements, action), action).toEqual([]);
        }
      });

      it('can update the table (marks alerts notified), and has nothing on S3, secrets or other SNS actions', () => {
        expect(allows(statements, 'dynamodb:UpdateItem')[0]!.Resource).toEqual(TABLE_RESOURCES);
        expect(actionsOf(statements).filter((action) => !/^(dynamodb|xray|kms):/.test(action) && action !== 'sns:Publish')).toEqual([]);
      });

      it('is the only role in either stack that can publish to the alerts topic', () => {
        const publishing = allStatements(template).filter(
          ({ statement }) => allows([statement], 'sns:Publish').length > 0 && JSON.stringify(statement.Resource) === JSON.stringify(ref(id.topic)),
        );
        expect(publishing.map(({ resource }) => resource).sort()).toEqual([
          expect.stringMatching(/^ComplianceFlowComplianceNotifyFunctionServiceRoleDefaultPolicy/),
          // The re-drive delivers what Notify could not.
          expect.stringMatching(/^RedriveFunctionServiceRoleDefaultPolicy/),
        ]);
      });
    });

    describe('config inlining', () => {
      const withConfig = [flow.prepareFunction, flow.ruleChecksFunction, flow.sentimentCheckFunction, flow.fileContentCheckFunction, flow.recordFunction, flow.notifyFunction];

      it('inlines the config (with every policy id) into prepare, rule-checks, sentiment-check, record and notify', () => {
        expect(FUNCTION_DEFINES.vigiaConfigJson).toBe('process.env.VIGIA_CONFIG_JSON');
        for (const fn of withConfig) {
          const literal = fn.bundlingDefine['process.env.VIGIA_CONFIG_JSON'];
          expect(literal, fn.node.id).toBeDefined();
          // A JSON string literal (esbuild define) whose content is the config as JSON.
          const inlined = JSON.parse(JSON.parse(literal!) as string) as typeof config;
          expect(inlined).toEqual(config);
          expect(inlined.policies.map((policy) => policy.id)).toEqual(['confidential-terms', 'no-spreadsheets', 'angry-conversation']);
        }
      });

      it('does not put the config into the environment, nor into the fetch-media bundle', () => {
        for (const fn of [...withConfig, flow.fetchMediaFunction]) {
          expect(JSON.stringify(functionProperties(fn).Environment)).not.toContain('confidential-terms');
        }
        expect(flow.fetchMediaFunction.bundlingDefine).toEqual({});
      });
    });
  });

  describe('starting the flow', () => {
    it('the ingest, media-fetch and re-drive functions get its ARN and may start executions of it only', () => {
      for (const fn of [pipeline.ingestFunction, pipeline.mediaFetchFunction, pipeline.redriveFunction]) {
        expect(functionProperties(fn).Environment.Variables.COMPLIANCE_STATE_MACHINE_ARN, fn.node.id).toEqual(ref(id.stateMachine));
        const statements = statementsOf(fn);
        expect(allows(statements, 'states:StartExecution'), fn.node.id).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: ref(id.stateMachine) }]);
        for (const action of ['states:StartSyncExecution', 'states:StopExecution', 'states:DescribeExecution']) {
          expect(allows(statements, action), action).toEqual([]);
        }
      }
    });

    it('no other role may start it, nor any execution at all', () => {
      const starting = allStatements(template).filter(({ statement }) => allows([statement], 'states:StartExecution').length > 0);
      expect(starting.map(({ resource }) => resource).sort()).toEqual([
        expect.stringMatching(/^IngestFunctionServiceRoleDefaultPolicy/),
        expect.stringMatching(/^MediaFetchFunctionServiceRoleDefaultPolicy/),
        expect.stringMatching(/^RedriveFunctionServiceRoleDefaultPolicy/),
      ]);
      for (const fn of [pipeline.webhookFunction, pipeline.mediaSweeperFunction]) {
        expect(functionProperties(fn).Environment.Variables.COMPLIANCE_STATE_MACHINE_ARN).toBeUndefined();
      }
    });
  });
});

function functionProperties(fn: PipelineFunction) {
  return resources[fnId(fn)].Properties;
}
