/**
 * What one extraction may consume. A file that needs more is not scanned (with the reason), except
 * for the output characters and PDF pages, past which the text read so far is kept (`truncated`).
 */
export interface ExtractionLimits {
  /** Size of the file itself. */
  maxInputBytes: number;
  /** Total bytes inflated from the parts of a ZIP-based document that are read. */
  maxInflatedBytes: number;
  /** Entries in a ZIP-based document's central directory. */
  maxZipEntries: number;
  /** Inflated ÷ compressed bytes of one entry, judged once it has inflated {@link RATIO_GRACE_BYTES}. */
  maxCompressionRatio: number;
  /** Characters of extracted text; the rest is dropped (`truncated: true`). */
  maxOutputChars: number;
  /** PDF pages read; the rest are dropped (`truncated: true`). */
  maxPdfPages: number;
  /** Wall-clock time for the whole extraction. */
  timeBudgetMs: number;
}

const MB = 1024 * 1024;

export const DEFAULT_EXTRACTION_LIMITS: Readonly<ExtractionLimits> = Object.freeze({
  maxInputBytes: 25 * MB,
  maxInflatedBytes: 50 * MB,
  maxZipEntries: 5_000,
  // Spreadsheet XML full of repeated empty styled cells reaches ~100:1; a zip bomb ~1000:1.
  maxCompressionRatio: 250,
  maxOutputChars: 5_000_000,
  maxPdfPages: 200,
  timeBudgetMs: 10_000,
});

/** Small entries may compress far better than the ratio limit without being a threat. */
export const RATIO_GRACE_BYTES = 1 * MB;

/** Which limit stopped an extraction, and how far it had got (e.g. bytes inflated at the stop). */
export interface LimitReached {
  name: keyof ExtractionLimits;
  limit: number;
  observed: number;
  /** ZIP-based documents: bytes inflated when the extraction stopped. */
  inflatedBytes?: number;
}

/** Thrown inside the extractors; {@link extractText} turns it into `{ scanned: false, reason }`. */
export class NotScannedError extends Error {
  constructor(
    readonly reason: string,
    readonly limitReached?: LimitReached,
  ) {
    super(reason);
    this.name = 'NotScannedError';
  }
}

/** The time budget of one extraction. */
export class Deadline {
  private readonly endsAt: number;

  constructor(private readonly budgetMs: number) {
    this.endsAt = performance.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /** Throws once the budget is spent; called between bounded steps (inflate chunks, PDF pages). */
  check(): void {
    if (performance.now() > this.endsAt) throw this.exceeded();
  }

  exceeded(): NotScannedError {
    return new NotScannedError(`not scanned: reading the file took longer than the ${formatDuration(this.budgetMs)} time budget`, {
      name: 'timeBudgetMs',
      limit: this.budgetMs,
      observed: Math.round(this.budgetMs + (performance.now() - this.endsAt)),
    });
  }
}

/** Collects the extracted text up to the character limit. */
export class TextOutput {
  private readonly parts: string[] = [];
  private length = 0;
  truncated = false;

  constructor(private readonly maxChars: number) {}

  get full(): boolean {
    return this.truncated;
  }

  get chars(): number {
    return this.length;
  }

  append(text: string): void {
    if (this.truncated || text.length === 0) return;
    const room = this.maxChars - this.length;
    if (text.length > room) {
      this.parts.push(text.slice(0, room));
      this.length += room;
      this.truncated = true;
      return;
    }
    this.parts.push(text);
    this.length += text.length;
  }

  /** Marks the text as incomplete without a character overflow (e.g. PDF pages past the limit). */
  markTruncated(): void {
    this.truncated = true;
  }

  text(): string {
    return this.parts.join('');
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
