/** Calling API events (`calls[]`) and the progress of business-initiated calls. */
import type { CallRecord, Direction } from '../../records';
import { CallSchema, CallStatusSchema } from '../schema';
import { type Change, compact, type Json, present, readKeyed, toErrors, toIso, UNKNOWN_TIME } from './change';
import { CallReader, CallStatusReader } from './readers';

/**
 * A Calling API event (`calls[]`): connect or terminate. The customer is the caller of a
 * USER_INITIATED call and the callee of a BUSINESS_INITIATED one (phone number, else BSUID).
 */
export function callItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: CallSchema, reader: CallReader, what: 'call' });
  if (!read) return;
  const { data: c, label, timestamp } = read;
  const business = change.lineDisplayNumber;
  const direction: Direction | undefined =
    c.direction === 'USER_INITIATED'
      ? 'inbound'
      : c.direction === 'BUSINESS_INITIATED'
        ? 'outbound'
        : business !== undefined && c.from === business
          ? 'outbound'
          : business !== undefined && c.to === business
            ? 'inbound'
            : undefined;
  if (direction === undefined) out.issues.push(`${label}: call direction unknown (direction "${c.direction ?? ''}")`);
  const [phone, userId] =
    direction === 'outbound' ? [present(c.to), present(c.to_user_id)] : [present(c.from), present(c.from_user_id)];
  const event = present(c.event);
  out.records.push(
    compact<CallRecord>({
      kind: 'call',
      id: c.id,
      lineId: change.lineId,
      contactId: phone ?? userId,
      contactUserId: userId,
      direction,
      event,
      status: present(c.status),
      startedAt: toIso(c.start_time) ?? (event === 'connect' ? timestamp : undefined),
      endedAt: toIso(c.end_time) ?? (event === 'terminate' ? timestamp : undefined),
      durationSeconds: c.duration,
      timestamp: timestamp ?? UNKNOWN_TIME,
      errors: toErrors(c.errors),
      payload: raw as Json,
    }),
  );
}

/** `statuses[]` with `type: "call"` on the calls field: how a business-initiated call progresses (RINGING, ACCEPTED, REJECTED…). */
export function callStatusItem(change: Change, raw: Json, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: CallStatusSchema, reader: CallStatusReader, what: 'call status' });
  if (!read) return;
  const { data: s, timestamp } = read;
  out.records.push(
    compact<CallRecord>({
      kind: 'call',
      id: s.id,
      lineId: change.lineId,
      contactId: present(s.recipient_id) ?? present(s.recipient_user_id),
      contactUserId: present(s.recipient_user_id),
      // Only business-initiated calls report their progress this way.
      direction: 'outbound',
      event: 'status',
      status: present(s.status),
      timestamp: timestamp ?? UNKNOWN_TIME,
      errors: toErrors(s.errors),
      payload: raw,
    }),
  );
}
