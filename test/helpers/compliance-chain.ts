import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { projectRawWebhook, type IngestDependencies } from '../../shared/capture/project-raw-webhook';
import { fileContentCheck } from '../../shared/compliance/file-content-check';
import { fetchMediaForFlow, notify, prepare, record, ruleChecks, sentimentCheck } from '../../shared/compliance/flow-tasks';
import { redrive, type RedriveSummary } from '../../shared/compliance/redrive';
import { complianceRunner } from '../../local/compliance-runner';
import { localComplianceFlowAsl } from '../../local/compliance-asl-cache';
import { OutboxAlertPublisher, type OutboxEntry } from '../../local/adapters/outbox';
import { complianceFlowStarterFor } from '../../shared/compliance/adapters/compliance-flow-starter';
import { DynamoDbAlertRepository } from '../../shared/compliance/adapters/dynamodb-alert-repository';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { S3MediaStore } from '../../shared/media/adapters/s3-media-store';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import type { AlertPublisher } from '../../shared/compliance/alert-delivery';
import { VigiaConfigSchema, type VigiaConfig } from '../../shared/config/vigia-config';
import { ensureBucket, ensureTable } from '../../shared/resources/local-provisioning';

/**
 * The compliance chain of one deployment — projection → Step Functions → check → alert → delivery
 * — on real parts: dynalite and s3rver through the real SDK clients, the CDK-defined state machine
 * run by aws-local-stepfunctions with the real task functions. Step Functions itself is the one
 * stand-in: StartExecution is answered by aws-sdk-client-mock, which hands the execution to the
 * local runner (or throws the fault a test injects). Faults go into the DynamoDB client as a
 * middleware, so they hit exactly the command a test names.
 */

export const LINE = '106540352242922';
/** The fingerprint key of the chain's personal-data checks. */
const TEST_FINGERPRINT_KEY = async () => 'chain-fingerprint-key-'.padEnd(32, '0');
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:vigia-test-ComplianceFlow';

/** Two managers of `ventas`: three subscriptions (Carla by e-mail and SMS, Rui by e-mail). */
export const chainConfig = (overrides: Record<string, unknown> = {}): VigiaConfig =>
  VigiaConfigSchema.parse({
    lines: [{ phoneNumberId: LINE, employee: 'Ana Souza', team: 'ventas' }],
    teams: [
      {
        id: 'ventas',
        managers: [
          { name: 'Carla Lima', email: 'carla@example.com', phone: '+5511999990000', minSeverity: 'low' },
          { name: 'Rui Costa', email: 'rui@example.com', minSeverity: 'medium' },
        ],
      },
    ],
    policies: [{ id: 'confidential-terms', kind: 'keyword', severity: 'high', terms: ['confidencial'] }],
    ...overrides,
  });

export const SUBSCRIPTIONS = ['ventas-carla-lima-email', 'ventas-carla-lima-sms', 'ventas-rui-costa-email'];

/** A fault for the DynamoDB client: the error to throw for this command (the low-level name, e.g. `UpdateItemCommand`, and its input before marshalling), or undefined to let it through. */
export type DynamoFault = (commandName: string, input: Record<string, any>) => Error | undefined;

export interface Chain {
  db: DynamoDBDocumentClient;
  repository: DynamoDbArchiveRepository;
  alerts: DynamoDbAlertRepository;
  config: VigiaConfig;
  outboxFile: string;
  /** What the notify task and the re-drive publish with (the outbox unless the test gave another). */
  publisher: AlertPublisher;
  /** StartExecution inputs Step Functions accepted (the mock), in order. */
  started: string[];
  /** Throws this from the n-th StartExecution (1-based), once. */
  failStartExecution(n: number, error: Error): void;
  /** Sets (or clears) the DynamoDB fault. */
  setDynamoFault(fault: DynamoFault | undefined): void;
  /** Archives a webhook body under raw/ (as the webhook function does) and returns its key. */
  archiveWebhook(body: unknown): Promise<string>;
  project(rawKey: string, extra?: Partial<IngestDependencies>): ReturnType<typeof projectRawWebhook>;
  /** Waits until every started execution has finished. */
  settle(): Promise<void>;
  redrive(graceMs?: number): Promise<RedriveSummary>;
  outbox(): OutboxEntry[];
  runner: ReturnType<typeof complianceRunner>;
  close(): Promise<void>;
}

