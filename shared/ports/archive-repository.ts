import type { NormalizedRecord } from '../domain/records';
import type { ExpiryAttributes, RecordExpiry } from '../privacy/retention';

/** Where a record came from: the raw object it was projected from. */
export interface ProjectionContext {
  rawKey: string;
  receivedAt?: string;
  /** Retention: the `expiresAt` (or, under a legal hold, `heldExpiresAt`) of each record. @default none */
  expiry?: RecordExpiry;
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
  /** Records left out because they belong to an erased contact (README "Privacy and LGPD"). */
  erased?: number;
  /** The erased contacts those records were about (so a later erasure run can find this raw object). */
  erasedContacts?: string[];
}

export interface MessageFilter {
  lineId?: string;
  contactId?: string;
  /** ISO 8601 lower bound on the message timestamp. */
  since?: string;
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
}

export interface ArchiveRepository {
  save(record: NormalizedRecord, context: ProjectionContext, index: number): Promise<keyof SaveOutcome>;
  markProjected(rawKey: string, summary: ProjectionSummary, expiry?: ExpiryAttributes): Promise<void>;
  /** Of the given raw keys, those that have been projected. */
  projectedKeys(rawKeys: string[]): Promise<Set<string>>;
  listMessages(filter: MessageFilter): Promise<MessageView[]>;
  getMessage(id: string): Promise<MessageView | undefined>;
  recordCompliance(messageId: string, results: unknown, at: string): Promise<void>;
  recordFlowFailure(messageId: string, failure: { Error: string; Cause?: string }, at: string): Promise<void>;
}
