import { S3Client } from '@aws-sdk/client-s3';
import { EndpointEnv, loadEnv } from '../config/env';
import { observe } from './call-observers';

/**
 * The S3 client alone: a function that needs no other client imports this module rather than
 * ./clients, so its bundle neither contains nor loads the DynamoDB client at cold start.
 * On AWS the default endpoint; the local stack points it at s3rver through VIGIA_S3_ENDPOINT.
 */
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

let s3: S3Client | undefined;

/** The process-wide S3 client (module scope, reused across invocations). */
export function s3Client(): S3Client {
  s3 ??= createS3Client(loadEnv(EndpointEnv).VIGIA_S3_ENDPOINT);
  return s3;
}
