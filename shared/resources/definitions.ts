/**
 * One source of truth for the stateful resources: the CDK stack and the local stack both
 * create the archive table and bucket from these definitions.
 */

export interface KeyDefinition {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey: KeyDefinition;
  /**
   * KEYS_ONLY: the index holds only keys, so updating an item's other attributes costs no index
   * write (readers fetch the items by key). ALL: every attribute, rewritten on every update.
   * `{ include }`: the keys plus the named attributes (DynamoDB's INCLUDE) — what a reader filters
   * on without the rest of the item; an update writes the index only when it changes one of them
   * or the keys. AWS allows at most 100 such attributes across all the indexes of a table.
   */
  readonly projection: IndexProjection;
}

export type IndexProjection = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

/** The attributes an INCLUDE index projects besides the keys; none for ALL and KEYS_ONLY. */
export function includedAttributes(index: Pick<IndexDefinition, 'projection'>): readonly string[] {
  return typeof index.projection === 'object' ? index.projection.include : [];
}

export interface TableDefinition {
  readonly partitionKey: KeyDefinition;
  readonly sortKey: KeyDefinition;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
}

/**
 * Single-table design (see docs/data-model.md):
 * - `MSG#<wamid>` / `MSG`               message (or a stub holding statuses/links until it arrives)
 * - `MSG#<wamid>` / `STATUS#…`          one item per status event
 * - `MSG#<wamid>` / `CONFLICT#<sha256>` same id seen with different content
 * - `CONTACT#<line>#<contact>` / `PROFILE` and `SYNC#…`
 * - `IDENTITY#<id>` / `LINK#<other id>`  two identifiers of one person (both directions)
 * - `CALL#<call id>` / `CALL` and `EVENT#…` a Calling API call: summary, one item per event
 * - `RAW#<key>` / `RAW`                 projection marker of a raw webhook
 * - `MEDIA#<media id>` / `MEDIA`        a media file: download state, hashes, sniffed type
 * - `ALERT#<alert id>` / `ALERT`        a compliance alert with its audit trail and deliveries
 * - `NOTICE#<line>` / `POLICY#<version>` the usage-policy notice of a line's employee, and its acknowledgement
 * - `DISCLOSURE#<line>#<contact>` / `LATEST` and `SENT#…`  the first-contact disclosure: claim, evidence
 * - `EVENT#<raw key>` / `<n>`           change-level errors and other fields
 */
export const ARCHIVE_TABLE: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    // Message indexes project keys only: a message item is updated several times after it is
    // written (statuses, check results, alerts, links, its media file) and with all attributes
    // projected each update would be written again to all three indexes (4× the write units).
    // messages of a corporate line in time order
    { indexName: 'byLine', partitionKey: { name: 'linePk', type: 'S' }, sortKey: { name: 'lineSk', type: 'S' }, projection: 'KEYS_ONLY' },
    // messages of a contact in time order
    { indexName: 'byContact', partitionKey: { name: 'contactPk', type: 'S' }, sortKey: { name: 'contactSk', type: 'S' }, projection: 'KEYS_ONLY' },
    // every message of a UTC day in time order (listing, export)
    { indexName: 'byDay', partitionKey: { name: 'dayPk', type: 'S' }, sortKey: { name: 'daySk', type: 'S' }, projection: 'KEYS_ONLY' },
    // media items by download state (pending, stored, failed, expired), oldest first; the state
    // is part of the key, so most updates move the item in the index anyway
    { indexName: 'byMediaState', partitionKey: { name: 'mediaStatePk', type: 'S' }, sortKey: { name: 'mediaStateSk', type: 'S' }, projection: 'ALL' },
    // compliance alerts by status (open, acknowledged, resolved), oldest first
    { indexName: 'byAlertStatus', partitionKey: { name: 'alertStatusPk', type: 'S' }, sortKey: { name: 'alertStatusSk', type: 'S' }, projection: 'ALL' },
    // The same alerts with only what the console's per-status counts filter on (lineId, severity,
    // team, policyId; the dates are in the sort key): a count reads every alert of the matching
    // partitions, and through byAlertStatus that means each one whole, history and evidence
    // included. Must name every attribute partitionQuery's FilterExpression reads (in
    // shared/compliance/adapters/dynamodb-alert-repository.ts): DynamoDB treats an attribute the
    // index lacks as absent, so a missing one makes the filter count 0, without an error.
    {
      indexName: 'byAlertStatusForCounts',
      partitionKey: { name: 'alertStatusPk', type: 'S' },
      sortKey: { name: 'alertStatusSk', type: 'S' },
      projection: { include: ['lineId', 'severity', 'team', 'policyId'] },
    },
    // Sparse: work handed off but not yet done, oldest first — messages whose compliance check has
    // not completed (`CHECK#<shard>`) and alerts not yet delivered to every matching subscription
    // (`NOTIFY`). The item leaves the index when the work is done; the re-drive reads what stays.
    { indexName: 'byPending', partitionKey: { name: 'pendingPk', type: 'S' }, sortKey: { name: 'pendingSk', type: 'S' }, projection: 'KEYS_ONLY' },
    // Sparse: every item that names a contact, under the contact (`SUBJECT#<id>`), grouped by
    // partition — how subject requests, erasures and holds find a person's items without a Scan
    // (shared/resources/subject-index.ts). Keys only: readers fetch the items by key.
    { indexName: 'bySubject', partitionKey: { name: 'subjectPk', type: 'S' }, sortKey: { name: 'pk', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
};

/** Areas (key prefixes) of the archive bucket. Grants are scoped to these. */
export const ARCHIVE_PREFIXES = {
  /** Raw webhook bodies, verbatim, content-addressed. Writing here triggers ingest. */
  raw: 'raw/',
  /** Signed bodies that were not valid JSON / not a WhatsApp envelope (answered 200, counted, alarmed), kept for inspection. */
  rejected: 'rejected/',
  /** Media files (issue: media capture). */
  media: 'media/',
  /**
   * Tamper evidence (docs/evidence.md): signed digests, their leaf lists, the audit entries and
   * erasure records they seal. Never tagged for expiry: kept for as long as the bucket.
   */
  evidence: 'evidence/',
} as const;

/**
 * Areas (key prefixes) of the analytics bucket (issue 5), a bucket of its own: the archive bucket
 * may become WORM-locked, and nothing that handles webhooks may read the analytics. Layout and
 * schema: docs/analytics.md and shared/analytics/export-schema.ts.
 */
export const ANALYTICS_PREFIXES = {
  /** `exports/<table>/dt=YYYY-MM-DD/data.parquet`: one file per table and day, rewritten by each export of that day. */
  exports: 'exports/',
  /** Athena query results (the workgroup's enforced output location). */
  athenaResults: 'athena-results/',
} as const;

/** Meta's documented maximum webhook payload. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
