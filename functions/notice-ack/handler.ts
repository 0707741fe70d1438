import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '../../shared/platform/http-responses';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { acknowledgeNotice, reviewNotice, type AckAnswer } from '../../shared/privacy/acknowledge-notice';
import { noticeAckDependencies } from './dependencies';
import { renderAckAnswer } from './page';

const dependencies = noticeAckDependencies();
const logger = functionLogger('vigia-notice-ack');

/** A form post (`token=…`) may come base64-encoded from API Gateway; the query string works too. */
function tokenOf(event: APIGatewayProxyEventV2): string | undefined {
  if (event.requestContext.http.method === 'POST' && event.body) {
    const body = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
    const fromBody = new URLSearchParams(body.slice(0, 4096)).get('token');
    if (fromBody) return fromBody;
  }
  return event.queryStringParameters?.token;
}

async function route(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method;
  const wantsJson = (event.headers.accept ?? '').includes('application/json');
  let answer: AckAnswer;
  if (method === 'GET') {
    answer = await reviewNotice(tokenOf(event), dependencies);
  } else if (method === 'POST') {
    answer = await acknowledgeNotice(tokenOf(event), { sourceIp: event.requestContext.http.sourceIp, userAgent: event.headers['user-agent'] }, dependencies);
  } else {
    answer = { statusCode: 405, error: 'method_not_allowed', title: 'Not allowed', message: `${method} is not supported on /notice/ack` };
  }
  metrics.addMetric(answer.acknowledged ? 'NoticeAcknowledged' : answer.error ? `NoticeAck_${answer.error}` : 'NoticeAckReviewed', MetricUnit.Count, 1);
  // Never the token: it is the employee's credential until used.
  if (answer.error) logger.warn('notice link refused', { method, error: answer.error, statusCode: answer.statusCode });
  if (answer.acknowledged) logger.info('notice acknowledged', { lineId: answer.acknowledged.lineId, policyVersion: answer.acknowledged.policyVersion });
  return renderAckAnswer(answer, wantsJson);
}

/** `GET /notice/ack?token=…` shows the confirmation; `POST /notice/ack` (form field `token`) records it. */
export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
