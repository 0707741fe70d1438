import { DynamoDbAlertRepository } from '../shared/compliance/adapters/dynamodb-alert-repository';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient, createS3Client } from '../shared/platform/clients';
import { ARCHIVE_TABLE, includedAttributes } from '../shared/resources/definitions';
import { signBody } from '../shared/capture/whatsapp/signature';
import { COMPLIANCE_FUNCTIONS, INGEST_FUNCTION, MEDIA_FETCH_FUNCTION, MEDIA_SWEEPER_FUNCTION, REDRIVE_FUNCTION, WEBHOOK_FUNCTION } from '../infra/config';
import { DISCLOSURE_FUNCTION } from '../infra/constructs/contact-disclosure';
import { NOTICE_ACK_FUNCTION, NOTICE_FUNCTION } from '../infra/constructs/employee-notice';
import * as price from './prices';
import { startStackHost, trafficBodies, type StackUsage } from './ingest';
import { runLoad } from './load';

/**
 * AWS cost per million WhatsApp messages, priced from what a metered local run really did.
 *
 * The simulator's traffic (customer messages, employees' app echoes, statuses, media, history,
 * policy hits) is posted to a local stack whose SDK clients are metered (local/metering.ts):
 * every S3, DynamoDB and SQS request, DynamoDB capacity units (item sizes from dynalite, index
 * writes added), each Lambda handler's invocations and durations, Express executions and their
 * durations; sentiment runs in the config's mode against a stand-in Comprehend that counts billed
 * units (bench/fake-comprehend.ts). The counts, divided by the messages the traffic carried, are
 * priced with bench/prices.ts.
 *
 * Lambda duration: a handler's local duration (each handler running alone, see meteredRun)
 * scaled by 1,769 MB / the function's memory — Lambda gives one full vCPU at 1,769 MB and
 * a proportional share below — a deliberately pessimistic estimate: waits on I/O do not slow down
 * with less CPU. Not counted: storage (GB-months, grows with retention), CloudWatch Logs and
 * metrics, KMS requests (S3 Bucket Keys and DynamoDB's key caching make them rare), the media
 * files' bytes, alert deliveries (e-mail/SMS are reported per alert apart: they depend on the
 * managers subscribed, not on the message volume), and fixed monthly costs.
 */
export interface CostOptions {
  /** Webhooks posted (the simulator's mix). @default 600 */
  webhooks?: number;
  onProgress?(message: string): void;
}

export interface CostFigure {
  /** WhatsApp messages (customer, API, app echoes, history) the run carried. */
  messages: number;
  usdPerMillion: number;
  /** 3,000 messages: an employee's month. */
  usdPerEmployeeMonth: number;
  /** US$ per million messages, per line item. */
  breakdown: Record<string, number>;
  /** Billed quantities per message, to check the model. */
  perMessage: Record<string, number>;
  /**
   * Each metered function's share of the Lambda line: invocations and GB-seconds per message, and
   * US$ per million messages (requests and duration). What the disclosure function adds is here.
   */
  lambdaPerFunction: Record<string, { invocations: number; gbSeconds: number; usdPerMillion: number }>;
  /** Alerts the run raised per million messages. */
  alertsPerMillion: number;
  /**
   * SNS publishes per million messages: one per alert and matching subscription (priced above; the
   * e-mail/SMS deliveries themselves are not).
   */
  snsPublishesPerMillion: number;
}

export const MESSAGES_PER_EMPLOYEE_MONTH = 3000;

