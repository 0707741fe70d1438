/** Where raw webhook bodies are made durable, verbatim, before Meta gets its 200. */
export interface RawWebhookMetadata {
  /** The `X-Hub-Signature-256` header as received. */
  signature: string;
  /** ISO 8601 receive time. */
  receivedAt: string;
}

export interface RejectedWebhookMetadata extends RawWebhookMetadata {
  /** Why the body was answered with 400 (kept: nothing Meta signed is lost). */
  reason: string;
}

export interface StoredRawWebhook {
  key: string;
  body: Buffer;
  metadata: Partial<RawWebhookMetadata>;
}

export interface RawObjectSummary {
  key: string;
  size: number;
}

export interface RawArchive {
  /** Stores the body under its content address; the same bytes always get the same key. */
  putRaw(body: Buffer, metadata: RawWebhookMetadata): Promise<string>;
  putRejected(body: Buffer, metadata: RejectedWebhookMetadata): Promise<string>;
  getRaw(key: string): Promise<StoredRawWebhook>;
  /** Every raw body of both key layouts (shared/capture/raw-key.ts), oldest day first; `sinceDay` (YYYY-MM-DD) skips earlier days. */
  listRaw(options?: { sinceDay?: string }): AsyncIterable<RawObjectSummary>;
}
