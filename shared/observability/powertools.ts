import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Each function's own logger. On AWS every function is a process of its own; the local stack runs
 * them all in one, where a shared logger would stamp one handler's keys and Lambda context on
 * another's lines. POWERTOOLS_SERVICE_NAME, set on every deployed function, still names the service
 * there. Never log message bodies.
 */
export function functionLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || serviceName });
}

/**
 * Metrics warns after every invocation that added no metric. Many of ours add none by design (a
 * verification GET, a duplicate delivery, an idle sweep): that line would be most of the log,
 * billed by CloudWatch Logs on AWS, so it alone is dropped.
 */
const NO_METRICS_WARNING = 'No application metrics to publish';
const metricsLogger = {
  debug: console.debug,
  info: console.info,
  error: console.error,
  warn: (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith(NO_METRICS_WARNING))) console.warn(...args);
  },
};

export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Vigia', serviceName: 'vigia', logger: metricsLogger });