/** The memory each metered handler has on AWS (infra/config.ts, infra/constructs/). */
export const FUNCTION_MEMORY_MB: Record<string, number> = {
  webhook: WEBHOOK_FUNCTION.memorySize,
  ingest: INGEST_FUNCTION.memorySize,
  mediaFetch: MEDIA_FETCH_FUNCTION.memorySize,
  mediaSweeper: MEDIA_SWEEPER_FUNCTION.memorySize,
  redrive: REDRIVE_FUNCTION.memorySize,
  compliancePrepare: COMPLIANCE_FUNCTIONS.prepare.memorySize,
  complianceFetchMedia: COMPLIANCE_FUNCTIONS.fetchMedia.memorySize,
  complianceRules: COMPLIANCE_FUNCTIONS.ruleChecks.memorySize,
  complianceSentiment: COMPLIANCE_FUNCTIONS.sentimentCheck.memorySize,
  complianceFileContent: COMPLIANCE_FUNCTIONS.fileContentCheck.memorySize,
  complianceRecord: COMPLIANCE_FUNCTIONS.record.memorySize,
  complianceNotify: COMPLIANCE_FUNCTIONS.notify.memorySize,
  // Privacy (the config's `privacy` section): the disclosure function runs for new inbound
  // messages; the notice functions run per line and policy version, not per message (the local
  // stack sends the notices at start, before the measured traffic).
  disclosure: DISCLOSURE_FUNCTION.memorySize,
  notice: NOTICE_FUNCTION.memorySize,
  noticeAck: NOTICE_ACK_FUNCTION.memorySize,
};
/**
 * Functions another one invokes asynchronously (`InvocationType: Event`), with the metered request
 * that stands for each invocation on AWS. Ingest invokes the disclosure function once per batch
 * with new inbound messages (per 100 ids); the local stack's in-process queue may run the ids of
 * several such calls in one handler call, so the calls are what AWS would bill, and the handler's
 * total duration (the same work) is kept.
 */
export const ASYNC_INVOCATIONS: Record<string, string> = { disclosure: 'Lambda.Invoke' };
/** Lambda allocates one full vCPU at 1,769 MB. */
export const FULL_VCPU_MB = 1769;
/** SQS-fed functions: one ReceiveMessage and one DeleteMessageBatch per invocation (the event source mapping). */
export const SQS_FED_FUNCTIONS = ['ingest', 'mediaFetch'];
export const S3_PUT_CLASS = /^S3\.(Put|Copy|Post|List|CreateMultipartUpload|UploadPart|CompleteMultipartUpload)/;

/** What one metered run of the simulator's traffic counted (bench/cost.ts prices it, bench/scale.ts models its quotas). */
export interface MeteredRun {
  /** WhatsApp messages the traffic carried (`messagesIn`). */
  messages: number;
  /** Webhook bodies posted. */
  webhooks: number;
  usage: StackUsage;
  alerts: number;
  /** SNS publishes: one per alert and subscription delivered to. */
  publishes: number;
  /** What the run left stored (the stack's start-up adds a few items, e.g. the lines' notices). */
  storage: StoredFootprint;
}

/** Items and bytes at rest after a run, as DynamoDB and S3 bill storage. */
export interface StoredFootprint {
  items: number;
  /** DynamoDB's item size (attribute names and values) plus its 100-byte per-item overhead. */
  tableBytes: number;
  /** The same for the index entries (keys, projected attributes, 100 bytes overhead each). */
  indexBytes: number;
  objects: number;
  /** S3 object bytes (raw bodies, media, evidence). */
  objectBytes: number;
}

/**
 * Posts the simulator's traffic to a metered local stack and returns what it counted, from the
 * first webhook to the last check (the stack's start-up is left out).
 */
