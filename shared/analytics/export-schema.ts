/**
 * The analytics export's schema: the single source of truth for the Parquet files the export
 * writes (shared/analytics/parquet.ts), the Glue tables Athena reads them through
 * (infra/constructs/analytics-catalog.ts) and the column tables of docs/analytics.md
 * (rendered by `renderSchemaMarkdown`, checked by test/analytics/schema-doc.test.ts).
 *
 * Versioned: a change that renames, removes or retypes a column bumps `EXPORT_SCHEMA_VERSION`,
 * and the next scheduled export then rewrites every day (see shared/analytics/export.ts).
 * Adding a nullable column at the end is compatible with files already written (Athena and
 * DuckDB read it as NULL there) but still bumps the version, so old days get the new column.
 *
 * No imports on purpose: the CDK app, the export function and the docs script all load it.
 */

export const EXPORT_SCHEMA_VERSION = 1;

/** Column types, named like their Glue (Hive) type. */
export type ExportColumnType = 'string' | 'timestamp' | 'bigint' | 'int' | 'double' | 'boolean';

export interface ExportColumn {
  /** snake_case, as queried in Athena and DuckDB. */
  readonly name: string;
  readonly type: ExportColumnType;
  readonly description: string;
  /** Never NULL (the table's ids). @default - nullable */
  readonly required?: true;
}

export interface ExportTable {
  readonly description: string;
  /** What the `dt` partition (a UTC day) of a row is. */
  readonly partition: string;
  readonly columns: readonly ExportColumn[];
}

export type ExportTableName = 'messages' | 'statuses' | 'alerts' | 'media';

/** The Hive partition column of every table: the UTC day, `YYYY-MM-DD`, from the object key `dt=…`. */
export const EXPORT_PARTITION_KEY = {
  name: 'dt',
  /** A string in Glue (partition projection of type `date` formats it); DuckDB's hive partitioning reads it as a DATE. */
  type: 'string',
  /** Java DateTimeFormatter pattern, for Athena's partition projection. */
  projectionFormat: 'yyyy-MM-dd',
} as const;

/**
 * Where the export keeps what it did last (in the analytics bucket): outside every table location,
 * where Athena would read it as data.
 */
export const EXPORT_WATERMARK_KEY = 'state/export-watermark.json';

/** The one file of a table-day. */
export const EXPORT_FILE_NAME = 'data.parquet';

/** `exports/<table>/` (with `ANALYTICS_PREFIXES.exports`). */
export function exportTablePrefix(exportsPrefix: string, table: ExportTableName): string {
  return `${exportsPrefix}${table}/`;
}

/** `exports/<table>/dt=YYYY-MM-DD/data.parquet`: exactly one object per table and day. */
export function exportObjectKey(exportsPrefix: string, table: ExportTableName, day: string): string {
  return `${exportTablePrefix(exportsPrefix, table)}${EXPORT_PARTITION_KEY.name}=${day}/${EXPORT_FILE_NAME}`;
}

const employee: ExportColumn = {
  name: 'employee',
  type: 'string',
  description: "The line's employee (`lines[].employee` of the config); NULL when the config does not list the line",
};
const team: ExportColumn = { name: 'team', type: 'string', description: "The line's team (`lines[].team`); NULL when the line has none or is not listed" };

