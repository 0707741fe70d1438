import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirroredExportEngine } from '../shared/analytics/adapters/mirrored-export';
import { S3AnalyticsStore } from '../shared/analytics/adapters/s3-analytics-store';
import { ExportOverviewSource } from '../shared/analytics/overview-source';
import type { FlowState } from '../shared/compliance/model';
import { createS3Client } from '../shared/platform/clients';
import type { VigiaConfig } from '../shared/config/vigia-config';
import { installLocalAdapters, inProcessQueues } from './adapters/local-targets';
import { lambdaContext } from './api-gateway';
import { localComplianceFlowAsl } from './compliance-asl-cache';
import { complianceRunner } from './compliance-runner';
import type { LocalMeter } from './metering';
import { WorkQueue } from './work-queue';

export type Handler<E, R> = (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>;
type HttpHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** A handler timed by the cost benchmark's meter, when there is one. */
export function meteredBy(meter: LocalMeter | undefined) {
  return <E, R>(name: string, handler: Handler<E, R>): Handler<E, R> => (meter ? meter.timed(name, handler) : handler);
}

export interface PipelineOptions {
  config: VigiaConfig;
  /** The local analytics bucket: the console overview reads its exports. */
  analyticsBucket: string;
  meter?: LocalMeter;
  /** Ingest workers running in parallel. */
  ingestConcurrency: number;
  /** Media downloads and compliance executions running in parallel (each). */
  pipelineConcurrency?: number;
  /** Wait this long between Step Functions retries instead of the definition's backoff. */
  flowRetryMs?: number;
}

/** The handlers behind the HTTP API, the queues between them, and the scheduled ones. */
export interface LocalPipeline {
  webhook: HttpHandler;
  /** With `privacy.employeeNotice` only. */
  noticeAck?: HttpHandler;
  /** The console API (`ANY /api/{proxy+}`), called with the claims the JWT authorizer verified. */
  consoleApi: Handler<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>;
  redrive: Handler<{ graceSeconds?: number }, unknown>;
  mediaSweeper: Handler<unknown, unknown>;
  /** Queues an S3 notification for ingest, as the bucket notification does on AWS. */
  enqueue(notification: unknown): void;
  /** Raw webhooks waiting for or in ingest (what `/healthz` reports). */
  ingestSize(): number;
  /** Work queued or running anywhere in the pipeline. */
  size(): number;
  /** Resolves when ingest, media, the compliance flow and the disclosure are all quiet. */
  drained(): Promise<void>;
  /** Holds ingest (so media and the flow too); webhooks are still archived. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/**
 * Imports the handlers (after setHandlerEnvironment: module scope is the cold start) with the
 * local adapters installed, and connects them as the AWS services do: an SQS-like queue in front
 * of ingest and media fetch, the compliance flow's ASL run in process, and a queue standing in for
 * the disclosure function's asynchronous invocations.
 */
export async function wirePipeline(options: PipelineOptions): Promise<LocalPipeline> {
  const { config, meter } = options;
  const uninstallLocalAdapters = installLocalAdapters();
  const metered = meteredBy(meter);
  const webhook = metered('webhook', (await import('../functions/webhook/handler')).handler as unknown as HttpHandler);
  const ingest = metered('ingest', (await import('../functions/ingest/handler')).handler as unknown as Handler<SQSEvent, SQSBatchResponse>);
  const mediaFetch = metered('mediaFetch', (await import('../functions/media-fetch/handler')).handler as unknown as Handler<SQSEvent, SQSBatchResponse>);
  const mediaSweeper = metered('mediaSweeper', (await import('../functions/media-sweeper/handler')).handler as unknown as Handler<unknown, unknown>);
  const redrive = metered('redrive', (await import('../functions/redrive/handler')).handler as unknown as Handler<{ graceSeconds?: number }, unknown>);
  const tasks: Record<string, string> = {
    prepare: 'compliancePrepare',
    fetchMedia: 'complianceFetchMedia',
    ruleChecks: 'complianceRules',
    sentimentCheck: 'complianceSentiment',
    fileContentCheck: 'complianceFileContent',
    record: 'complianceRecord',
    notify: 'complianceNotify',
  };
  const task = async (module: Promise<{ handler: unknown }>, name: keyof typeof tasks) =>
    metered(tasks[name], (await module).handler as unknown as Handler<FlowState, unknown>);
  const compliance = complianceRunner(
    // The same state machine the CDK stack deploys, synthesized in memory (no bundling), cached by content.
    await localComplianceFlowAsl(config),
    {
      prepare: await task(import('../functions/compliance/prepare'), 'prepare'),
      fetchMedia: await task(import('../functions/compliance/fetch-media'), 'fetchMedia'),
      ruleChecks: await task(import('../functions/compliance/rule-checks'), 'ruleChecks'),
      sentimentCheck: await task(import('../functions/compliance/sentiment-check'), 'sentimentCheck'),
      fileContentCheck: await task(import('../functions/compliance/file-content-check'), 'fileContentCheck'),
      record: await task(import('../functions/compliance/record'), 'record'),
      notify: await task(import('../functions/compliance/notify'), 'notify'),
    },
    { concurrency: options.pipelineConcurrency, retryIntervalMs: options.flowRetryMs, onExecution: meter ? (ms) => meter.flow(ms) : undefined },
  );
  inProcessQueues.set('compliance', {
    send: async (bodies) => {
      meter?.count('StepFunctions.StartExecution', bodies.length);
      await compliance.send(bodies);
    },
  });

  // First-contact disclosure: ingest hands new inbound messages over (an asynchronous Lambda
  // invocation on AWS, whose retries this queue stands in for) to the same handler.
  const disclosureHandler =
    config.privacy?.disclosure?.enabled === true
      ? metered('disclosure', (await import('../functions/disclosure/handler')).handler as unknown as Handler<{ messageIds: string[] }, unknown>)
      : undefined;
  const disclosureQueue = new WorkQueue<string>({
    concurrency: 1,
    batchSize: 100,
    maxAttempts: 3,
    process: async (messageIds) => {
      await disclosureHandler!({ messageIds }, lambdaContext('vigia-disclosure'));
      return [];
    },
    onGiveUp: (messageId, error) => console.error(`vigia: disclosure gave up on message ${messageId}: ${(error as Error | undefined)?.message}`),
  });
  if (disclosureHandler) {
    inProcessQueues.set('disclosure', {
      send: async (messageIds) => {
        meter?.count('Lambda.Invoke', Math.ceil(messageIds.length / 100));
        messageIds.forEach((messageId) => disclosureQueue.push(messageId));
      },
    });
  }
  // Employee notice: the acknowledgement route (the sender runs once the stack's URL is known).
  const noticeAck = config.privacy?.employeeNotice !== undefined ? metered('noticeAck', (await import('../functions/notice-ack/handler')).handler as unknown as HttpHandler) : undefined;

  // The manager console's API: one function for every /api/* route (the router verifies the token first).
  // Its overview runs the named queries with DuckDB over a mirror of the local analytics bucket's
  // export (Athena on AWS): ANALYTICS_WORKGROUP names the `local://` source registered here.
  const overviewMirror = mkdtempSync(join(tmpdir(), 'vigia-console-overview-'));
  const { overviewSources } = await import('../functions/console-api/dependencies');
  const { analyticsBucket } = options;
  const analyticsS3 = createS3Client(process.env.VIGIA_S3_ENDPOINT);
  const uninstallOverview = overviewSources.register('local', () => {
    const withEngine = mirroredExportEngine(analyticsS3, analyticsBucket, overviewMirror);
    return new ExportOverviewSource({ store: new S3AnalyticsStore(analyticsS3, analyticsBucket), withEngine });
  });
  Object.assign(process.env, { ANALYTICS_WORKGROUP: 'local://analytics', ANALYTICS_BUCKET: analyticsBucket });
  const consoleApi = metered(
    'consoleApi',
    (await import('../functions/console-api/handler')).handler as unknown as Handler<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>,
  );

  let sequence = 0;
  const ingestQueue = sqsQueue('ingest', ingest, { concurrency: options.ingestConcurrency, batchSize: 10, maxAttempts: 5 });
  const mediaQueue = sqsQueue('media', mediaFetch, { concurrency: options.pipelineConcurrency ?? 2, batchSize: 1, maxAttempts: 3 });
  inProcessQueues.set('media', {
    send: async (bodies) => {
      meter?.count('SQS.SendMessage', bodies.length);
      bodies.forEach((body) => mediaQueue.push({ messageId: `media-${++sequence}`, body } as SQSRecord));
    },
  });

  const size = () => ingestQueue.size + mediaQueue.size + compliance.queue.size + disclosureQueue.size;
  return {
    webhook,
    noticeAck,
    consoleApi,
    redrive,
    mediaSweeper,
    enqueue: (notification) => ingestQueue.push({ messageId: `local-${++sequence}`, body: JSON.stringify(notification) } as SQSRecord),
    ingestSize: () => ingestQueue.size,
    size,
    async drained() {
      // Ingest feeds the media queue and the compliance flow, which feed each other: wait until all are quiet.
      while (size() > 0) {
        await ingestQueue.drained();
        await mediaQueue.drained();
        await compliance.queue.drained();
        await disclosureQueue.drained();
      }
    },
    pause: () => ingestQueue.pause(),
    resume: () => ingestQueue.resume(),
    async close() {
      await ingestQueue.drained();
      await mediaQueue.drained();
      ingestQueue.close();
      await compliance.queue.drained();
      mediaQueue.close();
      compliance.queue.close();
      inProcessQueues.delete('media');
      inProcessQueues.delete('compliance');
      await disclosureQueue.drained();
      disclosureQueue.close();
      inProcessQueues.delete('disclosure');
      uninstallLocalAdapters();
      uninstallOverview();
      analyticsS3.destroy();
      rmSync(overviewMirror, { recursive: true, force: true });
    },
  };
}

/**
 * The employee notice sender (on AWS: after each deploy and daily), imported once the stack's URL
 * is known: the links point at it. Failures are reported, not thrown.
 */
export async function noticeSender(config: VigiaConfig, publicUrl: string, meter?: LocalMeter): Promise<() => Promise<unknown>> {
  process.env.VIGIA_PUBLIC_URL = publicUrl;
  const metered = meteredBy(meter);
  const sender = config.privacy?.employeeNotice !== undefined ? metered('notice', (await import('../functions/notice/handler')).handler as unknown as Handler<unknown, unknown>) : undefined;
  return async () => {
    if (!sender) return { results: [] };
    return sender({}, lambdaContext('vigia-notice')).catch((error: Error) => {
      console.error(`vigia: employee notices failed: ${error.message}`);
      return { error: error.message };
    });
  };
}

/** A local stand-in for an SQS queue feeding a Lambda handler with partial batch responses. */
function sqsQueue(name: string, handler: Handler<SQSEvent, SQSBatchResponse>, options: { concurrency: number; batchSize: number; maxAttempts: number }) {
  return new WorkQueue<SQSRecord>({
    ...options,
    process: async (records) => {
      const response = await handler({ Records: records }, lambdaContext(`vigia-${name}`));
      const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      return records.filter((record) => failed.has(record.messageId));
    },
    onGiveUp: (record) => {
      // Like an SQS DLQ: the work is not lost — raw objects are re-projected at the next start or by
      // `vigia replay`, media is picked up by the sweeper or `vigia media retry`.
      console.error(`vigia: ${name} gave up after ${options.maxAttempts} attempts on ${record.messageId}`);
    },
  });
}
