import type { NormalizedRecord } from '../../capture/records';
import type { Readable } from 'node:stream';
import type { LegalHold } from '../retention';

/**
 * Ports of issue 8, part B: data subject requests (export, erasure), retention, legal holds and
 * the audit log. Items: docs/data-model.md ("Privacy items").
 */

/** What the projection (ingest, replay, crash recovery) asks about erasures and holds. */
export interface ProjectionPrivacy {
  /** The legal holds in force (one small partition). */
  activeHolds(): Promise<LegalHold[]>;
  /** Erasure tombstones of these contact identifiers: identifier → erasure time (ISO). */
  tombstones(contactIds: string[]): Promise<Map<string, string>>;
  /** Of these message ids, those erased (an `ERASED` marker in their partition). */
  erasedMessages(messageIds: string[]): Promise<Set<string>>;
  /**
   * Suspends the expiry (`expiresAt` → `heldExpiresAt`) of every item these records were written
   * to — their messages' and calls' partitions (of a group participant's receipt, that item only),
   * media items, profiles, change events — for a legal hold placed
   * while they were being projected. Returns how many items it moved.
   */
  holdProjected(records: readonly NormalizedRecord[], rawKey: string): Promise<number>;
  /**
   * Adds identifiers to a contact or conversation hold in force (an identity link to one of its
   * contacts was projected), each only once. The identifiers added; none when the hold was released.
   */
  extendHold(hold: LegalHold, contactIds: string[]): Promise<string[]>;
  /** One erasure tombstone per identifier (overwrites an existing one). */
  putTombstones(contactIds: string[], erasedAt: string): Promise<void>;
}

/** Re-tags an archived object (`vigia-retention=hold|expire`), e.g. a raw webhook that carries a held record. */
export interface ObjectRetentionTagger {
  tag(key: string, tag: 'expire' | 'hold'): Promise<void>;
}

export type ArchiveItem = Record<string, any>;
export interface ItemKey {
  pk: string;
  sk: string;
}

/** What the console records: every read of conversation content or a file, and every alert action. */
export type ConsoleAuditAction = 'console-alert-read' | 'console-conversation-read' | 'console-media-read' | 'console-alert-transition';

/**
 * One request to the audit log (`vigia audit`): who asked what, about whom, why, and what came of
 * it — privacy requests and sweeps, and the console's reads and alert actions.
 */
export interface AuditEntry {
  id: string;
  at: string;
  by: string;
  /** `alert-transition`: an alert acknowledged or resolved with `vigia alerts ack|resolve` (the console's are `console-alert-transition`). */
  action: 'subject-export' | 'subject-erase' | 'hold-add' | 'hold-remove' | 'retention-sweep' | 'alert-transition' | ConsoleAuditAction;
  outcome: 'done' | 'refused' | 'not-found' | 'failed';
  /** The contact as given in the request (phone number or BSUID). */
  contact?: string;
  lineId?: string;
  reason?: string;
  /** Refusal basis, output file, hold id… (one line). */
  detail?: string;
  counts?: Record<string, number>;
  /** The source IP of a console request (API Gateway's `requestContext.http.sourceIp`). */
  ip?: string;
}

/** What a subject scan looks for: items naming any of the contact identifiers, optionally on one line; or everything of a line. */
export interface ItemSelector {
  contactIds?: string[];
  lineId?: string;
}


/** Holds, tombstones, the audit log and subject scans (the DynamoDB adapter: DynamoDbPrivacyRepository). */
export interface PrivacyRepository extends ProjectionPrivacy {
  putHold(hold: LegalHold): Promise<boolean>;
  deleteHold(id: string): Promise<LegalHold | undefined>;
  putErasedMessageMarkers(messageIds: string[], erasedAt: string): Promise<void>;
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry>;
  listAudit(since?: string): Promise<AuditEntry[]>;
  /** Items naming any of the selector's contacts (on its line, when given), through the contact index, with their reference items. */
  indexedSubject(selector: ItemSelector): Promise<ArchiveItem[]>;
  /** Every item of a line (a hold on a whole line): a Scan. */
  scanSubject(selector: ItemSelector): Promise<ArchiveItem[]>;
  /** The identity link items stored under these identifiers (`IDENTITY#<id>`, read by key). */
  identityLinks(contactIds: string[]): Promise<ArchiveItem[]>;
  mediaItemsWithObjects(s3Keys: string[]): Promise<ArchiveItem[]>;
  expiredItems(nowSeconds: number): Promise<ArchiveItem[]>;
  partitions(pks: string[]): Promise<ArchiveItem[]>;
  getItems(itemKeys: ItemKey[]): Promise<ArchiveItem[]>;
  deleteItems(itemKeys: ItemKey[]): Promise<void>;
  moveExpiry(key: ItemKey, direction: 'hold' | 'release'): Promise<boolean>;
}

/** The archive bucket's objects as the privacy operations handle them (S3ArchiveObjects). */
export interface ArchiveObjects extends ObjectRetentionTagger {
  open(key: string): Promise<Readable>;
  list(prefix: string): AsyncIterable<{ key: string; size: number; lastModified: Date }>;
  deleteForGood(key: string): Promise<number>;
  retentionTag(key: string): Promise<string | undefined>;
  objectLockLegalHold(key: string, on: boolean): Promise<void>;
}
