import type { MessageView } from './archive-repository';

/** One conversation: the messages between a line and a contact. */
export interface ConversationSummary {
  lineId: string;
  contactId: string;
  /** Timestamp of its newest message in the range read. */
  lastMessageAt: string;
  /** Messages in the range read. */
  messageCount: number;
}

export interface ConversationFilter {
  /** The lines to list (the reader's scope, narrowed by a `line` filter); empty: none; undefined: every line (needs `contactId`). */
  lineIds?: readonly string[];
  contactId?: string;
  /** ISO 8601 bounds on the message timestamps: `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
}

export interface ThreadRequest {
  lineId: string;
  contactId: string;
  /** Messages before this message position (`<timestamp>#<id>`) or instant (ISO); the newest when absent. */
  before?: string;
  /** Messages after this position or instant. */
  after?: string;
  limit: number;
}

/**
 * Reads of the archive by conversation (the console). Read-only: no port of the archive lets
 * anyone change or delete an archived message.
 */
export interface ConversationReader {
  /** Conversations with a message in the range, newest first. */
  conversations(filter: ConversationFilter): Promise<ConversationSummary[]>;
  /**
   * Up to `limit` messages of one conversation, oldest first: the newest ones before `before` (or
   * of all), or with `after` the oldest ones after it.
   */
  thread(request: ThreadRequest): Promise<MessageView[]>;
}
