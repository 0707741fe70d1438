import { lineOf } from '../config/vigia-config';
import { scopeLines } from './alerts';
import { recordAccess } from './audit';
import { badRequest, notFound } from './errors';
import type { ConsoleDependencies, ConsoleRequest } from './ports';
import { canSeeLine } from './principal';
import { ConversationListQuerySchema, cursors, parseInput, ThreadQuerySchema } from './requests';
import type { ConversationListJson, ThreadJson } from './wire';

interface Position {
  at: string;
  lineId: string;
  contactId: string;
}
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' && value !== null && ['at', 'lineId', 'contactId'].every((key) => typeof (value as Record<string, unknown>)[key] === 'string');

/** Newest first, then by line and contact: the order of the list and of its cursor. */
const order = (a: Position, b: Position) => b.at.localeCompare(a.at) || a.lineId.localeCompare(b.lineId) || a.contactId.localeCompare(b.contactId);

/** `GET /api/conversations`: the conversations of the lines the principal sees, newest first (no content: not audited). */
export async function listConversations(deps: ConsoleDependencies, request: ConsoleRequest, query: Record<string, string | undefined> | undefined): Promise<ConversationListJson> {
  const params = parseInput(ConversationListQuerySchema, query, 'parameter');
  if (params.since && params.until && params.since >= params.until) throw badRequest('parameter since must be before until');
  const after = params.cursor ? cursors.decode('conversations', params.cursor, isPosition) : undefined;
  // An officer sees every line, also those the config does not list (found through a contact's messages).
  const lineIds = scopeLines(deps, request.principal, params.line) ?? (params.contact ? undefined : deps.config.lines.map((line) => line.phoneNumberId));
  const all = await deps.conversations.conversations({ lineIds, contactId: params.contact, since: params.since, until: params.until });
  const rest = after ? all.filter((conversation) => order({ at: conversation.lastMessageAt, ...conversation }, after) > 0) : all;
  const page = rest.slice(0, params.limit);
  const last = page[page.length - 1];
  return {
    conversations: page.map((conversation) => {
      const line = lineOf(deps.config, conversation.lineId);
      return { lineId: conversation.lineId, employee: line?.employee ?? null, team: line?.team ?? null, contactId: conversation.contactId, lastMessageAt: conversation.lastMessageAt, messageCount: conversation.messageCount };
    }),
    ...(rest.length > page.length ? { nextCursor: cursors.encode('conversations', { at: last.lastMessageAt, lineId: last.lineId, contactId: last.contactId }) } : {}),
  };
}

/** `GET /api/conversations/{lineId}/{contactId}?before=&limit=`: a page of the thread, oldest first. Audited. */
export async function readConversation(deps: ConsoleDependencies, request: ConsoleRequest, lineId: string, contactId: string, query: Record<string, string | undefined> | undefined): Promise<ThreadJson> {
  const params = parseInput(ThreadQuerySchema, query, 'parameter');
  if (!canSeeLine(deps.config, request.principal, lineId)) {
    await recordAccess(deps, request, 'console-conversation-read', { outcome: 'not-found', lineId, contact: contactId, detail: `conversation ${lineId}/${contactId}` });
    throw notFound(`conversation ${lineId}/${contactId}`);
  }
  const messages = await deps.conversations.thread({ lineId, contactId, before: params.before, limit: params.limit });
  if (messages.length === 0 && !params.before) throw notFound(`conversation ${lineId}/${contactId}`);
  await recordAccess(deps, request, 'console-conversation-read', { lineId, contact: contactId, detail: `conversation ${lineId}/${contactId}: ${messages.length} message(s)` });
  const first = messages[0];
  return { messages, ...(first && messages.length === params.limit ? { nextBefore: `${first.timestamp}#${first.id}` } : {}) };
}
