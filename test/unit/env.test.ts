import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { ArchiveBucketEnv, ArchiveTableEnv, ConfigurationError, EndpointEnv, loadEnv, required, WhatsAppSecretsEnv } from '../../shared/config/env';

// shared/config/env.ts is written with zod/mini (the webhook's cold start, docs/performance.md);
// the functions extend its schemas with classic zod objects. Both must report the same way.
describe('loadEnv', () => {
  it('names every missing or invalid variable in one message', () => {
    const schema = z.object({ ...ArchiveBucketEnv.shape, ...ArchiveTableEnv.shape, QUEUE_URL: required() });
    const load = () => loadEnv(schema, { ARCHIVE_BUCKET: 'ab', QUEUE_URL: '' });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow('Invalid configuration — ARCHIVE_BUCKET: must be at least 3 characters; ARCHIVE_TABLE: must be set; QUEUE_URL: must not be empty');
  });

  it('returns the typed values of a valid environment, optional ones absent', () => {
    const schema = z.object({ ...ArchiveTableEnv.shape, ...EndpointEnv.shape, DISCLOSURE_FUNCTION: z.optional(required()) });
    expect(loadEnv(schema, { ARCHIVE_TABLE: 'vigia-archive', VIGIA_S3_ENDPOINT: 'http://127.0.0.1:4569', OTHER: 'x' })).toEqual({
      ARCHIVE_TABLE: 'vigia-archive',
      VIGIA_S3_ENDPOINT: 'http://127.0.0.1:4569',
    });
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(() => loadEnv(EndpointEnv, { VIGIA_DYNAMODB_ENDPOINT: 'localhost' })).toThrow(/^Invalid configuration — VIGIA_DYNAMODB_ENDPOINT: /);
  });

  it('wants a secret ARN or both local secrets', () => {
    expect(() => loadEnv(WhatsAppSecretsEnv, { WHATSAPP_APP_SECRET: 's' })).toThrow(
      'Invalid configuration — WHATSAPP_SECRET_ARN: set WHATSAPP_SECRET_ARN, or both WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN',
    );
    expect(loadEnv(WhatsAppSecretsEnv, { WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v' })).toEqual({ WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v' });
  });
});
