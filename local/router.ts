import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NOTICE_ACK_PATH } from '../shared/privacy/employee-notice';
import { lambdaContext, readBody, RequestTooLargeError, toApiGatewayEvent, writeResult } from './api-gateway';
import type { Handler } from './handlers';
import type { LocalMeter } from './metering';

type HttpHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export interface Routes {
  webhook: HttpHandler;
  /** With `privacy.employeeNotice` only. */
  noticeAck?: HttpHandler;
  /** What `/healthz` reports as `pendingIngest`. */
  pendingIngest: () => number;
  meter?: LocalMeter;
}

/**
 * What the HTTP API routes on AWS: `/webhook` and `/notice/ack` to their functions as API Gateway
 * v2 events; plus `/healthz`, which only the local stack has.
 */
export function localRouter(routes: Routes): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { webhook, noticeAck, meter } = routes;
  return async (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz' && request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'ok', pendingIngest: routes.pendingIngest() }));
        return;
      }
      if (path === NOTICE_ACK_PATH && noticeAck) {
        const body = await readBody(request, 64 * 1024);
        meter?.count('ApiGateway.Request');
        writeResult(response, await noticeAck(toApiGatewayEvent(request, body, `${request.method} ${NOTICE_ACK_PATH}`), lambdaContext('vigia-notice-ack')));
        return;
      }
      if (path !== '/webhook') {
        writeResult(response, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'not_found', message: `no route for ${request.method} ${path}` }) });
        return;
      }
      const body = await readBody(request);
      meter?.count('ApiGateway.Request');
      const event = toApiGatewayEvent(request, body, `${request.method} /webhook`);
      writeResult(response, await webhook(event, lambdaContext('vigia-webhook')));
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        writeResult(response, { statusCode: 413, headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ error: 'payload_too_large', message: error.message }) });
        request.destroy();
        return;
      }
      console.error('vigia: request failed', (error as Error).message);
      writeResult(response, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'internal_error', message: 'the webhook could not be archived; Meta will retry' }) });
    }
  };
}