export async function meteredRun(options: CostOptions = {}): Promise<MeteredRun> {
  const webhooks = options.webhooks ?? 600;
  const progress = options.onProgress ?? (() => {});
  const bodies = trafficBodies(webhooks, 7);
  const messages = bodies.reduce((sum, body) => sum + messagesIn(body), 0);

  progress('metered run: starting a metered local stack');
  const host = await startStackHost({ meter: true });
  try {
    const before = await host.usage();
    progress(`metered run: posting ${bodies.length} webhooks (${messages} messages) one at a time, then ingesting them`);
    // Webhooks one at a time with the pipeline held, then the pipeline with one worker per stage:
    // every handler runs alone, so its duration is its own work plus the emulators' answers, not
    // time spent waiting for the others on this machine's two cores (which would be billed as
    // Lambda duration). Ingest still gets batches of up to 10, as from SQS.
    await host.pipeline('paused');
    const load = await runLoad({ url: `${host.info.url}/webhook`, bodies, signature: (body) => signBody(body, host.appSecret), concurrency: 1 });
    const refused = bodies.length - (load.statuses[200] ?? 0);
    if (refused > 0) throw new Error(`cost benchmark: ${refused} of ${bodies.length} webhooks were not acknowledged (${JSON.stringify(load.statuses)})`);
    await host.pipeline('running');
    await host.drained();
    const usage = difference(await host.usage(), before);
    const { alerts, publishes } = await countAlerts(host.info.dynamodbEndpoint, host.info.table);
    const storage = await storedFootprint(host.info.dynamodbEndpoint, host.info.table, host.info.s3Endpoint, host.info.bucket);
    return { messages, webhooks: bodies.length, usage, alerts, publishes, storage };
  } finally {
    await host.stop();
  }
}

/**
 * A function's duration on AWS from its local duration: scaled by 1,769 MB / its memory (Lambda
 * gives one full vCPU at 1,769 MB and a proportional share below), as the cost is priced.
 */
export function awsSeconds(functionName: string, localMs: number): number {
  const memoryMb = FUNCTION_MEMORY_MB[functionName];
  if (memoryMb === undefined) throw new Error(`cost benchmark: no memory size known for the function "${functionName}" (add it to FUNCTION_MEMORY_MB)`);
  return (localMs / 1000) * Math.max(1, FULL_VCPU_MB / memoryMb);
}

