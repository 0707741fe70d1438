import * as z from 'zod/mini';

/** Thrown at cold start when the environment is not what the function needs. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * Validates `process.env` (or another record) once, failing with one clear message that names
 * every missing or invalid variable.
 */
export function loadEnv<S extends z.core.$ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration — ${problems.join('; ')}`);
  }
  return result.data;
}

/** A required variable: "must be set" when missing, rather than zod's type message. */
export const required = (minLength = 1) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'must be set' : 'must be a string') }).check(z.minLength(minLength, minLength > 1 ? `must be at least ${minLength} characters` : 'must not be empty'));

const name = required(3);

/** Endpoint overrides used by the local stack (dynalite, s3rver); unset on AWS. */
export const EndpointEnv = z.object({
  VIGIA_DYNAMODB_ENDPOINT: z.optional(z.url()),
  VIGIA_S3_ENDPOINT: z.optional(z.url()),
});

export const ArchiveBucketEnv = z.object({ ARCHIVE_BUCKET: name });
export const ArchiveTableEnv = z.object({ ARCHIVE_TABLE: name });

/**
 * WhatsApp secrets: on AWS one Secrets Manager secret (JSON with appSecret, verifyToken,
 * accessToken) named by WHATSAPP_SECRET_ARN; locally plain environment variables.
 */
export const WhatsAppSecretsEnv = z
  .object({
    WHATSAPP_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    WHATSAPP_APP_SECRET: z.optional(z.string().check(z.minLength(1))),
    WHATSAPP_VERIFY_TOKEN: z.optional(z.string().check(z.minLength(1))),
    WHATSAPP_ACCESS_TOKEN: z.optional(z.string().check(z.minLength(1))),
  })
  .check(z.refine((env) => env.WHATSAPP_SECRET_ARN || (env.WHATSAPP_APP_SECRET && env.WHATSAPP_VERIFY_TOKEN), {
    message: 'set WHATSAPP_SECRET_ARN, or both WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN',
    path: ['WHATSAPP_SECRET_ARN'],
  }));
