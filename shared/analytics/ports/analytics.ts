/** An archive item as stored in the table (docs/data-model.md), keys and index attributes included. */
export type ArchiveItem = Record<string, any>;

/** What the analytics export reads: the archive table, day by day (UTC). */
export interface AnalyticsSource {
  /** Messages with content sent on `day` (`YYYY-MM-DD`), as stored (stubs are not listed). */
  messagesOfDay(day: string): Promise<ArchiveItem[]>;
  /** The status events of one message, as stored. */
  statusesOf(messageId: string): Promise<ArchiveItem[]>;
  /** Alerts created on `day`, whatever their status. */
  alertsOfDay(day: string): Promise<ArchiveItem[]>;
  /** Media items registered on `day`, whatever their state. */
  mediaOfDay(day: string): Promise<ArchiveItem[]>;
  /** The earliest day of any message, alert or media item; undefined when the archive is empty. */
  earliestDay(): Promise<string | undefined>;
}

/** Where the analytics export writes: the analytics bucket. */
export interface AnalyticsStore {
  /** Creates or replaces an object. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Deletes an object; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /** A JSON object, or undefined when there is none. */
  readJson<T>(key: string): Promise<T | undefined>;
  writeJson(key: string, value: unknown): Promise<void>;
}
