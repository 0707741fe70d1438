/**
 * Ports of the privacy operations of issue 8, part A: the employee notice (usage policy e-mailed
 * with a single-use acknowledgement link) and the first-contact disclosure sent to customers.
 * Items: docs/data-model.md (`NOTICE#…`, `DISCLOSURE#…`).
 */

// ── Employee notice ──────────────────────────────────────────────────────────────────────────────

/** One policy version's notice to one line's employee (`NOTICE#<line>` / `POLICY#<version>`). */
export interface NoticeRecord {
  lineId: string;
  policyVersion: string;
  employee: string;
  /** The address the last e-mail went to. */
  email: string;
  /** Nonce of the last link sent: only that link can acknowledge. */
  nonce: string;
  /** When the current sender took the item (before the e-mail went out). */
  claimedAt: string;
  /** When the last e-mail went out; absent while the first send is in progress. */
  sentAt?: string;
  /** Expiry of the last link sent (not `expiresAt`: that is the table's TTL attribute). */
  linkExpiresAt: string;
  /** E-mails sent for this version. */
  sends: number;
  acknowledgedAt?: string;
  /** Who acknowledged: the employee and address the link was sent to. */
  acknowledgedBy?: { employee: string; email: string };
  /** Request metadata of the acknowledgement (evidence). */
  acknowledgedFrom?: { sourceIp?: string; userAgent?: string };
}

export type NewNotice = Pick<NoticeRecord, 'lineId' | 'policyVersion' | 'employee' | 'email' | 'nonce' | 'claimedAt' | 'linkExpiresAt'>;

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; record: NoticeRecord }
  /** No notice item (never sent, or its first send failed). */
  | { outcome: 'not_found' }
  | { outcome: 'already_acknowledged'; record: NoticeRecord }
  /** A newer link was sent since (a re-send). */
  | { outcome: 'superseded'; record: NoticeRecord };

export interface NoticeRepository {
  get(lineId: string, policyVersion: string): Promise<NoticeRecord | undefined>;
  /**
   * Takes the notice of a version for a first send: creates the item, or takes over one whose
   * first send never completed and was claimed before `staleBefore`. False when someone else has it.
   */
  claim(notice: NewNotice, staleBefore: string): Promise<boolean>;
  /** The e-mail of the claim with this nonce went out. */
  markSent(lineId: string, policyVersion: string, nonce: string, sentAt: string): Promise<void>;
  /** The first send failed: drops the claim (only if it is still this nonce's and nothing was sent). */
  release(lineId: string, policyVersion: string, nonce: string): Promise<void>;
  /**
   * A re-send went out with a new link: only that link is valid from now on. False when the notice
   * was acknowledged meanwhile (nothing changed).
   */
  replaceLink(update: { lineId: string; policyVersion: string; email: string; employee: string; nonce: string; sentAt: string; linkExpiresAt: string }): Promise<boolean>;
  /** Records the acknowledgement once, for the link with this nonce (a conditional write). */
  acknowledge(
    lineId: string,
    policyVersion: string,
    nonce: string,
    acknowledgement: { at: string; by: { employee: string; email: string }; sourceIp?: string; userAgent?: string },
  ): Promise<AcknowledgeResult>;
}

/** One notice e-mail. */
export interface NoticeEmail {
  lineId: string;
  employee: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers notice e-mails: Amazon SES on AWS, the outbox file locally. */
export interface NoticeMailer {
  send(email: NoticeEmail): Promise<void>;
}

// ── First-contact disclosure ─────────────────────────────────────────────────────────────────────

/** Evidence that a contact was told (`DISCLOSURE#<line>#<contact>`). */
export interface DisclosureEvidence {
  /** The message that triggered it. */
  messageId: string;
  sentAt: string;
  /** Language of the text sent, and how it was chosen. */
  language: string;
  languageSource: 'compliance' | 'text' | 'phone' | 'default';
  /** SHA-256 (hex) of the exact text sent. */
  textHash: string;
  /** The id Meta gave the message sent (wamid). */
  wamid: string;
}

/** The latest state of a (line, contact) pair: the last evidence, a claim in progress, failures. */
export interface DisclosureRecord extends Partial<DisclosureEvidence> {
  lineId: string;
  contactId: string;
  claimId?: string;
  claimedAt?: string;
  sends: number;
  failures: number;
  lastFailureAt?: string;
  lastError?: string;
}

export interface DisclosureRepository {
  get(lineId: string, contactId: string): Promise<DisclosureRecord | undefined>;
  /** Every evidence item of a pair, oldest first (one per disclosure sent, renewals included). */
  history(lineId: string, contactId: string): Promise<DisclosureEvidence[]>;
  /**
   * Takes the right to send, with a conditional write: only when no disclosure was sent since
   * `renewBefore` and no other claim is younger than `staleBefore`. False when it must not send.
   */
  claim(lineId: string, contactId: string, claim: { claimId: string; claimedAt: string; messageId: string }, limits: { renewBefore: string; staleBefore: string }): Promise<boolean>;
  /** Keeps the evidence and ends the claim. */
  recordSent(lineId: string, contactId: string, claimId: string, evidence: DisclosureEvidence): Promise<void>;
  /** The send failed: ends the claim without evidence (a later message retries) and notes the error. */
  release(lineId: string, contactId: string, claimId: string, failure: { at: string; error: string }): Promise<void>;
}

/** Sends a WhatsApp text message from a line (the Cloud API's `POST /{phone-number-id}/messages`). */
export interface WhatsAppTextSender {
  sendText(lineId: string, to: string, body: string): Promise<{ messageId: string }>;
}