export async function startChain(options: { config?: VigiaConfig; publisher?: (outboxFile: string) => AlertPublisher } = {}): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-chain-'));
  const dynamo = dynalite({ createTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done) => dynamo.listen(0, '127.0.0.1', () => done()));
  const s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const s3Address = (await s3server.run()) as AddressInfo;
  const db = createDynamoDbClient(`http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`);
  const s3 = createS3Client(`http://127.0.0.1:${s3Address.port}`);
  const table = 'vigia-chain';
  const bucket = 'vigia-chain';
  await ensureTable(db, table);
  await ensureBucket(s3, bucket);

  let dynamoFault: DynamoFault | undefined;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const error = dynamoFault?.(String(context.commandName), (args.input ?? {}) as Record<string, any>);
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize', name: 'testFaultInjection' },
  );

  const config = options.config ?? chainConfig();
  const outboxFile = join(dir, 'outbox.jsonl');
  const publisher = options.publisher?.(outboxFile) ?? new OutboxAlertPublisher(outboxFile);
  const repository = new DynamoDbArchiveRepository(db, table);
  const alerts = new DynamoDbAlertRepository(db, table);
  const media = new DynamoDbMediaRepository(db, table);
  const delivery = { alerts, publisher, config };
  const runner = complianceRunner(
    await localComplianceFlowAsl(config),
    {
      prepare: async (state) => prepare(state, { archive: repository, config }),
      fetchMedia: async (state) => fetchMediaForFlow(state, { media, fetch: async () => undefined }),
      ruleChecks: async (state) => ruleChecks(state, { config, fingerprintKey: TEST_FINGERPRINT_KEY }),
      fileContentCheck: async (state) => fileContentCheck(state, { config, fingerprintKey: TEST_FINGERPRINT_KEY, files: new S3MediaStore(s3, bucket) }),
      sentimentCheck: async (state) => sentimentCheck(state, { analyzer: { analyze: async () => ({ skipped: 'no analyzer in this test' }) } as never, config }),
      record: async (state) => record(state, { archive: repository, alerts }),
      notify: async (state) => notify(state, delivery),
    },
    { concurrency: 2, retryIntervalMs: 1 },
  );

  const sfnMock = mockClient(SFNClient);
  const started: string[] = [];
  let startCalls = 0;
  let failAt: { n: number; error: Error } | undefined;
  sfnMock.on(StartExecutionCommand).callsFake(async (input: { stateMachineArn: string; input: string }) => {
    startCalls += 1;
    if (failAt && startCalls === failAt.n) throw failAt.error;
    started.push(input.input);
    await runner.send([input.input]);
    return { executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':express:')}:${startCalls}`, startDate: new Date() };
  });
  const starter = complianceFlowStarterFor(STATE_MACHINE_ARN, new SFNClient({ region: 'us-east-1', maxAttempts: 1 }));
  const raw = new S3RawArchive(s3, bucket);

  return {
    db,
    repository,
    alerts,
    config,
    outboxFile,
    publisher,
    started,
    runner,
    failStartExecution: (n, error) => (failAt = { n: startCalls + n, error }),
    setDynamoFault: (fault) => (dynamoFault = fault),
    archiveWebhook: async (body) => raw.putRaw(Buffer.from(JSON.stringify(body)), { signature: 'sha256=test', receivedAt: new Date().toISOString() }),
    project: (rawKey, extra = {}) => projectRawWebhook(rawKey, { archive: raw, repository, compliance: starter, media: undefined, ...extra }),
    settle: async () => {
      while (runner.queue.size > 0) await runner.queue.drained();
    },
    redrive: (graceMs = 0) =>
      redrive({ archive: repository, alerts, publisher, config, compliance: starter, settings: { checkGraceMs: graceMs, notifyGraceMs: graceMs, uncheckedAlarmAfterMs: 3_600_000, maxCheckRedrives: 3 } }),
    outbox: () => {
      try {
        return readFileSync(outboxFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutboxEntry);
      } catch {
        return [];
      }
    },
    close: async () => {
      sfnMock.restore();
      runner.queue.close();
      db.destroy();
      s3.destroy();
      await s3server.close();
      await new Promise<void>((done) => dynamo.close(() => done()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A `messages` webhook on LINE with one text message per id (all hitting `confidential-terms`). */
export function keywordWebhook(ids: string[], options: { contact?: string; text?: string; timestamp?: number } = {}) {
  const contact = options.contact ?? '5511987650001';
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000) - 60);
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-chain',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '5511940000001', phone_number_id: LINE },
              contacts: [{ profile: { name: 'Cliente Teste' }, wa_id: contact }],
              messages: ids.map((id) => ({ from: contact, id, timestamp, type: 'text', text: { body: options.text ?? `segue o documento confidencial ${id}` } })),
            },
          },
        ],
      },
    ],
  };
}
