import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { EndpointEnv, loadEnv } from '../config/env';

/**
 * SDK clients, created once per process. On AWS they use the default endpoints; the local
 * stack points them at dynalite and s3rver through VIGIA_DYNAMODB_ENDPOINT / VIGIA_S3_ENDPOINT.
 */
/**
 * Observers of every SDK call made by clients created here (the local stack's metering for
 * `npm run bench`). Empty in Lambda: then no middleware is added. `before` may add request
 * options that only change what the response reports (e.g. ReturnConsumedCapacity).
 */
export interface CallObserver {
  before?(service: string, operation: string, input: Record<string, unknown>): void;
  after(service: string, operation: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined, error?: Error): void;
}
export const callObservers: CallObserver[] = [];

function observe<C extends { middlewareStack: { add: (...args: any[]) => void } }>(client: C, service: string): C {
  if (callObservers.length === 0) return client;
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      for (const observer of callObservers) observer.before?.(service, operation, args.input);
      try {
        const result = await next(args);
        for (const observer of callObservers) observer.after(service, operation, args.input, result.output ?? {});
        return result;
      } catch (error) {
        for (const observer of callObservers) observer.after(service, operation, args.input, undefined, error as Error);
        throw error;
      }
    },
    { step: 'initialize', name: 'vigiaCallObserver' },
  );
  return client;
}

export function createS3Client(endpoint?: string): S3Client {
  return observe(new S3Client(
    endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          region: process.env.AWS_REGION ?? 'us-east-1',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          // s3rver does not speak aws-chunked uploads with trailing checksums: send plain bodies.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {},
  ), 'S3');
}

export function createDynamoDbClient(endpoint?: string): DynamoDBDocumentClient {
  const client = observe(
    new DynamoDBClient(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    'DynamoDB',
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } });
}

let s3: S3Client | undefined;
let dynamodb: DynamoDBDocumentClient | undefined;

/** The process-wide S3 client (module scope, reused across invocations). */
export function s3Client(): S3Client {
  s3 ??= createS3Client(loadEnv(EndpointEnv).VIGIA_S3_ENDPOINT);
  return s3;
}

/** The process-wide DynamoDB document client. */
export function dynamoDbClient(): DynamoDBDocumentClient {
  dynamodb ??= createDynamoDbClient(loadEnv(EndpointEnv).VIGIA_DYNAMODB_ENDPOINT);
  return dynamodb;
}