export const EXPORT_TABLES: Readonly<Record<ExportTableName, ExportTable>> = {
  messages: {
    description: 'One row per archived message (customer messages, employee echoes, the history backfill; reactions, edits and deletes are messages of their own).',
    partition: "UTC day of `sent_at` (the message's own timestamp, not when it was received)",
    columns: [
      { name: 'message_id', type: 'string', required: true, description: 'WhatsApp message id (wamid)' },
      { name: 'line_id', type: 'string', required: true, description: "Corporate line: Meta's phone_number_id" },
      employee,
      team,
      { name: 'contact_id', type: 'string', description: "The customer: phone number (wa_id) or business-scoped user id" },
      { name: 'direction', type: 'string', description: '`inbound` (customer → business) or `outbound` (business → customer)' },
      { name: 'source', type: 'string', description: '`cloud_api` (messages webhook), `business_app` (typed in the WhatsApp Business app), `business_agent` (a Meta Business Agent conversation: `standby`) or `history` (backfill)' },
      { name: 'type', type: 'string', description: 'WhatsApp message type as received: `text`, `image`, `document`, `reaction`, `edit`, `revoke`, `system`, `unsupported`…' },
      { name: 'sent_at', type: 'timestamp', description: "The message's timestamp (UTC)" },
      { name: 'text', type: 'string', description: 'Text body or caption, with what the pii policies\' detectors find masked. NULL unless the config sets `analytics.includeText: true`' },
      { name: 'text_length', type: 'int', description: 'Length of the text in characters (exported even when the text is not); NULL when there is none' },
      { name: 'has_media', type: 'boolean', description: 'The message carries a media file (image, audio, video, document, sticker)' },
      { name: 'media_id', type: 'string', description: 'Its media id (join with `media.media_id`)' },
      { name: 'reply_to', type: 'string', description: 'The message replied to (`context.id`)' },
      { name: 'forwarded', type: 'boolean', description: 'Marked as forwarded by WhatsApp' },
      { name: 'edit_of', type: 'string', description: 'For an edit: the message edited' },
      { name: 'revokes', type: 'string', description: 'For a delete (revoke): the message deleted' },
      { name: 'reaction_to', type: 'string', description: 'For a reaction: the message reacted to' },
      { name: 'revoked', type: 'boolean', description: 'This message was later deleted by its sender' },
      { name: 'latest_status', type: 'string', description: 'Furthest delivery status of an outbound message: `sent`, `delivered`, `read`, `played` or `failed`' },
      { name: 'latest_status_at', type: 'timestamp', description: 'When it reached that status (UTC)' },
      { name: 'sentiment', type: 'string', description: '`POSITIVE`, `NEGATIVE`, `NEUTRAL` or `MIXED` from the compliance checks; NULL when not analysed' },
      { name: 'sentiment_score', type: 'double', description: "Score (0–1) of that sentiment, from the analyzer that decided it" },
      { name: 'alert_count', type: 'int', description: 'Compliance alerts raised on this message' },
    ],
  },
  statuses: {
    description: 'One row per delivery status event of an outbound message (sent, delivered, read, played, failed).',
    partition: "UTC day of the message's `sent_at` (statuses are kept with their message; a status of a message not in the archive is not exported)",
    columns: [
      { name: 'message_id', type: 'string', required: true, description: 'The message the status is about (join with `messages.message_id`)' },
      { name: 'line_id', type: 'string', required: true, description: 'Corporate line' },
      { name: 'status', type: 'string', description: '`sent`, `delivered`, `read`, `played`, `failed` (or a newer value Meta sends)' },
      { name: 'status_at', type: 'timestamp', description: 'When Meta says it happened (UTC)' },
      { name: 'recipient_id', type: 'string', description: 'The customer it was delivered to' },
      { name: 'error_code', type: 'int', description: "Meta's error code of a `failed` status" },
      { name: 'error_title', type: 'string', description: "Meta's error title" },
      { name: 'pricing_category', type: 'string', description: 'Pricing category Meta reports (`service`, `marketing`, `utility`, `authentication`…)' },
      { name: 'billable', type: 'boolean', description: 'Whether Meta bills the message' },
    ],
  },
  alerts: {
    description: 'One row per compliance alert (one per message and policy).',
    partition: 'UTC day of `created_at`',
    columns: [
      { name: 'alert_id', type: 'string', required: true, description: 'Alert id' },
      { name: 'message_id', type: 'string', required: true, description: 'The message that raised it (join with `messages.message_id`)' },
      { name: 'line_id', type: 'string', required: true, description: 'Corporate line' },
      employee,
      team,
      { name: 'contact_id', type: 'string', description: 'The customer of the conversation' },
      { name: 'policy_id', type: 'string', description: 'Policy of the config that matched' },
      { name: 'kind', type: 'string', description: '`keyword`, `file`, `sentiment` or `pii`' },
      { name: 'severity', type: 'string', description: '`low`, `medium` or `high`' },
      { name: 'status', type: 'string', description: 'Status at export time: `open`, `acknowledged` or `resolved`' },
      { name: 'created_at', type: 'timestamp', description: 'When the alert was raised (UTC)' },
      { name: 'notified_at', type: 'timestamp', description: 'When the managers were notified' },
      { name: 'acknowledged_at', type: 'timestamp', description: 'When it was acknowledged (first time)' },
      { name: 'resolved_at', type: 'timestamp', description: 'When it was resolved' },
    ],
  },
  media: {
    description: 'One row per media file referenced by a message (metadata only: never the bytes, never the filename).',
    partition: 'UTC day of `created_at`',
    columns: [
      { name: 'media_id', type: 'string', required: true, description: 'Graph API media id' },
      { name: 'message_id', type: 'string', required: true, description: 'The message carrying it' },
      { name: 'line_id', type: 'string', required: true, description: 'Corporate line' },
      employee,
      team,
      { name: 'message_type', type: 'string', description: '`image`, `audio`, `video`, `document` or `sticker`' },
      { name: 'declared_mime', type: 'string', description: 'MIME type the sender declared' },
      { name: 'sniffed_mime', type: 'string', description: "Real type from the file's bytes; NULL until stored, or when unknown" },
      { name: 'extension', type: 'string', description: "Lower-case extension of the file name" },
      { name: 'size_bytes', type: 'bigint', description: 'Stored size in bytes' },
      { name: 'state', type: 'string', description: '`pending`, `stored`, `failed` or `expired`' },
      { name: 'hash_verified', type: 'boolean', description: "Stored bytes match Meta's sha256 (NULL when Meta gave none or not stored yet)" },
      { name: 'created_at', type: 'timestamp', description: 'When the webhook referencing it was received (UTC)' },
      { name: 'stored_at', type: 'timestamp', description: 'When the file was stored in the archive' },
    ],
  },
};

export const EXPORT_TABLE_NAMES = Object.keys(EXPORT_TABLES) as ExportTableName[];

/** The Glue (Hive) column type of an export column. */
export function glueType(type: ExportColumnType): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'timestamp':
      return 'timestamp';
    case 'bigint':
      return 'bigint';
    case 'int':
      return 'int';
    case 'double':
      return 'double';
    case 'boolean':
      return 'boolean';
  }
}

/** Markdown of the schema, as docs/analytics.md shows it between its `export-schema` markers. */
export function renderSchemaMarkdown(): string {
  const escapePipes = (text: string) => text.replace(/\|/g, '\\|');
  const sections = EXPORT_TABLE_NAMES.map((name) => {
    const table = EXPORT_TABLES[name];
    const rows = table.columns.map((column) => `| \`${column.name}\` | ${column.type}${column.required ? ' (never NULL)' : ''} | ${escapePipes(column.description)} |`);
    return [
      `### \`${name}\``,
      '',
      `${table.description} Partition \`dt\`: ${table.partition}.`,
      '',
      '| column | type | meaning |',
      '|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return [`Schema version ${EXPORT_SCHEMA_VERSION}.`, '', ...sections.flatMap((section, i) => (i === 0 ? [section] : ['', section]))].join('\n');
}
