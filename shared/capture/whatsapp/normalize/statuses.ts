/** Delivery statuses of the business's messages (`statuses[]`). */
import type { StatusRecord } from '../../records';
import { StatusSchema } from '../schema';
import { type Change, compact, type Json, present, readKeyed, toErrors, UNKNOWN_TIME } from './change';
import { StatusReader } from './readers';

export function statusItem(change: Change, raw: unknown, where: string) {
  const { out } = change;
  const read = readKeyed(change, raw, where, { schema: StatusSchema, reader: StatusReader, what: 'status' });
  if (!read) return;
  const { data: s, timestamp } = read;
  out.records.push(
    compact<StatusRecord>({
      kind: 'status',
      messageId: s.id,
      lineId: change.lineId,
      status: s.status ?? 'unknown',
      timestamp: timestamp ?? UNKNOWN_TIME,
      recipientId: s.recipient_id,
      recipientUserId: s.recipient_user_id,
      recipientParticipantId: present(s.recipient_participant_id) ?? present(s.participant_recipient_id),
      recipientParticipantUserId: present(s.recipient_participant_user_id),
      errors: toErrors(s.errors),
      pricing: s.pricing,
      conversation: s.conversation,
      payload: raw as Json,
    }),
  );
}
