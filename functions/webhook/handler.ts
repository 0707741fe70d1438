import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { problem, type HttpResult } from '../../shared/platform/http-responses';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { receiveWebhook, verifySubscription, type LineEvents } from '../../shared/capture/receive-webhook';
import { webhookDependencies } from './dependencies';

const dependencies = webhookDependencies();
const logger = functionLogger('vigia-webhook');

async function route(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method;
  if (method === 'GET') {
    const response = await verifySubscription(event.queryStringParameters ?? {}, dependencies);
    metrics.addMetric(response.statusCode === 200 ? 'Verification_ok' : 'Verification_failed', MetricUnit.Count, 1);
    return response;
  }
  if (method !== 'POST') {
    metrics.addMetric('Webhook_method_not_allowed', MetricUnit.Count, 1);
    return problem(405, 'method_not_allowed', `${method} is not supported on /webhook`);
  }

  // The signature covers the exact bytes Meta sent: never parse before verifying.
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const { response, outcome, lineEvents } = await receiveWebhook({ body, signature: event.headers['x-hub-signature-256'] }, dependencies);
  const metric = outcome === 'bad_signature' ? VIGIA_METRICS.webhookBadSignature : outcome === 'rejected_archived' ? VIGIA_METRICS.webhookRejected : `Webhook_${outcome}`;
  metrics.addMetric(metric, MetricUnit.Count, 1);
  if (lineEvents) publishLineEvents(lineEvents);
  if (outcome === 'rejected_archived') logger.warn('signed webhook body kept under rejected/ and acknowledged', { outcome, bytes: body.length });
  else if (outcome !== 'archived') logger.warn('webhook not acknowledged', { outcome, statusCode: response.statusCode, bytes: body.length });
  return response;
}

/** One metric per line, with the line as an extra dimension: what the capture-gap alarms watch. */
function publishLineEvents(lineEvents: LineEvents): void {
  for (const [lineId, count] of Object.entries(lineEvents)) {
    const lineMetric = metrics.singleMetric();
    lineMetric.addDimension(VIGIA_METRICS.lineDimension, lineId);
    lineMetric.addMetric(VIGIA_METRICS.lineEventsReceived, MetricUnit.Count, count);
  }
}

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
