import { complianceChecksOf, type VigiaConfig } from '../shared/config/vigia-config';
import type { LocalSecrets } from './dev-secrets';

export interface HandlerEnvironment {
  bucket: string;
  table: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  secrets: LocalSecrets;
  config: VigiaConfig;
  outboxFile: string;
  /** Set when media downloads go to the built-in fake Graph API. */
  fakeGraphApiUrl?: string;
  /** A stand-in Amazon Comprehend endpoint (the cost benchmark's); otherwise sentiment is offline only. */
  comprehendEndpoint?: string;
  /**
   * The console's URL for the links in alert e-mails and SMS, when known before the server listens
   * (else {@link setConsoleUrl} once it does). @default - CONSOLE_URL of `env`, else none until set
   */
  consoleUrl?: string;
}

/**
 * The environment each handler reads at import, as the CDK stack sets it on its function, pointed
 * at the local servers and at the `local://` targets of ./adapters/local-targets.ts. Handlers read
 * process.env: one stack per process.
 */
export function setHandlerEnvironment(env: Record<string, string | undefined>, settings: HandlerEnvironment): void {
  const { config, secrets } = settings;
  const disclosureEnabled = config.privacy?.disclosure?.enabled === true;
  if (!disclosureEnabled) delete process.env.DISCLOSURE_FUNCTION;
  if (!config.retention) delete process.env.RETENTION_DAYS;
  // Each handler logs under its own service name (shared/observability/powertools.ts), as on AWS
  // where each function is a process of its own.
  delete process.env.POWERTOOLS_SERVICE_NAME;
  // The console the alert links open (config.console.url wins over it): CONSOLE_URL as on AWS.
  const consoleUrl = settings.consoleUrl ?? env.CONSOLE_URL;
  if (consoleUrl) process.env.CONSOLE_URL = consoleUrl;
  else delete process.env.CONSOLE_URL;
  Object.assign(process.env, {
    ARCHIVE_BUCKET: settings.bucket,
    ARCHIVE_TABLE: settings.table,
    VIGIA_DYNAMODB_ENDPOINT: settings.dynamodbEndpoint,
    VIGIA_S3_ENDPOINT: settings.s3Endpoint,
    WHATSAPP_APP_SECRET: secrets.appSecret,
    WHATSAPP_VERIFY_TOKEN: secrets.verifyToken,
    WHATSAPP_ACCESS_TOKEN: secrets.accessToken,
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? env.VIGIA_LOG_LEVEL ?? 'WARN',
    // No X-Ray daemon here to send segments to.
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
    MEDIA_QUEUE_URL: 'local://media',
    VIGIA_CONFIG_JSON: JSON.stringify(config),
    COMPLIANCE_STATE_MACHINE_ARN: 'local://compliance',
    ALERTS_TOPIC_ARN: 'local://outbox',
    VIGIA_OUTBOX_FILE: settings.outboxFile,
    // Privacy (docs/privacy.md): notice e-mails go to the outbox, like alert e-mails.
    NOTICE_MAILER: 'local://outbox',
    VIGIA_NOTICE_SIGNING_KEY: secrets.noticeSigningKey,
    VIGIA_PII_FINGERPRINT_KEY: secrets.piiFingerprintKey,
    ...(disclosureEnabled ? { DISCLOSURE_FUNCTION: 'local://disclosure' } : {}),
    COMPLIANCE_CHECKS: complianceChecksOf(config),
    // The re-drive (docs/reliability.md): minutes here where AWS waits a quarter of an hour.
    REDRIVE_CHECK_GRACE_SECONDS: env.VIGIA_REDRIVE_GRACE_SECONDS ?? '60',
    REDRIVE_NOTIFY_GRACE_SECONDS: env.VIGIA_REDRIVE_GRACE_SECONDS ?? '60',
    // Retention: records get `expiresAt`; dynalite has no TTL, so the stack's sweep deletes what expired.
    ...(config.retention ? { RETENTION_DAYS: String(config.retention.days) } : {}),
    // Nothing leaves the machine locally: sentiment is decided by the offline analyzer.
    ...(settings.comprehendEndpoint
      ? { VIGIA_OFFLINE_SENTIMENT: '0', AWS_ENDPOINT_URL_COMPREHEND: settings.comprehendEndpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }
      : { VIGIA_OFFLINE_SENTIMENT: '1' }),
    ...pick(env, ['WHATSAPP_GRAPH_API_URL', 'MEDIA_RETRY_DELAYS_MS', 'MEDIA_IDLE_TIMEOUT_MS']),
    ...(settings.fakeGraphApiUrl ? { WHATSAPP_GRAPH_API_URL: settings.fakeGraphApiUrl } : {}),
  });
}

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])));
}

/**
 * The local stack serves the console at its own URL, known once its server listens (port 0 picks
 * one): the Notify and re-drive handlers read CONSOLE_URL at each delivery, so setting it then is
 * enough. A CONSOLE_URL given to the stack (or set before) is kept.
 */
export function setConsoleUrl(url: string): void {
  if (!process.env.CONSOLE_URL) process.env.CONSOLE_URL = url;
}
