import type { MessageView } from '../capture/ports/archive-repository';
import { alertJson } from '../compliance/alert-json';
import { AlertTransitionError, planAlertTransition } from '../compliance/alert-transitions';
import type { Alert, AlertStatus } from '../compliance/model';
import type { AlertFilter } from '../compliance/ports/alert-repository';
import { recordAccess } from './audit';
import { badRequest, conflict, notFound } from './errors';
import type { ConsoleDependencies, ConsoleRequest } from './ports';
import { canSeeLine, consoleUsers, type Principal } from './principal';
import { AlertListQuerySchema, cursors, jsonBody, parseInput, TransitionBodySchema } from './requests';
import { hitOf, type AlertHit } from './hit';
import type { AlertDetailJson, AlertJson, AlertListJson } from './wire';

/** Messages shown around an alert's message. */
export const CONTEXT_BEFORE = 20;
export const CONTEXT_AFTER = 5;

/** The lines a principal may see, as listed in the config; undefined for officers (every line, listed or not). */
export function visibleLines(deps: Pick<ConsoleDependencies, 'config'>, principal: Principal): string[] | undefined {
  if (principal.role === 'officer') return undefined;
  return deps.config.lines.filter((line) => canSeeLine(deps.config, principal, line.phoneNumberId)).map((line) => line.phoneNumberId);
}

/** The principal's lines narrowed by a `line` filter (a line they cannot see: none). */
export function scopeLines(deps: Pick<ConsoleDependencies, 'config'>, principal: Principal, line: string | undefined): string[] | undefined {
  const visible = visibleLines(deps, principal);
  if (line === undefined) return visible;
  return !visible || visible.includes(line) ? [line] : [];
}

const isPosition = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T[^#]+#al_[0-9a-f]+$/.test(value);

/** `GET /api/alerts`: a page of the alerts the principal may see, and the counts per status of the same filters (status aside). */
export async function listAlerts(deps: ConsoleDependencies, request: ConsoleRequest, query: Record<string, string | undefined> | undefined): Promise<AlertListJson> {
  const params = parseInput(AlertListQuerySchema, query, 'parameter');
  if (params.since && params.until && params.since >= params.until) throw badRequest('parameter since must be before until');
  const filter: AlertFilter = {
    severities: params.severity,
    team: params.team,
    policyId: params.policy,
    lineIds: scopeLines(deps, request.principal, params.line),
    since: params.since,
    until: params.until,
  };
  const after = params.cursor ? cursors.decode(`alerts:${params.order}`, params.cursor, isPosition) : undefined;
  const [page, counts] = await Promise.all([
    deps.alerts.page({ ...filter, statuses: params.status as AlertStatus[] | undefined, order: params.order, limit: params.limit, after }),
    deps.alerts.countByStatus(filter),
  ]);
  return {
    alerts: page.alerts.map(alertJson),
    counts,
    ...(page.next ? { nextCursor: cursors.encode(`alerts:${params.order}`, page.next) } : {}),
  };
}

/** The alert if the principal may see its line; otherwise 404, exactly as for an id that does not exist. */
async function visibleAlert(deps: ConsoleDependencies, principal: Principal, id: string): Promise<Alert> {
  const alert = /^al_[0-9a-f]{1,64}$/.test(id) ? await deps.alerts.get(id) : undefined;
  if (!alert || !canSeeLine(deps.config, principal, alert.lineId)) throw notFound(`alert ${id}`);
  return alert;
}

/** `GET /api/alerts/{id}`: the alert, its message, the conversation around it and why it fired. Audited. */
export async function alertDetail(deps: ConsoleDependencies, request: ConsoleRequest, id: string): Promise<AlertDetailJson> {
  const alert = await visibleAlert(deps, request.principal, id).catch(async (error) => {
    await recordAccess(deps, request, 'console-alert-read', { outcome: 'not-found', detail: `alert ${id}` });
    throw error;
  });
  const message = await deps.messages.getMessage(alert.messageId);
  const around = message?.contactId ? await contextOf(deps, message) : { before: [], after: [] };
  await recordAccess(deps, request, 'console-alert-read', { lineId: alert.lineId, contact: alert.contactId, detail: `alert ${alert.id} (message ${alert.messageId})` });
  const hit: AlertHit | undefined = hitOf(alert, message);
  return { alert: alertJson(alert), message: message ?? null, conversation: around, ...(hit ? { hit } : {}) };
}

async function contextOf(deps: ConsoleDependencies, message: MessageView): Promise<{ before: MessageView[]; after: MessageView[] }> {
  const position = `${message.timestamp}#${message.id}`;
  const thread = { lineId: message.lineId, contactId: message.contactId! };
  const [before, after] = await Promise.all([
    deps.conversations.thread({ ...thread, before: position, limit: CONTEXT_BEFORE }),
    deps.conversations.thread({ ...thread, after: position, limit: CONTEXT_AFTER }),
  ]);
  return { before, after };
}

/** `POST /api/alerts/{id}/transitions`: acknowledge, assign, resolve or reopen. Audited. */
export async function transitionAlert(deps: ConsoleDependencies, request: ConsoleRequest, id: string, body: string | undefined, isBase64Encoded?: boolean): Promise<AlertJson> {
  const alert = await visibleAlert(deps, request.principal, id);
  const input = parseInput(TransitionBodySchema, jsonBody(body, isBase64Encoded), 'field');
  let assignee: string | undefined;
  if (input.assignee) {
    const user = consoleUsers(deps.config).find((candidate) => candidate.email === input.assignee!.trim().toLowerCase());
    if (!user) throw badRequest(`field assignee ${input.assignee} is not a console user (an officer or a team manager in the config)`);
    if (!canSeeLine(deps.config, user, alert.lineId)) throw badRequest(`field assignee ${user.email} cannot see the line of this alert`);
    assignee = user.email;
  }
  const at = (deps.now?.() ?? new Date()).toISOString();
  try {
    const change = planAlertTransition(alert, { action: input.action, by: request.principal.email, at, note: input.note, outcome: input.outcome, assignee });
    const updated = await deps.alerts.apply(alert, change);
    const what = [input.action, assignee ? `to ${assignee}` : '', input.outcome ? `(${input.outcome})` : ''].filter(Boolean).join(' ');
    await recordAccess(deps, request, 'console-alert-transition', { lineId: alert.lineId, contact: alert.contactId, detail: `alert ${alert.id}: ${what}, ${change.from} → ${change.status}` });
    return alertJson(updated);
  } catch (error) {
    if (error instanceof AlertTransitionError) throw conflict(error.message);
    throw error;
  }
}
