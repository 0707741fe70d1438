/**
 * AWS default quotas the pipeline spends per message, used by the capacity model (bench/scale.ts):
 * each a named constant with its default value, unit, whether AWS raises it on request, the raised
 * value Vigia's capacity plan assumes (docs/scale.md asks for exactly these), and where the
 * default is documented. Region: us-east-1 (N. Virginia), as bench/prices.ts; values read in
 * November 2026, the Step Functions, KMS and SNS ones checked against their pages on 2026-12-03.
 * Where a value could not be confirmed against the page, the constant says so (`confirmed: false`)
 * and docs/scale.md repeats it: check the Service Quotas console of the account (it shows the
 * account's applied value) before relying on it.
 *
 * A raised value is what a deployment of 20,000 messages a second would ask for (docs/scale.md);
 * AWS decides each request case by case, and a quota it does not raise (`raisable: false`) keeps
 * its default in the model's "raised" scenario.
 */
export const QUOTAS_REGION = 'us-east-1';
export const QUOTAS_AS_OF = '2026-11';

export interface Quota {
  /** Human-readable name, as the report and `firstQuota` give it. */
  title: string;
  /** The default value, in `unit`. */
  value: number;
  unit: string;
  /** What the quota applies to: one account and region, one function, one partition, one table or index, one S3 prefix. */
  scope: 'account-region' | 'function' | 'partition' | 'table' | 'prefix' | 'queue';
  /** AWS raises it on request (Service Quotas console or a support case). */
  raisable: boolean;
  /** The value the capacity plan asks for (docs/scale.md); the default when not raisable. */
  raisedValue: number;
  /** The AWS documentation page (title and address) that gives the default. */
  source: string;
  /** False when the default could not be confirmed against that page: see the note. */
  confirmed: boolean;
  note?: string;
}

/** API Gateway HTTP APIs: requests per second per account and region, across all HTTP APIs (burst 5,000). */
export const API_GATEWAY_HTTP_REQUESTS: Quota = {
  title: 'API Gateway HTTP API requests per second (account, region)',
  value: 10_000,
  unit: 'requests/s',
  scope: 'account-region',
  raisable: true,
  raisedValue: 30_000,
  source: 'Quotas for configuring and running an HTTP API in API Gateway — https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
  confirmed: true,
  note: 'Shared by every HTTP API of the account in the region; the burst is 5,000 requests.',
};

/** Lambda: concurrent executions per account and region, shared by every function. */
export const LAMBDA_CONCURRENT_EXECUTIONS: Quota = {
  title: 'Lambda concurrent executions (account, region)',
  value: 1_000,
  unit: 'concurrent executions',
  scope: 'account-region',
  raisable: true,
  raisedValue: 20_000,
  source: 'Lambda quotas — https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  confirmed: true,
  note: 'New accounts may start lower; AWS raises it to tens of thousands on request.',
};

/**
 * Lambda scaling rate: each function adds at most 1,000 concurrent executions every 10 seconds.
 * A ramp, not a ceiling: it delays reaching a rate (a burst from 0 to 5,000 msg/s takes tens of
 * seconds to absorb; the queues hold the messages meanwhile), so the model reports it but does
 * not count it as a rate at which the pipeline stops.
 */
export const LAMBDA_SCALING_RATE: Quota = {
  title: 'Lambda scaling rate (per function)',
  value: 1_000,
  unit: 'concurrent executions added per 10 s',
  scope: 'function',
  raisable: false,
  raisedValue: 1_000,
  source: 'Lambda scaling behavior — https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html',
  confirmed: true,
};

/**
 * SQS standard queues: "nearly unlimited" API requests per second per action. The limits that do
 * apply are 120,000 in-flight messages per queue and 10 messages per batch (SendMessageBatch,
 * ReceiveMessage, DeleteMessageBatch).
 */
export const SQS_STANDARD_REQUESTS: Quota = {
  title: 'SQS standard queue API requests per second',
  value: Number.POSITIVE_INFINITY,
  unit: 'requests/s',
  scope: 'queue',
  raisable: false,
  raisedValue: Number.POSITIVE_INFINITY,
  source: 'Amazon SQS message quotas — https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html',
  confirmed: true,
  note: 'Nearly unlimited transactions per second; 120,000 in-flight messages per standard queue; at most 10 messages per batch.',
};

/** SQS standard queue: messages received but not yet deleted (in flight). */
export const SQS_IN_FLIGHT_MESSAGES = 120_000;

/**
 * Step Functions Express workflows: StartExecution, token bucket per account and region. The
 * compliance flow is started once per message (StartExecution from ingest and media fetch).
 */
