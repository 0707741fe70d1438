import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NOTICE_ACK_PATH } from '../shared/privacy/employee-notice';
import { lambdaContext, readBody, RequestTooLargeError, toApiGatewayEvent, writeResult } from './api-gateway';
import { authorizerClaims, SIGN_IN_PATH, type LocalConsoleAuth } from './console-auth';
import { serveConsolePage } from './console-static';
import type { Handler } from './handlers';
import type { LocalMeter } from './metering';

type HttpHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export interface Routes {
  webhook: HttpHandler;
  /** With `privacy.employeeNotice` only. */
  noticeAck?: HttpHandler;
  /** The console API (`/api/*`), behind the local sign-in's token check. */
  consoleApi?: Handler<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>;
  consoleAuth?: LocalConsoleAuth;
  /** What `/healthz` reports as `pendingIngest`. */
  pendingIngest: () => number;
  meter?: LocalMeter;
}

const jsonProblem = (statusCode: number, error: string, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error, message }),
});

/**
 * What the HTTP API routes on AWS: `/webhook` and `/notice/ack` to their functions as API Gateway
 * v2 events, `/api/*` to the console API after the JWT authorizer's check (here: the local
 * sign-in's tokens, verified with jose); plus what only the local stack has: `/healthz`, the
 * sign-in (`/auth/local/sign-in`, Cognito's managed login on AWS) and the console's pages (CloudFront on AWS).
 */
export function localRouter(routes: Routes): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { webhook, noticeAck, consoleApi, consoleAuth, meter } = routes;
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
      if (path === SIGN_IN_PATH && consoleAuth) {
        if (request.method !== 'POST') return writeResult(response, jsonProblem(405, 'method_not_allowed', `${request.method} is not supported on ${SIGN_IN_PATH}: POST {"email", "password"}`));
        writeResult(response, await consoleAuth.signIn(await readBody(request, 16 * 1024)));
        return;
      }
      if ((path === '/api' || path.startsWith('/api/')) && consoleApi && consoleAuth) {
        const body = await readBody(request);
        // API Gateway's JWT authorizer: no valid token, no invocation.
        const verified = await consoleAuth.verify(request.headers.authorization);
        if ('problem' in verified) return writeResult(response, { ...jsonProblem(401, 'unauthorized', verified.problem), headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' } });
        meter?.count('ApiGateway.Request');
        const event = toApiGatewayEvent(request, body, 'ANY /api/{proxy+}');
        const withClaims: APIGatewayProxyEventV2WithJWTAuthorizer = {
          ...event,
          pathParameters: { proxy: path.slice('/api/'.length) },
          requestContext: { ...event.requestContext, authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: authorizerClaims(verified.claims), scopes: [] } } },
        };
        writeResult(response, await consoleApi(withClaims, lambdaContext('vigia-console-api')));
        return;
      }
      if (path !== '/webhook') {
        if (request.method === 'GET' && path !== NOTICE_ACK_PATH && !path.startsWith('/auth/') && path !== '/api' && !path.startsWith('/api/')) return await serveConsolePage(request, response);
        writeResult(response, jsonProblem(404, 'not_found', `no route for ${request.method} ${path}`));
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
      const message = path === '/webhook' ? 'the webhook could not be archived; Meta will retry' : 'the request failed; try again';
      writeResult(response, jsonProblem(500, 'internal_error', message));
    }
  };
}
