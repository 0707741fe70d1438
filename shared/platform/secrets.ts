import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod/mini';
import { ConfigurationError, loadEnv, WhatsAppSecretsEnv } from '../config/env';

export interface WhatsAppSecrets {
  appSecret: string;
  verifyToken: string;
  accessToken?: string;
}

const SecretDocument = z.object({
  appSecret: z.string().check(z.minLength(1)),
  verifyToken: z.string().check(z.minLength(1)),
  accessToken: z.optional(z.string()),
});

export type SecretsSource = () => Promise<WhatsAppSecrets>;

/**
 * Secrets Manager on AWS (cached 5 minutes by Powertools, so a rotated secret is picked up
 * without a redeploy); environment variables locally.
 */
export function whatsAppSecretsSource(env: Record<string, string | undefined> = process.env): SecretsSource {
  const config = loadEnv(WhatsAppSecretsEnv, env);
  if (config.WHATSAPP_APP_SECRET && config.WHATSAPP_VERIFY_TOKEN) {
    const fixed: WhatsAppSecrets = {
      appSecret: config.WHATSAPP_APP_SECRET,
      verifyToken: config.WHATSAPP_VERIFY_TOKEN,
      accessToken: config.WHATSAPP_ACCESS_TOKEN,
    };
    return async () => fixed;
  }
  const arn = config.WHATSAPP_SECRET_ARN!;
  return async () => {
    const value = await getSecret(arn, { transform: 'json', maxAge: 300 });
    const parsed = SecretDocument.safeParse(value);
    if (!parsed.success) {
      throw new ConfigurationError(`Secret ${arn} must be JSON with string fields appSecret and verifyToken (accessToken optional)`);
    }
    return parsed.data;
  };
}
