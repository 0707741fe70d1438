import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ConsoleError } from '../../shared/console/errors';
import type { ConsoleClaims } from '../../shared/console/principal';
import { authenticate } from '../../shared/console/session';
import { functionLogger } from '../../shared/observability/powertools';
import { json, problem, type HttpResult } from '../../shared/platform/http-responses';
import { consoleApiDependencies } from './dependencies';
import { routeOf } from './routes';

const dependencies = consoleApiDependencies();
const logger = functionLogger('vigia-console-api');

/** Claims verified by API Gateway's JWT authorizer (the local stack puts its own there). */
async function serve(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> {
  const { method, path, sourceIp } = event.requestContext.http;
  try {
    const principal = authenticate(dependencies.config, event.requestContext.authorizer?.jwt?.claims as ConsoleClaims | undefined);
    const { route, params } = routeOf(method, path);
    return withNoStore(json(200, await route.run(dependencies, { principal, ip: sourceIp }, params, event)));
  } catch (error) {
    if (!(error instanceof ConsoleError)) throw error;
    // Never the body, the token, nor the ids of the path (a contact's number): the route's first segment only.
    logger.info('console request refused', { method, resource: path.split('/').slice(0, 3).join('/'), statusCode: error.statusCode, error: error.error });
    return withNoStore(problem(error.statusCode, error.error, error.message));
  }
}

/** Answers hold archived content: no cache keeps them. */
const withNoStore = (result: HttpResult): HttpResult => ({ ...result, headers: { ...result.headers, 'cache-control': 'no-store' } });

/** `ANY /api/{proxy+}`: the manager console's API (docs/console.md). */
export const handler = middy(serve).use(injectLambdaContext(logger, { resetKeys: true }));
