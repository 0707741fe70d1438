import { createHash } from 'node:crypto';

/**
 * The first-contact disclosure: which messages may trigger it and when it may still be sent
 * (WhatsApp's customer service window). Kept free of the language detector: ingest imports it.
 */

/**
 * A business may send free-form messages for 24 hours after the customer's last message. The
 * disclosure is only sent this long after the triggering message: a webhook Meta retries days
 * later sends nothing. One minute is kept as a margin for clock skew and the send itself.
 */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600 * 1000;
const WINDOW_MARGIN_MS = 60 * 1000;

/** A claim older than this without evidence belongs to a send that was cut short: it may be taken over. */
export const DISCLOSURE_CLAIM_STALE_MS = 10 * 60 * 1000;

/** Message types that are not the customer starting or continuing a conversation. */
const NOT_A_CONVERSATION_TURN = new Set(['reaction', 'edit', 'revoke', 'system']);

/** The fields of a message (record or view) that decide whether it may trigger a disclosure. */
export interface DisclosureCandidate {
  direction: string;
  source: string;
  type: string;
  contactId?: string;
  groupId?: string;
  unsupportedType?: string;
}

/**
 * Only a customer's own message received through the Cloud API: never an echo of what the
 * employee typed (`smb_message_echoes`), the history backfill, the business's messages, a
 * reaction, an edit, a delete or a system notice, nor a group message (the disclosure goes to one
 * person).
 */
export function isDisclosureCandidate(message: DisclosureCandidate): boolean {
  return (
    message.direction === 'inbound' &&
    message.source === 'cloud_api' &&
    Boolean(message.contactId) &&
    !message.groupId &&
    !NOT_A_CONVERSATION_TURN.has(message.type) &&
    message.unsupportedType !== 'edit'
  );
}

/** True while a reply to a message sent at `timestamp` is inside the customer service window. */
export function insideServiceWindow(timestamp: string, now: Date): boolean {
  const sent = Date.parse(timestamp);
  return Number.isFinite(sent) && now.getTime() < sent + CUSTOMER_SERVICE_WINDOW_MS - WINDOW_MARGIN_MS;
}

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
