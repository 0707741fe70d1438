/**
 * Normalized records: what Vigia keeps of a WhatsApp webhook once it has been parsed.
 * Produced by `normalizeWebhook` (shared/capture/whatsapp/normalize/), persisted by the archive
 * repository (shared/capture/adapters/dynamodb-archive-repository.ts), listed by the CLI.
 */

/** inbound = customer → business; outbound = business → customer. */
export type Direction = 'inbound' | 'outbound';

/**
 * Where a message came from:
 * - cloud_api: `messages` webhook (customer messages received through the Cloud API)
 * - business_app: `smb_message_echoes` (what the employee typed in the WhatsApp Business app)
 * - history: `history` backfill of a coexistence number (its `messages[]` media follow-ups and
 *   `message_echoes[]` included)
 * - business_agent: `standby` (Meta Business Agent conversations: the customer's messages and the
 *   agent's replies while Meta's AI agent handles the chat)
 */
export type Source = 'cloud_api' | 'business_app' | 'history' | 'business_agent';

export interface WhatsAppError {
  code?: number;
  title?: string;
  message?: string;
  details?: string;
  href?: string;
}

export interface MediaReference {
  /** Graph API media id (downloadable for 7 days after the webhook). */
  mediaId: string;
  mimeType?: string;
  /** As Meta sent it: hex or base64. */
  sha256?: string;
  filename?: string;
  caption?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface MessageRecord {
  kind: 'message';
  /** The WhatsApp message id (wamid). Unique key of the record. */
  id: string;
  /** `metadata.phone_number_id`: the corporate line. */
  lineId: string;
  lineDisplayNumber?: string;
  /** `entry[].id`: the WhatsApp Business Account. */
  wabaId?: string;
  /** The customer: phone number (wa_id) or business-scoped user id when no number is given. */
  contactId?: string;
  /** Business-scoped user id (BSUID) when present. */
  contactUserId?: string;
  direction: Direction;
  source: Source;
  /** WhatsApp message type as received (`text`, `image`, …, `edit`, `revoke`, `unsupported`, or any unknown type). */
  type: string;
  /** ISO 8601, from the message's Unix `timestamp` (string or number). */
  timestamp: string;
  /** Text body, media caption, button/list title, order text, system body, location name… when any. */
  text?: string;
  /** Reply-to: `context.id` / `context.from`. */
  contextId?: string;
  contextFrom?: string;
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  referral?: Record<string, unknown>;
  media?: MediaReference;
  /** Reactions: the message reacted to; `emoji` is '' when the reaction was removed. */
  reactionTo?: string;
  emoji?: string;
  /** Edits: the original message id. */
  editOf?: string;
  /** Revokes (deletes): the original message id. */
  revokes?: string;
  /** `messages[].errors` (unsupported, failed media…). */
  errors?: WhatsAppError[];
  /** History backfill: `history_context.status`. */
  historyStatus?: string;
  /** `unsupported.type` (Meta currently delivers user edits as unsupported with type "edit"). */
  unsupportedType?: string;
  /** Group messages: `group_id`. */
  groupId?: string;
  /** The message object exactly as received (unknown fields included). */
  payload: Record<string, unknown>;
}

export type StatusValue = 'sent' | 'delivered' | 'read' | 'played' | 'failed' | (string & {});

export interface StatusRecord {
  kind: 'status';
  /** The wamid of the business's message this status is about. */
  messageId: string;
  lineId: string;
  status: StatusValue;
  timestamp: string;
  recipientId?: string;
  recipientUserId?: string;
  /** Group sends: the participant (also read from the misspelled `participant_recipient_id`). */
  recipientParticipantId?: string;
  /** Group sends to username adopters: the participant's BSUID (`recipient_participant_user_id`). */
  recipientParticipantUserId?: string;
  errors?: WhatsAppError[];
  pricing?: Record<string, unknown>;
  conversation?: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export interface ContactRecord {
  kind: 'contact';
  lineId: string;
  /** Phone number (wa_id / state-sync phone_number) or BSUID. */
  contactId: string;
  waId?: string;
  userId?: string;
  parentUserId?: string;
  name?: string;
  username?: string;
  countryCode?: string;
  /** webhook = `value.contacts[]` profile; state_sync = `smb_app_state_sync` contact-book entry. */
  origin: 'webhook' | 'state_sync';
  /** state_sync only. */
  action?: 'add' | 'remove' | (string & {});
  timestamp?: string;
}

/** Change-level errors (`value.errors[]`, `history[].errors[]`). */
export interface ChangeErrorRecord {
  kind: 'change_error';
  field: string;
  lineId?: string;
  errors: WhatsAppError[];
}

/**
 * Anything else that arrived and is not a message/status/contact: other webhook fields
 * (user_preferences, account_update, template updates, calls…), history chunk metadata.
 * Kept verbatim so nothing signed by Meta is dropped.
 */
export interface ChangeEventRecord {
  kind: 'change_event';
  field: string;
  lineId?: string;
  payload: Record<string, unknown>;
}

/**
 * Two identifiers of the same person: a `system` message `user_changed_user_id`
 * (`previous_user_id` → `user_id`), `user_changed_number` (old → new `wa_id`), or a contact seen
 * with both a phone number and a BSUID. Subject export, erasure and legal holds by either
 * identifier cover both.
 */
export interface IdentityLinkRecord {
  kind: 'identity_link';
  lineId?: string;
  /** The two identifiers (phone number or BSUID), the older first when the change says which. */
  from: string;
  to: string;
  reason: 'user_changed_user_id' | 'user_changed_number' | 'contact_profile';
  timestamp?: string;
}

/** A Calling API event (`calls` field): one record per call id and event. */
export interface CallRecord {
  kind: 'call';
  /** The call id (`calls[].id`). */
  id: string;
  lineId: string;
  /** The customer: phone number, or BSUID for username adopters. */
  contactId?: string;
  contactUserId?: string;
  /** USER_INITIATED → inbound, BUSINESS_INITIATED → outbound. */
  direction?: Direction;
  /** `event` (connect, terminate), or `status` for a `statuses[]` item of type `call` (RINGING, ACCEPTED, REJECTED…). */
  event?: string;
  /** `status` (e.g. COMPLETED, FAILED) when Meta sends one. */
  status?: string;
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  timestamp: string;
  /** `calls[].errors` (a failed call). */
  errors?: WhatsAppError[];
  payload: Record<string, unknown>;
}

export type NormalizedRecord =
  | MessageRecord
  | StatusRecord
  | ContactRecord
  | ChangeErrorRecord
  | ChangeEventRecord
  | IdentityLinkRecord
  | CallRecord;

export interface NormalizeResult {
  records: NormalizedRecord[];
  /** Human-readable notes on parts that did not match the known schemas (kept anyway). */
  issues: string[];
  /**
   * Webhook fields whose changes were kept only as change events (not projected into messages,
   * statuses, contacts or calls), once per change: counted by a metric so a new Meta field is seen.
   */
  unprojectedFields: string[];
}
