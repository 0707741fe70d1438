import * as z from 'zod';

/** Thrown at cold start when the environment is not what the function needs. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * Validates `process.env` (or another record) once, failing with one clear message that names
 * every missing or invalid variable.
 */
export function loadEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration — ${problems.join('; ')}`);
  }
  return result.data;
}

/** A required variable: "must be set" when missing, rather than zod's type message. */
export const required = (minLength = 1) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'must be set' : 'must be a string') }).min(minLength, minLength > 1 ? `must be at least ${minLength} characters` : 'must not be empty');

const name = required(3);

/** Endpoint overrides used by the local stack (dynalite, s3rver); unset on AWS. */
export const EndpointEnv = z.object({
  VIGIA_DYNAMODB_ENDPOINT: z.url().optional(),
  VIGIA_S3_ENDPOINT: z.url().optional(),
});

export const ArchiveBucketEnv = z.object({ ARCHIVE_BUCKET: name });
export const ArchiveTableEnv = z.object({ ARCHIVE_TABLE: name });

/**
 * WhatsApp secrets: on AWS one Secrets Manager secret (JSON with appSecret, verifyToken,
 * accessToken) named by WHATSAPP_SECRET_ARN; locally plain environment variables.
 */
export const WhatsAppSecretsEnv = z
  .object({
    WHATSAPP_SECRET_ARN: z.string().min(1).optional(),
    WHATSAPP_APP_SECRET: z.string().min(1).optional(),
    WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
    WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  })
  .refine((env) => env.WHATSAPP_SECRET_ARN || (env.WHATSAPP_APP_SECRET && env.WHATSAPP_VERIFY_TOKEN), {
    message: 'set WHATSAPP_SECRET_ARN, or both WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN',
    path: ['WHATSAPP_SECRET_ARN'],
  });