/** Prices a metered run: what AWS would bill for `usage`, per million of the `messages` it carried. */
export function priceUsage(usage: StackUsage, messages: number, alerts: number, snsPublishes = alerts): CostFigure {
  if (messages <= 0) throw new Error('cost benchmark: the traffic carried no messages');
  const perMessage = (n: number) => n / messages;
  const requests = (name: string) => usage.requests[name] ?? 0;
  const count = (pattern: RegExp) => Object.entries(usage.requests).reduce((sum, [name, n]) => sum + (pattern.test(name) ? n : 0), 0);

  const lambdaPerFunction: CostFigure['lambdaPerFunction'] = {};
  let lambdaGbSeconds = 0;
  let lambdaRequests = 0;
  for (const [name, { count: handlerCalls, ms }] of Object.entries(usage.invocations)) {
    const invocations = (ASYNC_INVOCATIONS[name] ? requests(ASYNC_INVOCATIONS[name]) : 0) || handlerCalls;
    lambdaRequests += invocations;
    const memoryMb = FUNCTION_MEMORY_MB[name];
    if (memoryMb === undefined) throw new Error(`cost benchmark: no memory size known for the function "${name}" (add it to FUNCTION_MEMORY_MB)`);
    const awsSeconds = (ms / 1000) * Math.max(1, FULL_VCPU_MB / memoryMb);
    const gbSeconds = awsSeconds * (memoryMb / 1024);
    lambdaGbSeconds += gbSeconds;
    lambdaPerFunction[name] = {
      invocations: perMessage(invocations),
      gbSeconds: perMessage(gbSeconds),
      usdPerMillion: perMessage(invocations) * price.LAMBDA_REQUEST_PER_MILLION + perMessage(gbSeconds) * 1_000_000 * price.LAMBDA_ARM_PER_GB_SECOND,
    };
  }
  // PUT, COPY, POST, LIST and multipart requests are billed as PUTs; GET, HEAD and the rest as GETs.
  const s3Puts = count(S3_PUT_CLASS);
  const s3Gets = count(/^S3\./) - s3Puts;
  const sqsRequests =
    count(/^SQS\./) + 2 * SQS_FED_FUNCTIONS.reduce((sum, name) => sum + (usage.invocations[name]?.count ?? 0), 0);

  const quantities: Record<string, number> = {
    apiGatewayRequests: perMessage(requests('ApiGateway.Request')),
    lambdaRequests: perMessage(lambdaRequests),
    lambdaGbSeconds: perMessage(lambdaGbSeconds),
    dynamodbWriteUnits: perMessage(usage.writeUnits),
    dynamodbReadUnits: perMessage(usage.readUnits),
    s3PutRequests: perMessage(s3Puts),
    s3GetRequests: perMessage(s3Gets),
    sqsRequests: perMessage(sqsRequests),
    stepFunctionsExecutions: perMessage(usage.flowExecutions),
    stepFunctionsGbSeconds: perMessage((usage.flowBilledMs / 1000) * price.SFN_EXPRESS_MEMORY_GB),
    comprehendRequests: perMessage(usage.comprehend.requests),
    comprehendUnits: perMessage(usage.comprehend.units),
    snsPublishes: perMessage(snsPublishes),
  };
  const million = 1_000_000;
  const breakdown: Record<string, number> = {
    apiGateway: quantities.apiGatewayRequests * price.API_GATEWAY_HTTP_PER_MILLION,
    lambda: quantities.lambdaRequests * price.LAMBDA_REQUEST_PER_MILLION + quantities.lambdaGbSeconds * million * price.LAMBDA_ARM_PER_GB_SECOND,
    dynamodb: quantities.dynamodbWriteUnits * price.DYNAMODB_WRITE_PER_MILLION + quantities.dynamodbReadUnits * price.DYNAMODB_READ_PER_MILLION,
    s3: quantities.s3PutRequests * price.S3_PUT_PER_THOUSAND * 1000 + quantities.s3GetRequests * price.S3_GET_PER_THOUSAND * 1000,
    sqs: quantities.sqsRequests * price.SQS_PER_MILLION,
    stepFunctions: quantities.stepFunctionsExecutions * price.SFN_EXPRESS_PER_MILLION + quantities.stepFunctionsGbSeconds * million * price.SFN_EXPRESS_PER_GB_SECOND,
    comprehend: quantities.comprehendUnits * million * price.COMPREHEND_PER_UNIT,
    sns: quantities.snsPublishes * price.SNS_PUBLISH_PER_MILLION,
  };
  for (const key of Object.keys(breakdown)) breakdown[key] = round(breakdown[key], 4);
  const usdPerMillion = round(Object.values(breakdown).reduce((sum, usd) => sum + usd, 0), 2);
  return {
    messages,
    usdPerMillion,
    usdPerEmployeeMonth: round((usdPerMillion * MESSAGES_PER_EMPLOYEE_MONTH) / million, 4),
    breakdown,
    perMessage: Object.fromEntries(Object.entries(quantities).map(([key, value]) => [key, round(value, 6)])),
    lambdaPerFunction: Object.fromEntries(
      Object.entries(lambdaPerFunction).map(([name, figure]) => [name, { invocations: round(figure.invocations, 6), gbSeconds: round(figure.gbSeconds, 6), usdPerMillion: round(figure.usdPerMillion, 4) }]),
    ),
    alertsPerMillion: Math.round(perMessage(alerts) * million),
    snsPublishesPerMillion: Math.round(quantities.snsPublishes * million),
  };
}

/** WhatsApp messages in a webhook body: customer/API messages, app echoes and history messages. */
export function messagesIn(body: string): number {
  const envelope = JSON.parse(body) as { entry?: { changes?: { value?: Record<string, unknown> }[] }[] };
  let total = 0;
  for (const entry of envelope.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const value = change.value ?? {};
      total += arrayLength(value.messages) + arrayLength(value.message_echoes);
      for (const chunk of asArray(value.history)) {
        for (const thread of asArray((chunk as { threads?: unknown }).threads)) total += arrayLength((thread as { messages?: unknown }).messages);
      }
    }
  }
  return total;
}

