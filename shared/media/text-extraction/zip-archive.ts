import { Inflate } from 'fflate';
import { type Deadline, type ExtractionLimits, formatBytes, NotScannedError, RATIO_GRACE_BYTES } from './limits';

/**
 * Reads the parts of a ZIP-based document (XLSX, DOCX, ODS, ODT) under limits.
 *
 * Entries are listed from the central directory (what every ZIP reader trusts) and read at random,
 * in the order the caller needs (an XLSX's shared strings before its sheets, which Excel stores
 * after them). Sizes in the headers are only used to reject early: inflation is counted as it
 * happens and stops at the first limit passed, whatever the headers claim.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As declared; not trusted. */
  declaredSize: number;
  localHeaderOffset: number;
}

/**
 * Compressed bytes handed to the inflater per step. DEFLATE expands at most ~1032:1, so one step
 * inflates at most ~4 MB: how far past a limit inflation can go before it is stopped.
 */
export const INFLATE_STEP_BYTES = 4096;

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_EXTRA_FIELD = 0x0001;
const UINT32_MAX = 0xffffffff;
/** 22-byte end record plus the longest comment. */
const END_RECORD_SEARCH_BYTES = 22 + 0xffff;

export class ZipArchive {
  readonly entries: ZipEntry[];
  private readonly byName: Map<string, ZipEntry>;
  private inflatedTotal = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ExtractionLimits,
    private readonly deadline: Deadline,
  ) {
    this.entries = readCentralDirectory(bytes, limits.maxZipEntries);
    this.byName = new Map(this.entries.map((entry) => [entry.name.toLowerCase(), entry]));
  }

  /** Bytes inflated so far, over every entry read. */
  get inflatedBytes(): number {
    return this.inflatedTotal;
  }

  /** Case-insensitive: some writers spell `xl/sharedStrings.xml` differently. */
  find(name: string): ZipEntry | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /**
   * Inflates one entry step by step, handing each piece of its content to `onData`. Stops early,
   * without an error, when `shouldStop` says so (e.g. the output is full).
   */
  read(entry: ZipEntry, onData: (chunk: Uint8Array) => void, shouldStop: () => boolean = () => false): void {
    const { maxInflatedBytes, maxCompressionRatio } = this.limits;
    if (this.inflatedTotal + entry.declaredSize > maxInflatedBytes) throw this.expandsBeyondLimit(entry, this.inflatedTotal + entry.declaredSize, 'declares');

    const data = this.compressedData(entry);
    let inflatedEntry = 0;
    let consumed = 0;
    const accept = (chunk: Uint8Array) => {
      inflatedEntry += chunk.length;
      this.inflatedTotal += chunk.length;
      if (this.inflatedTotal > maxInflatedBytes) throw this.expandsBeyondLimit(entry, this.inflatedTotal, 'expands');
      if (inflatedEntry > RATIO_GRACE_BYTES && inflatedEntry > consumed * maxCompressionRatio) {
        throw new NotScannedError(
          `not scanned: ${entry.name} expands more than ${maxCompressionRatio} times its compressed size (a possible zip bomb)`,
          { name: 'maxCompressionRatio', limit: maxCompressionRatio, observed: Math.round(inflatedEntry / consumed), inflatedBytes: this.inflatedTotal },
        );
      }
      if (chunk.length > 0) onData(chunk);
    };

    if (entry.method === 0) {
      for (let offset = 0; offset < data.length && !shouldStop(); offset += INFLATE_STEP_BYTES) {
        this.deadline.check();
        const piece = data.subarray(offset, offset + INFLATE_STEP_BYTES);
        consumed += piece.length;
        accept(piece);
      }
      return;
    }
    if (entry.method !== 8) throw new NotScannedError(`not scanned: ${entry.name} uses ZIP compression method ${entry.method}, which is not read`);

    const inflater = new Inflate((chunk) => accept(chunk));
    for (let offset = 0; offset < data.length && !shouldStop(); offset += INFLATE_STEP_BYTES) {
      this.deadline.check();
      const piece = data.subarray(offset, offset + INFLATE_STEP_BYTES);
      consumed += piece.length;
      try {
        inflater.push(piece, offset + INFLATE_STEP_BYTES >= data.length);
      } catch (error) {
        if (error instanceof NotScannedError) throw error;
        throw new NotScannedError(`not scanned: ${entry.name} is damaged (${(error as Error).message})`);
      }
    }
  }

  /** The whole content of a small entry (e.g. ODF's `mimetype`), as text. */
  readText(entry: ZipEntry): string {
    const decoder = new TextDecoder();
    let text = '';
    this.read(entry, (chunk) => (text += decoder.decode(chunk, { stream: true })));
    return text + decoder.decode();
  }

  private compressedData(entry: ZipEntry): Uint8Array {
    const view = viewOf(this.bytes);
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || view.getUint32(at, true) !== LOCAL_FILE_HEADER) throw damaged(`no local header for ${entry.name}`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw damaged(`${entry.name} runs past the end of the file`);
    return this.bytes.subarray(start, end);
  }

  private expandsBeyondLimit(entry: ZipEntry, observed: number, verb: 'declares' | 'expands'): NotScannedError {
    const limit = this.limits.maxInflatedBytes;
    const what = verb === 'declares' ? `declares more than ${formatBytes(limit)} of content` : `expands beyond ${formatBytes(limit)}`;
    return new NotScannedError(`not scanned: the archive ${what} (at ${entry.name}: a possible zip bomb, or a document too large to scan)`, {
      name: 'maxInflatedBytes',
      limit,
      observed,
      inflatedBytes: this.inflatedTotal,
    });
  }
}

