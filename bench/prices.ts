/**
 * AWS list prices used by the cost benchmark (bench/cost.ts): on-demand, region us-east-1
 * (N. Virginia), as published on the services' pricing pages in November 2026, without free tier,
 * volume tiers or savings plans. Update them here, in one place; `docs/performance.md` states
 * the date they were read.
 */
export const PRICES_REGION = 'us-east-1';
export const PRICES_AS_OF = '2026-11';

/** API Gateway HTTP API: per million requests (first 300 million a month). */
export const API_GATEWAY_HTTP_PER_MILLION = 1.0;

/** Lambda: per million requests, and per GB-second on arm64 (Graviton, first 7.5 billion GB-s). */
export const LAMBDA_REQUEST_PER_MILLION = 0.2;
export const LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;

/** DynamoDB on-demand (Standard table class): per million write / read request units. */
export const DYNAMODB_WRITE_PER_MILLION = 0.625;
export const DYNAMODB_READ_PER_MILLION = 0.125;

/** S3 Standard: per 1,000 PUT/COPY/POST/LIST requests and per 1,000 GET/HEAD/other requests. */
export const S3_PUT_PER_THOUSAND = 0.005;
export const S3_GET_PER_THOUSAND = 0.0004;

/** SQS standard queues: per million requests (each up to 64 KB). */
export const SQS_PER_MILLION = 0.4;

/**
 * Step Functions Express workflows: per million executions, and per GB-second of execution
 * duration (first 1,000 hours a month), billed in 100 ms increments with 64 MB memory.
 */
export const SFN_EXPRESS_PER_MILLION = 1.0;
export const SFN_EXPRESS_PER_GB_SECOND = 0.00001667;
export const SFN_EXPRESS_MEMORY_GB = 64 / 1024;
export const SFN_EXPRESS_BILLING_INCREMENT_MS = 100;

/** Comprehend DetectSentiment: per unit of 100 characters, at least 3 units per request. */
export const COMPREHEND_PER_UNIT = 0.0001;
export const COMPREHEND_UNIT_CHARS = 100;
export const COMPREHEND_MIN_UNITS = 3;

/** SNS standard topics: per million publishes (deliveries are priced apart, below). */
export const SNS_PUBLISH_PER_MILLION = 0.5;
/** SNS deliveries: e-mail per 100,000; SMS to Brazil per message (varies by country and carrier). */
export const SNS_EMAIL_PER_HUNDRED_THOUSAND = 2.0;
export const SNS_SMS_BRAZIL_EACH = 0.02;

/** Secrets Manager: per 10,000 API calls (the webhook caches the secret for 5 minutes). */
export const SECRETS_MANAGER_PER_TEN_THOUSAND = 0.05;