export const SFN_EXPRESS_START_EXECUTION: Quota = {
  title: 'Step Functions Express StartExecution per second (account, region)',
  value: 6_000,
  unit: 'executions started/s (refill rate; bucket 6,000)',
  scope: 'account-region',
  raisable: true,
  raisedValue: 30_000,
  source: 'Step Functions service quotas: Quotas related to API action throttling — https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  confirmed: true,
  note: 'Express StartExecution: bucket size 6,000, refill rate 6,000 per second, in every region (Standard workflows: 1,300/300 in us-east-1, us-west-2 and eu-west-1, 800/150 elsewhere). A soft quota: "can be increased" (Service Quotas console or a support case). Express workflows have no state-transition quota (Unlimited).',
};

/**
 * KMS: cryptographic operations (symmetric) request rate, shared by every call with a symmetric
 * KMS key in the account and region (Decrypt, Encrypt, GenerateDataKey…), whoever makes it —
 * S3, SNS, SQS, DynamoDB, Step Functions and Lambda calling on Vigia's behalf, and every other
 * application of the account.
 */
export const KMS_SYMMETRIC_REQUESTS: Quota = {
  title: 'KMS cryptographic operations (symmetric) per second (account, region)',
  value: 100_000,
  unit: 'requests/s',
  scope: 'account-region',
  raisable: true,
  raisedValue: 150_000,
  source: 'AWS KMS Request quotas: Cryptographic operations (symmetric) request rate — https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html',
  confirmed: true,
  note: 'Region-dependent, shared by Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateMac, GenerateRandom, ReEncrypt and VerifyMac: 100,000/s in us-east-1, us-west-2 and eu-west-1; 20,000/s in us-east-2, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1 and eu-west-2; 10,000/s in every other region (sa-east-1 among them). Adjustable: "All AWS KMS request quotas are adjustable" except the CloudHSM key store quota. The model uses us-east-1; docs/scale.md gives the 10,000/s case too.',
};

/** KMS default in most other regions (sa-east-1, São Paulo, among them): for docs/scale.md. */
export const KMS_SYMMETRIC_REQUESTS_OTHER_REGIONS = 10_000;

/** DynamoDB: write throughput of one partition (of the table or of an index). AWS never raises it. */
export const DYNAMODB_PARTITION_WRITE: Quota = {
  title: 'DynamoDB write units per second per partition',
  value: 1_000,
  unit: 'WCU/s',
  scope: 'partition',
  raisable: false,
  raisedValue: 1_000,
  source: 'Amazon DynamoDB: Best practices for designing and using partition keys effectively — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
  confirmed: true,
  note: 'A global secondary index partition has the same limit, and a throttled index write throttles the table write.',
};

/** DynamoDB: read throughput of one partition (strongly consistent units; eventually consistent reads cost half). */
export const DYNAMODB_PARTITION_READ: Quota = {
  title: 'DynamoDB read units per second per partition',
  value: 3_000,
  unit: 'RCU/s',
  scope: 'partition',
  raisable: false,
  raisedValue: 3_000,
  source: 'Amazon DynamoDB: Best practices for designing and using partition keys effectively — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
  confirmed: true,
};

/** DynamoDB on-demand: write request units per second per table (each global secondary index has its own). */
export const DYNAMODB_TABLE_WRITE: Quota = {
  title: 'DynamoDB on-demand write request units per second per table or index',
  value: 40_000,
  unit: 'WRU/s',
  scope: 'table',
  raisable: true,
  raisedValue: 200_000,
  source: 'Quotas in Amazon DynamoDB: Read/write throughput — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html',
  confirmed: true,
  note: 'On-demand throughput per table (default 40,000 read and 40,000 write request units); provisioned tables have account-level quotas (80,000 RCU and WCU) instead. The model applies it to the table and to each index.',
};

export const DYNAMODB_TABLE_READ: Quota = {
  ...DYNAMODB_TABLE_WRITE,
  title: 'DynamoDB on-demand read request units per second per table or index',
  unit: 'RRU/s',
  raisedValue: 200_000,
};

/** SNS standard topics: Publish (and PublishBatch) requests per second per account and region. */
export const SNS_PUBLISH: Quota = {
  title: 'SNS Publish per second (account, region)',
  value: 30_000,
  unit: 'messages/s',
  scope: 'account-region',
  raisable: true,
  raisedValue: 30_000,
  source: 'Amazon Simple Notification Service endpoints and quotas: Amazon SNS API throttling (Soft) — https://docs.aws.amazon.com/general/latest/gr/sns.html',
  confirmed: true,
  note: 'Messages published per second per account and region, Publish and PublishBatch combined (a batch of 10 counts 10), standard and FIFO topics alike. Standard topics: 30,000/s in us-east-1; 9,000/s in us-west-2 and eu-west-1; 1,500/s in us-east-2, us-west-1, ap-south-1, ap-northeast-2, ap-southeast-1, ap-southeast-2, ap-northeast-1 and eu-central-1; 300/s in all other regions (sa-east-1 among them). A soft quota: AWS raises it on request (SNS quota increase in Service Quotas).',
};