/** The alerts of the run, and the SNS publishes they took (one per alert and subscription delivered to). */
async function countAlerts(endpoint: string, table: string): Promise<{ alerts: number; publishes: number }> {
  const db = createDynamoDbClient(endpoint);
  try {
    const repository = new DynamoDbAlertRepository(db, table);
    let alerts = 0;
    let publishes = 0;
    for (const status of ['open', 'acknowledged', 'resolved'] as const) {
      for (const alert of await repository.listByStatus(status)) {
        alerts += 1;
        publishes += alert.deliveredTo?.length ?? 0;
      }
    }
    return { alerts, publishes };
  } finally {
    db.destroy();
  }
}

const minus = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a).map(([key, n]) => [key, n - (b[key] ?? 0)]));
const dropZeros = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 1e-9));
const nestedMinus = (a: Record<string, Record<string, number>>, b: Record<string, Record<string, number>>) =>
  Object.fromEntries(Object.entries(a).map(([index, partitions]) => [index, dropZeros(minus(partitions, b[index] ?? {}))]));

/** Scans the table and lists the bucket of a finished run (outside the meter: the runner's clients are not metered). */
async function storedFootprint(dynamodbEndpoint: string, table: string, s3Endpoint: string, bucket: string): Promise<StoredFootprint> {
  const db = createDynamoDbClient(dynamodbEndpoint);
  const s3 = createS3Client(s3Endpoint);
  try {
    const footprint: StoredFootprint = { items: 0, tableBytes: 0, indexBytes: 0, objects: 0, objectBytes: 0 };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        footprint.items += 1;
        footprint.tableBytes += attributesBytes(item) + ITEM_OVERHEAD_BYTES;
        for (const index of ARCHIVE_TABLE.globalSecondaryIndexes) {
          if (!(index.partitionKey.name in item)) continue;
          const names = index.projection === 'ALL' ? Object.keys(item) : [ARCHIVE_TABLE.partitionKey.name, ARCHIVE_TABLE.sortKey.name, index.partitionKey.name, index.sortKey.name, ...includedAttributes(index)];
          footprint.indexBytes += attributesBytes(Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]))) + ITEM_OVERHEAD_BYTES;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        footprint.objects += 1;
        footprint.objectBytes += object.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return footprint;
  } finally {
    db.destroy();
    s3.destroy();
  }
}

/** DynamoDB's per-item storage overhead (billed with the item, and with each index entry). */
const ITEM_OVERHEAD_BYTES = 100;

/** An item's size as DynamoDB counts it: its attributes' names and values. */
export const attributesBytes = (item: Record<string, unknown>) => Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + itemBytes(value), 0);

/** An attribute value's size as DynamoDB counts it: attribute names plus values (UTF-8 strings, numbers about one byte per two digits, 3 bytes per map or list plus 1 per element). */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + itemBytes(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + itemBytes(element), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + itemBytes(element), 0);
  return 0;
}

function difference(after: StackUsage, before: StackUsage): StackUsage {
  return {
    requests: minus(after.requests, before.requests),
    invocations: Object.fromEntries(
      Object.entries(after.invocations).map(([name, value]) => [name, { count: value.count - (before.invocations[name]?.count ?? 0), ms: value.ms - (before.invocations[name]?.ms ?? 0) }]),
    ),
    writeUnits: after.writeUnits - before.writeUnits,
    readUnits: after.readUnits - before.readUnits,
    flowExecutions: after.flowExecutions - before.flowExecutions,
    flowBilledMs: after.flowBilledMs - before.flowBilledMs,
    partitionWrites: nestedMinus(after.partitionWrites ?? {}, before.partitionWrites ?? {}),
    partitionReads: nestedMinus(after.partitionReads ?? {}, before.partitionReads ?? {}),
    s3Prefixes: dropZeros(minus(after.s3Prefixes ?? {}, before.s3Prefixes ?? {})),
    comprehend: {
      requests: after.comprehend.requests - before.comprehend.requests,
      units: after.comprehend.units - before.comprehend.units,
      characters: after.comprehend.characters - before.comprehend.characters,
    },
  };
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const arrayLength = (value: unknown) => asArray(value).length;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
