import type { AuditEntry, ConsoleAuditAction } from '../privacy/ports/subject-rights';
import { notFound } from './errors';
import type { ConsoleDependencies, ConsoleRequest } from './ports';
import { AuditQuerySchema, parseInput } from './requests';
import type { AuditLogJson } from './wire';

/** Appends a console entry to the audit log: who, what, from where (the time is the log's). */
export function recordAccess(
  deps: Pick<ConsoleDependencies, 'audit'>,
  request: ConsoleRequest,
  action: ConsoleAuditAction,
  entry: { outcome?: AuditEntry['outcome']; lineId?: string; contact?: string; detail: string },
): Promise<AuditEntry> {
  return deps.audit.appendAudit({ by: request.principal.email, action, outcome: entry.outcome ?? 'done', lineId: entry.lineId, contact: entry.contact, detail: entry.detail, ip: request.ip });
}

/** `GET /api/audit?since=`: the whole audit log (privacy requests and the console's reads and actions), officers only. */
export async function auditLog(deps: Pick<ConsoleDependencies, 'audit'>, request: ConsoleRequest, query: Record<string, string | undefined> | undefined): Promise<AuditLogJson> {
  // A manager is not told the log exists.
  if (request.principal.role !== 'officer') throw notFound('route GET /api/audit');
  const { since } = parseInput(AuditQuerySchema, query, 'parameter');
  const entries = await deps.audit.listAudit(since?.slice(0, 7));
  return { entries: since ? entries.filter((entry) => entry.at >= since) : entries };
}
