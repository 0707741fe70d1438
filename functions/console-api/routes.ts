import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { alertDetail, listAlerts, transitionAlert } from '../../shared/console/alerts';
import { auditLog } from '../../shared/console/audit';
import { listConversations, readConversation } from '../../shared/console/conversations';
import { ConsoleError } from '../../shared/console/errors';
import { mediaLink } from '../../shared/console/media';
import { overview, type OverviewDependencies } from '../../shared/console/overview';
import type { ConsoleDependencies, ConsoleRequest } from '../../shared/console/ports';
import { me } from '../../shared/console/session';

/** The console's dependencies, and the overview's source when the analytics are set up (functions/console-api/dependencies.ts). */
type RouteDependencies = ConsoleDependencies & OverviewDependencies;

type Route = {
  method: 'GET' | 'POST';
  path: RegExp;
  run: (deps: RouteDependencies, request: ConsoleRequest, params: string[], event: APIGatewayProxyEventV2) => Promise<unknown> | unknown;
};

const segment = '([^/]+)';
const query = (event: APIGatewayProxyEventV2) => event.queryStringParameters;

/** The console API: one function behind `ANY /api/{proxy+}` (docs/console.md, "API"). */
export const ROUTES: Route[] = [
  { method: 'GET', path: /^\/api\/me$/, run: (_deps, request) => me(request.principal) },
  { method: 'GET', path: /^\/api\/alerts$/, run: (deps, request, _params, event) => listAlerts(deps, request, query(event)) },
  { method: 'GET', path: new RegExp(`^/api/alerts/${segment}$`), run: (deps, request, [id]) => alertDetail(deps, request, id) },
  { method: 'POST', path: new RegExp(`^/api/alerts/${segment}/transitions$`), run: (deps, request, [id], event) => transitionAlert(deps, request, id, event.body, event.isBase64Encoded) },
  { method: 'GET', path: /^\/api\/conversations$/, run: (deps, request, _params, event) => listConversations(deps, request, query(event)) },
  { method: 'GET', path: new RegExp(`^/api/conversations/${segment}/${segment}$`), run: (deps, request, [lineId, contactId], event) => readConversation(deps, request, lineId, contactId, query(event)) },
  { method: 'GET', path: new RegExp(`^/api/media/${segment}$`), run: (deps, request, [mediaId]) => mediaLink(deps, request, mediaId) },
  { method: 'GET', path: /^\/api\/overview$/, run: (deps, request, _params, event) => overview(deps, request, query(event)) },
  { method: 'GET', path: /^\/api\/audit$/, run: (deps, request, _params, event) => auditLog(deps, request, query(event)) },
];

/** The route for a request: 404 for an unknown path, 405 for a known path with another method. */
export function routeOf(method: string, path: string): { route: Route; params: string[] } {
  let pathKnown = false;
  for (const route of ROUTES) {
    const match = route.path.exec(path);
    if (!match) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: match.slice(1).map(decodeSegment) };
  }
  if (pathKnown) throw new ConsoleError(405, 'method_not_allowed', `${method} is not supported on ${path}`);
  throw new ConsoleError(404, 'not_found', `no route ${method} ${path}`);
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ConsoleError(400, 'bad_request', `the path segment ${JSON.stringify(value)} is not valid URL encoding`);
  }
}
