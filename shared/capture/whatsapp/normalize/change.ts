/**
 * What every item of one change shares: the output being built, the small helpers the readers'
 * results go through, and the records for what cannot be mapped (change events, change errors).
 */
import type * as z from 'zod';
import type { ChangeErrorRecord, ChangeEventRecord, NormalizedRecord, WhatsAppError } from '../../records';
import { WebhookErrorSchema } from '../schema';
import { type ContactRead, ErrorReader } from './readers';

/** Used when a message or status has no readable timestamp (an issue is reported alongside). */
export const UNKNOWN_TIME = new Date(0).toISOString();

export type Json = Record<string, unknown>;

export function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Records go to DynamoDB: leave out keys whose value is undefined instead of storing them. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** "" counts as absent (wa_id, from and order text can all be empty strings). */
export function present(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

export function toIso(ts: string | number | undefined): string | undefined {
  if (ts === undefined) return undefined;
  const ms = Number(ts) * 1000;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Strict validation: reports how `raw` departs from what Meta documents. Never blocks archiving. */
export function check(schema: z.ZodType, raw: unknown, label: string, issues: string[]): void {
  const r = schema.safeParse(raw, { reportInput: true });
  if (r.success) return;
  const text = r.error.issues
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join('.') : '(item)';
      // A union (e.g. `interactive`) only says "Invalid input" when the whole object is missing.
      const message = i.code === 'invalid_union' && i.input === undefined ? 'missing' : i.message;
      return `${path}: ${message}`;
    })
    .join('; ');
  issues.push(`${label}: ${text}`);
}

export function toErrors(list: unknown[] | undefined): WhatsAppError[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((raw) => {
    const e = ErrorReader.safeParse(raw);
    if (!e.success) return {};
    return compact<WhatsAppError>({
      code: e.data.code,
      title: e.data.title,
      message: e.data.message,
      details: e.data.error_data?.details ?? e.data.details,
      href: e.data.href,
    });
  });
}

export interface Output {
  records: NormalizedRecord[];
  issues: string[];
  /** Identity links already emitted in this webhook (reason, line, from, to): one record each. */
  links: Set<string>;
}

/** What every item of one change shares. */
export interface Change {
  field: string;
  wabaId?: string;
  lineId: string;
  lineDisplayNumber?: string;
  /** `value.contacts[]`, read tolerantly, for sender lookups. */
  contacts: ContactRead[];
  out: Output;
}

export function changeEvent(field: string, lineId: string | undefined, payload: unknown): ChangeEventRecord {
  return compact<ChangeEventRecord>({
    kind: 'change_event',
    field,
    lineId,
    payload: isRecord(payload) ? payload : { value: payload },
  });
}

/** Keys of a value every field shares (handled above, or metadata only). */
const COMMON_VALUE_KEYS = new Set(['messaging_product', 'metadata', 'contacts', 'errors']);

/** Anything else a new-style value carries is kept as a change event rather than dropped. */
export function keepOtherKeys(change: Change, value: Json, handled: string[]) {
  const other = Object.entries(value).filter(([key]) => !COMMON_VALUE_KEYS.has(key) && !handled.includes(key));
  if (other.length > 0) change.out.records.push(changeEvent(change.field, change.lineId, Object.fromEntries(other)));
}

export function changeErrors(change: Change, list: unknown[], where: string) {
  if (list.length === 0) return;
  list.forEach((e, k) => {
    check(WebhookErrorSchema, e, `${where}[${k}]`, change.out.issues);
  });
  change.out.records.push(
    compact<ChangeErrorRecord>({
      kind: 'change_error',
      field: change.field,
      lineId: change.lineId,
      errors: toErrors(list) ?? [],
    }),
  );
}

/**
 * An object keyed by its `id` (a status, a call event): checked against its contract schema, read
 * leniently, or kept as a change event when it has no id to key it by. Its timestamp as ISO.
 */
export function readKeyed<R extends z.ZodType<{ id: string; timestamp?: string | number }>>(
  change: Change,
  raw: unknown,
  where: string,
  contract: { schema: z.ZodType; reader: R; what: string },
): { data: z.output<R>; label: string; timestamp: string | undefined } | undefined {
  const { out } = change;
  const label = isRecord(raw) && typeof raw.id === 'string' ? `${where} (${raw.id})` : where;
  check(contract.schema, raw, label, out.issues);
  const r = contract.reader.safeParse(raw);
  if (!r.success) {
    out.issues.push(`${where}: ${contract.what} without an id cannot be keyed; kept as a change event`);
    out.records.push(changeEvent(change.field, change.lineId, raw));
    return undefined;
  }
  const timestamp = toIso(r.data.timestamp);
  if (timestamp === undefined) out.issues.push(`${label}: no readable timestamp; using ${UNKNOWN_TIME}`);
  return { data: r.data, label, timestamp };
}
