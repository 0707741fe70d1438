import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EndpointEnv, loadEnv } from '../config/env';
import { observe } from './call-observers';

/**
 * The DynamoDB document client alone: a function that needs no other client imports this module
 * rather than ./clients, so its bundle neither contains nor loads the S3 client at cold start.
 * On AWS the default endpoint; the local stack points it at dynalite through VIGIA_DYNAMODB_ENDPOINT.
 */
export function createDynamoDbClient(endpoint?: string): DynamoDBDocumentClient {
  const client = observe(
    new DynamoDBClient(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    'DynamoDB',
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } });
}

let dynamodb: DynamoDBDocumentClient | undefined;

/** The process-wide DynamoDB document client. */
export function dynamoDbClient(): DynamoDBDocumentClient {
  dynamodb ??= createDynamoDbClient(loadEnv(EndpointEnv).VIGIA_DYNAMODB_ENDPOINT);
  return dynamodb;
}
