/** `history`: a coexistence backfill of the conversations kept in the WhatsApp Business app. */
import type { Direction } from '../../records';
import { HistoryMetadataSchema } from '../schema';
import { type Change, changeErrors, changeEvent, check, isRecord, type Json, present } from './change';
import { emitMessage, readMessage } from './messages';
import type { MessageRead } from './readers';

/** The customer a history thread is about: `threads[].id` (phone number) and/or `threads[].context.user_id` (BSUID). */
interface ThreadCustomer {
  id?: string;
  userId?: string;
}

function historyDirection(m: MessageRead, thread: ThreadCustomer, business: string | undefined): Direction {
  const from = present(m.from);
  const to = present(m.to);
  const fromUserId = present(m.from_user_id);
  const toUserId = present(m.to_user_id);
  if (from !== undefined && from === business) return 'outbound';
  if ((from !== undefined && from === thread.id) || (fromUserId !== undefined && fromUserId === thread.userId)) return 'inbound';
  if ((to !== undefined && to === thread.id) || (toUserId !== undefined && toUserId === thread.userId)) return 'outbound';
  // Only customers have BSUIDs: a BSUID sender is the customer, a BSUID recipient too.
  if (fromUserId !== undefined) return 'inbound';
  if (toUserId !== undefined) return 'outbound';
  // The thread is named after the customer: a sender other than the customer is the business.
  if (from !== undefined && thread.id !== undefined) return 'outbound';
  return 'inbound';
}

export function historyChunk(change: Change, raw: unknown, where: string) {
  const { out } = change;
  if (!isRecord(raw)) {
    out.issues.push(`${where}: history chunk is not an object; kept as a change event`);
    out.records.push(changeEvent(change.field, change.lineId, raw));
    return;
  }
  if (raw.metadata !== undefined) {
    check(HistoryMetadataSchema, raw.metadata, `${where}.metadata`, out.issues);
    out.records.push(changeEvent(change.field, change.lineId, raw.metadata));
  }
  const threads = Array.isArray(raw.threads) ? raw.threads : [];
  threads.forEach((thread, t) => {
    const tWhere = `${where}.threads[${t}]`;
    if (!isRecord(thread) || !Array.isArray(thread.messages)) {
      out.issues.push(`${tWhere}: thread without a messages array; kept as a change event`);
      out.records.push(changeEvent(change.field, change.lineId, thread));
      return;
    }
    const customer: ThreadCustomer = {
      id: typeof thread.id === 'string' ? present(thread.id) : undefined,
      userId: isRecord(thread.context) && typeof thread.context.user_id === 'string' ? present(thread.context.user_id) : undefined,
    };
    if (customer.id === undefined && customer.userId === undefined) out.issues.push(`${tWhere}: thread without an id or context.user_id`);
    thread.messages.forEach((rawMessage, k) => {
      const mWhere = `${tWhere}.messages[${k}]`;
      const m = readMessage(change, rawMessage, mWhere);
      if (!m) return;
      const direction = historyDirection(m, customer, change.lineDisplayNumber);
      const [phone, userId] = direction === 'inbound' ? [present(m.from), present(m.from_user_id)] : [present(m.to), present(m.to_user_id)];
      const contactId = customer.id ?? customer.userId ?? phone ?? userId;
      if (contactId === undefined) out.issues.push(`${mWhere} (${m.id}): customer unknown (no thread id, context.user_id, from or to)`);
      emitMessage(change, m, rawMessage as Json, mWhere, {
        direction,
        source: 'history',
        contactId,
        contactUserId: userId ?? customer.userId,
      });
    });
  });
  if (Array.isArray(raw.errors)) changeErrors(change, raw.errors, `${where}.errors`);
}
