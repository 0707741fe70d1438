import { generatedKeySource } from '../platform/generated-key';

/**
 * The HMAC key of the acknowledgement links: the `vigia/<stage>/notice-signing` secret
 * (NOTICE_SECRET_ARN) on AWS, VIGIA_NOTICE_SIGNING_KEY locally. Changing it invalidates every link sent.
 */
export function noticeSigningKeySource(env: Record<string, string | undefined> = process.env): () => Promise<string> {
  return generatedKeySource({ arnVariable: 'NOTICE_SECRET_ARN', localVariable: 'VIGIA_NOTICE_SIGNING_KEY', field: 'signingKey' }, env);
}