function readCentralDirectory(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = viewOf(bytes);
  const endRecord = findEndRecord(bytes, view);
  let entryCount = view.getUint16(endRecord + 10, true);
  let directorySize = view.getUint32(endRecord + 12, true);
  let directoryOffset = view.getUint32(endRecord + 16, true);

  const locator = endRecord - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
    const zip64End = Number(view.getBigUint64(locator + 8, true));
    if (zip64End + 56 > bytes.length || view.getUint32(zip64End, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) throw damaged('a broken ZIP64 end record');
    entryCount = Number(view.getBigUint64(zip64End + 32, true));
    directorySize = Number(view.getBigUint64(zip64End + 40, true));
    directoryOffset = Number(view.getBigUint64(zip64End + 48, true));
  }
  if (entryCount > maxEntries) throw tooManyEntries(maxEntries, entryCount);
  if (directoryOffset + directorySize > bytes.length) throw damaged('the central directory runs past the end of the file');

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let at = directoryOffset;
  // The count in the end record can lie too: walk the headers that are really there.
  while (at + 46 <= bytes.length && view.getUint32(at, true) === CENTRAL_DIRECTORY_HEADER) {
    if (entries.length >= maxEntries) throw tooManyEntries(maxEntries, entries.length + 1);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameStart = at + 46;
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(nameStart, nameStart + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      declaredSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, view, nameStart + nameLength, extraLength);
    entries.push(entry);
    at = nameStart + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** ZIP64 moves the sizes and offset that do not fit in 32 bits to an extra field, in this order. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
  if (entry.compressedSize !== UINT32_MAX && entry.declaredSize !== UINT32_MAX && entry.localHeaderOffset !== UINT32_MAX) return;
  const end = Math.min(start + length, view.byteLength);
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA_FIELD) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + size) throw damaged(`a short ZIP64 field for ${entry.name}`);
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.declaredSize === UINT32_MAX) entry.declaredSize = next();
      if (entry.compressedSize === UINT32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === UINT32_MAX) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const stop = Math.max(0, bytes.length - END_RECORD_SEARCH_BYTES);
  for (let at = bytes.length - 22; at >= stop; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw damaged('no ZIP central directory');
}

function tooManyEntries(limit: number, observed: number): NotScannedError {
  return new NotScannedError(`not scanned: the archive has more than ${limit.toLocaleString('en-US')} entries (a possible zip bomb)`, {
    name: 'maxZipEntries',
    limit,
    observed,
    inflatedBytes: 0,
  });
}

function damaged(detail: string): NotScannedError {
  return new NotScannedError(`not scanned: the file is a damaged ZIP archive (${detail})`);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
