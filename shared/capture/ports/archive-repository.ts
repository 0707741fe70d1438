import type { MessageRecord, NormalizedRecord } from '../records';
import type { ExpiryAttributes, RecordExpiry } from '../../privacy/retention';

/** Where a record came from: the raw object it was projected from. */
export interface ProjectionContext {
  rawKey: string;
  receivedAt?: string;
  /** Retention: the `expiresAt` (or, under a legal hold, `heldExpiresAt`) of each record. @default none */
  expiry?: RecordExpiry;
  /**
   * Whether a message must go through the compliance check: such a message is written with
   * the pending-check index keys and stays on the re-drive's list until its check completes
   * (`complianceAt` set, keys removed). @default none is
   */
  needsCheck?: (message: MessageRecord) => boolean;
}

/** A message whose compliance check has not completed (docs/reliability.md). */
export interface PendingCheck {
  messageId: string;
  /** When the message was first archived: the re-drive waits a grace period after it. */
  since: string;
  /** Flows the re-drive has started for it so far. */
  redrives: number;
}

export interface SaveOutcome {
  /** Records written for the first time. */
  created: number;
  /** Records already present with the same content (Meta retries, replays). */
  duplicates: number;
  /** Same message id with different content: the first is kept, the other recorded beside it. */
  conflicts: number;
}

export interface ProjectionSummary extends SaveOutcome {
  records: number;
  issues: string[];
  error?: string;
  /** Records left out because they belong to an erased contact (docs/privacy.md). */
  erased?: number;
  /** The erased contacts those records were about (so a later erasure run can find this raw object). */
  erasedContacts?: string[];
  /** Fields whose changes were kept only as change events, once per change (NormalizeResult). */
  unprojectedFields?: string[];
}

export interface MessageFilter {
  lineId?: string;
  contactId?: string;
  /** ISO 8601 lower bound on the message timestamp. */
  since?: string;
  /** Only the newest N (still listed oldest first). */
  limit?: number;
}

/** A message as listed by the CLI (`vigia messages --json`). */
export interface MessageView {
  id: string;
  direction: string;
  source: string;
  type: string;
  lineId: string;
  contactId?: string;
  timestamp: string;
  text?: string;
  status?: string;
  statusAt?: string;
  contextId?: string;
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  editOf?: string;
  revokes?: string;
  reactionTo?: string;
  emoji?: string;
  edits: string[];
  revokedBy: string[];
  reactions: string[];
  media?: Record<string, unknown>;
  /** The archived file (after media capture): state, sha256, sniffed type, size, hash verdict. */
  mediaFile?: Record<string, unknown>;
  /** The compliance checks' results (language, sentiment, matched policies, file verdict). */
  compliance?: Record<string, unknown>;
  alertIds: string[];
  errors?: unknown[];
  historyStatus?: string;
  unsupportedType?: string;
  groupId?: string;
  conflicts: number;
  /**
   * Group messages: every participant's receipt (statuses with `recipient_participant_id` or
   * `recipient_participant_user_id`), oldest first; absent for one-to-one messages.
   */
  receipts?: MessageReceipt[];
}

/** One group participant's status of a message. */
export interface MessageReceipt {
  /** Phone number, or BSUID when the status names no number. */
  participant: string;
  status: string;
  timestamp: string;
}

export interface CallFilter {
  lineId?: string;
  /** Phone number or BSUID. */
  contactId?: string;
}

/** A call as listed (`vigia calls --json`): its events merged, whatever order they arrived in. */
export interface CallView {
  id: string;
  lineId: string;
  /** The customer: phone number, else BSUID. */
  contactId?: string;
  contactUserId?: string;
  direction?: string;
  /** The terminate status (e.g. COMPLETED, FAILED), else the latest call status (RINGING, ACCEPTED, REJECTED). */
  status?: string;
  /** The terminate's `start_time`, else the connect's time. */
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  /** The events received (connect, status, terminate). */
  events: string[];
}

export interface ArchiveRepository {
  save(record: NormalizedRecord, context: ProjectionContext, index: number): Promise<keyof SaveOutcome>;
  markProjected(rawKey: string, summary: ProjectionSummary, expiry?: ExpiryAttributes): Promise<void>;
  /** Of the given raw keys, those that have been projected. */
  projectedKeys(rawKeys: string[]): Promise<Set<string>>;
  listMessages(filter: MessageFilter): Promise<MessageView[]>;
  getMessage(id: string): Promise<MessageView | undefined>;
  /** Calling API calls, oldest first. */
  listCalls(filter?: CallFilter): Promise<CallView[]>;
  /** Stores the check results and marks the message checked (it leaves the re-drive's list). */
  recordCompliance(messageId: string, results: unknown, at: string): Promise<void>;
  /** Of the given messages, those whose compliance check has completed (stored state, read consistently). */
  checkedMessageIds(messageIds: string[]): Promise<Set<string>>;
  /** Messages still pending a check that were archived before `before` (ISO), oldest first. */
  pendingChecks(before: string): Promise<PendingCheck[]>;
  /** Counts a re-drive of the message's check. */
  markCheckRedriven(messageId: string): Promise<void>;
  recordFlowFailure(messageId: string, failure: { Error: string; Cause?: string }, at: string): Promise<void>;
}
