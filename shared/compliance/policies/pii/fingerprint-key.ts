import { generatedKeySource } from '../../../platform/generated-key';

/**
 * The HMAC key of personal-data fingerprints: the flow's generated secret (PII_SECRET_ARN) on AWS,
 * VIGIA_PII_FINGERPRINT_KEY locally. A new key makes new fingerprints: the same number found before
 * and after no longer matches.
 */
export function piiFingerprintKeySource(env: Record<string, string | undefined> = process.env): () => Promise<string> {
  return generatedKeySource({ arnVariable: 'PII_SECRET_ARN', localVariable: 'VIGIA_PII_FINGERPRINT_KEY', field: 'fingerprintKey' }, env);
}
