/**
 * SDK clients, created once per process. On AWS they use the default endpoints; the local
 * stack points them at dynalite and s3rver through VIGIA_DYNAMODB_ENDPOINT / VIGIA_S3_ENDPOINT.
 *
 * Each client has its own module (./s3-client, ./dynamodb-client): a function that uses one client
 * imports that module, so it does not load the other at cold start (issue 19). This module
 * gathers them for the code that uses both (the CLI, the local stack, the tests).
 */
export { type CallObserver, callObservers } from './call-observers';
export { createDynamoDbClient, dynamoDbClient } from './dynamodb-client';
export { createS3Client, s3Client } from './s3-client';
