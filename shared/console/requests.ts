import * as z from 'zod';
import { ALERT_ACTIONS, ALERT_OUTCOMES } from '../compliance/alert-transitions';
import type { AlertAction, AlertOutcome, AlertStatus, Severity } from '../compliance/model';
import { isCalendarDay } from '../config/vigia-config';
import { badRequest } from './errors';

/**
 * The console API's inputs: query strings and bodies, validated before any use case runs. Every
 * refusal is a 400 naming the parameter and what was wrong.
 */

const STATUSES = ['open', 'acknowledged', 'resolved'] as const satisfies readonly AlertStatus[];
const SEVERITIES = ['low', 'medium', 'high'] as const satisfies readonly Severity[];
export const MAX_PAGE = 200;

/** A day (`2026-11-01`, its first instant, UTC) or an ISO 8601 time with a zone; as ISO (UTC). */
const instant = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value) && isCalendarDay(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)), {
    error: (issue) => `must be a day (2026-11-01) or an ISO 8601 time with a zone (2026-11-01T12:00:00Z), got ${JSON.stringify(issue.input)}`,
  })
  .transform((value) => new Date(value).toISOString());

/** A comma-separated list of allowed values (`status=open,acknowledged`). */
const listOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()))
    .refine((parts) => parts.every((part) => (values as readonly string[]).includes(part)), {
      error: (issue) => `must be ${values.join(', ')} (or several, comma-separated), got ${JSON.stringify(issue.input)}`,
    })
    .transform((parts) => [...new Set(parts)] as T[]);

const limit = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, { error: (issue) => `must be a whole number from 1 to ${MAX_PAGE}, got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .refine((value) => value >= 1 && value <= MAX_PAGE, { error: `must be a whole number from 1 to ${MAX_PAGE}` })
    .optional()
    .transform((value) => value ?? fallback);

const id = z.string().min(1).max(200);

export const AlertListQuerySchema = z.strictObject({
  status: listOf(STATUSES).optional(),
  severity: listOf(SEVERITIES).optional(),
  team: id.optional(),
  policy: id.optional(),
  line: id.optional(),
  since: instant.optional(),
  until: instant.optional(),
  order: z.enum(['newest', 'oldest'], { error: (issue) => `must be newest or oldest, got ${JSON.stringify(issue.input)}` }).default('newest'),
  limit: limit(50),
  cursor: z.string().max(500).optional(),
});
export type AlertListQuery = z.infer<typeof AlertListQuerySchema>;

export const ConversationListQuerySchema = z.strictObject({
  line: id.optional(),
  contact: id.optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: limit(50),
  cursor: z.string().max(500).optional(),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

export const ThreadQuerySchema = z.strictObject({
  /** An instant, or the `<timestamp>#<id>` position of a message (`nextBefore` of the previous page). */
  before: z
    .string()
    .max(300)
    .refine((value) => /^\d{4}-\d{2}-\d{2}T[^#]*#.+$/.test(value) || instant.safeParse(value).success, {
      error: (issue) => `must be an ISO 8601 time or a message position, got ${JSON.stringify(issue.input)}`,
    })
    .transform((value) => (value.includes('#') ? value : new Date(value).toISOString()))
    .optional(),
  limit: limit(100),
});
export type ThreadQuery = z.infer<typeof ThreadQuerySchema>;

export const AuditQuerySchema = z.strictObject({ since: instant.optional() });

export const TransitionBodySchema = z.strictObject({
  action: z.enum(ALERT_ACTIONS as [AlertAction, ...AlertAction[]], { error: (issue) => `must be ${ALERT_ACTIONS.join(', ')}, got ${JSON.stringify(issue.input)}` }),
  note: z.string().trim().min(1).max(2000).optional(),
  outcome: z.enum(ALERT_OUTCOMES as [AlertOutcome, ...AlertOutcome[]], { error: (issue) => `must be ${ALERT_OUTCOMES.join(', ')}, got ${JSON.stringify(issue.input)}` }).optional(),
  assignee: z.email({ error: 'must be an e-mail address' }).optional(),
}).superRefine((body, context) => {
  if (body.action === 'resolve' && !body.outcome) context.addIssue({ code: 'custom', path: ['outcome'], message: `is required to resolve (${ALERT_OUTCOMES.join(', ')})` });
  if (body.action === 'assign' && !body.assignee) context.addIssue({ code: 'custom', path: ['assignee'], message: 'is required to assign (the e-mail of a console user)' });
  if (body.action !== 'resolve' && body.outcome) context.addIssue({ code: 'custom', path: ['outcome'], message: 'is only for resolve' });
  if (body.action !== 'assign' && body.assignee) context.addIssue({ code: 'custom', path: ['assignee'], message: 'is only for assign' });
});
export type TransitionBody = z.infer<typeof TransitionBodySchema>;

/** Parses query parameters (or a body) with a schema, or throws a 400 naming every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: 'parameter' | 'field'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown ${what}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    const path = issue.path.join('.');
    return path ? `${what} ${path} ${issue.message}` : issue.message;
  });
  throw badRequest(problems.join('; '));
}

/** Reads a JSON body (API Gateway may hand it over base64-encoded), or throws a 400. */
export function jsonBody(body: string | undefined, isBase64Encoded: boolean | undefined): unknown {
  if (!body) throw badRequest('the request needs a JSON body');
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (text.length > 16 * 1024) throw badRequest('the body is over 16 KiB');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
}

/** Opaque page positions: base64url JSON, bound to the order and the kind of list they came from. */
export const cursors = {
  encode: (kind: string, position: unknown) => Buffer.from(JSON.stringify({ k: kind, p: position }), 'utf8').toString('base64url'),
  decode<T>(kind: string, cursor: string, valid: (position: unknown) => position is T): T {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw badRequest('parameter cursor is not a cursor this API returned');
    }
    const { k, p } = (parsed ?? {}) as { k?: unknown; p?: unknown };
    if (k !== kind || !valid(p)) throw badRequest('parameter cursor is not a cursor of this list (or of another order)');
    return p;
  },
};