/** Comprehend DetectSentiment (synchronous, one document): requests per second per account and region. */
export const COMPREHEND_DETECT_SENTIMENT: Quota = {
  title: 'Comprehend DetectSentiment per second (account, region)',
  value: 20,
  unit: 'requests/s',
  scope: 'account-region',
  raisable: true,
  raisedValue: 1_000,
  source: 'Amazon Comprehend endpoints and quotas — https://docs.aws.amazon.com/general/latest/gr/comprehend.html (throttling quotas; Amazon Comprehend Guidelines and quotas — https://docs.aws.amazon.com/comprehend/latest/dg/guidelines-and-limits.html — points there)',
  confirmed: false,
  note: 'Not confirmed (checked 2026-12-03): the Comprehend guide no longer lists request rates and sends to the General Reference page, whose quota table could not be read. The 20/s is the guide\'s earlier wording ("if you plan to send more than 20 requests per second, consider the batch operations"; DetectDominantLanguage "up to 20 documents per second"), not a stated DetectSentiment default; the guide says its quotas are per region and adjustable ones can be raised in the Service Quotas console, where the account\'s value is. With `sentiment.analyzer: offline` Vigia makes no Comprehend call.',
};

/** S3: PUT/COPY/POST/DELETE requests per second per partitioned prefix. */
export const S3_PREFIX_PUT: Quota = {
  title: 'S3 PUT/COPY/POST/DELETE per second per prefix',
  value: 3_500,
  unit: 'requests/s',
  scope: 'prefix',
  raisable: false,
  raisedValue: 3_500,
  source: 'Best practices design patterns: optimizing Amazon S3 performance — https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html',
  confirmed: true,
  note: 'Per partitioned prefix. Not a quota AWS raises: S3 splits a busy prefix into more partitions by itself (gradually, answering 503 Slow Down meanwhile), which keys with a high-entropy part after the prefix (hashes) allow. Keys whose new day sorts after all of yesterday\'s send every midnight\'s writes to one tail partition again, so raw webhooks are keyed `raw/h=<first hex digit of the sha256>/dt=<day>/…` (shared/capture/raw-key.ts) and the model applies the quota to each of those 16 prefixes: 16 × 3,500 PUT/s for the raw area.',
};

export const S3_PREFIX_GET: Quota = {
  ...S3_PREFIX_PUT,
  title: 'S3 GET/HEAD per second per prefix',
  value: 5_500,
  raisedValue: 5_500,
};

/**
 * Not an AWS quota: the WhatsApp Cloud API's throughput per business phone number (80 messages a
 * second by default, up to 1,000 after Meta upgrades the number). It bounds what one line — one
 * entity key of the model, `LINE#<id>` — can write.
 */
export const WHATSAPP_NUMBER_MESSAGES_PER_SEC = 80;
export const WHATSAPP_NUMBER_MESSAGES_PER_SEC_UPGRADED = 1_000;
export const WHATSAPP_THROUGHPUT_SOURCE = 'WhatsApp Cloud API: Throughput — https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput';

/** Every quota the capacity model checks, by key (the key names it in `scale.quotas`). */
export const QUOTAS = {
  apiGatewayRequests: API_GATEWAY_HTTP_REQUESTS,
  lambdaConcurrency: LAMBDA_CONCURRENT_EXECUTIONS,
  sqsRequests: SQS_STANDARD_REQUESTS,
  stepFunctionsStarts: SFN_EXPRESS_START_EXECUTION,
  kmsRequests: KMS_SYMMETRIC_REQUESTS,
  dynamodbPartitionWrite: DYNAMODB_PARTITION_WRITE,
  dynamodbPartitionRead: DYNAMODB_PARTITION_READ,
  dynamodbTableWrite: DYNAMODB_TABLE_WRITE,
  dynamodbTableRead: DYNAMODB_TABLE_READ,
  snsPublish: SNS_PUBLISH,
  comprehendSentiment: COMPREHEND_DETECT_SENTIMENT,
  s3PrefixPut: S3_PREFIX_PUT,
  s3PrefixGet: S3_PREFIX_GET,
} as const satisfies Record<string, Quota>;

export type QuotaKey = keyof typeof QUOTAS;

/** The message rate the capacity model is judged at (issue 19). */
export const TARGET_MESSAGES_PER_SEC = 5000;
