import { fileTypeFromBuffer } from 'file-type';
import { Deadline, DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits, formatBytes, type LimitReached, NotScannedError, TextOutput } from './limits';
import { extractOfficeText, officeFormatOf } from './office-documents';
import { extractPdfText } from './pdf-text';
import { decodePlainText, looksLikeText } from './plain-text';
import { ZipArchive } from './zip-archive';

export { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits, type LimitReached } from './limits';

/**
 * Text for the leak detectors and keyword rules, from the files people send: CSV and plain text,
 * XLSX, DOCX, ODS, ODT, and PDFs with a text layer. Images and scanned PDFs are not read (no OCR),
 * nor are legacy Office files (XLS, DOC), PPTX and ODP.
 */
export type ExtractedFormat = 'csv' | 'txt' | 'xlsx' | 'docx' | 'ods' | 'odt' | 'pdf';

export type ExtractedText =
  | {
      scanned: true;
      format: ExtractedFormat;
      text: string;
      /** The text stops short of the file's end (the character or PDF page limit): detectors saw part of it. */
      truncated: boolean;
      chars: number;
    }
  | {
      scanned: false;
      /** A sentence for the check result: "not scanned: …". */
      reason: string;
      /** The limit that stopped the extraction, when one did (e.g. bytes inflated when a zip bomb was stopped). */
      limitReached?: LimitReached;
    };

export interface DeclaredFileType {
  /** As declared by the sender; the bytes decide what is really read. */
  mime: string;
  /** File name extension, without the dot. */
  ext?: string;
}

const TEXT_EXTENSIONS: Record<string, ExtractedFormat> = { csv: 'csv', tsv: 'csv', txt: 'txt', text: 'txt', log: 'txt' };

/**
 * Extracts the text of a file under limits (size, decompression, entries, characters, pages,
 * time). Never throws: a file that cannot or may not be read gives `{ scanned: false, reason }`.
 */
export async function extractText(bytes: Uint8Array, declared: DeclaredFileType, limitOverrides: Partial<ExtractionLimits> = {}): Promise<ExtractedText> {
  const limits: ExtractionLimits = { ...DEFAULT_EXTRACTION_LIMITS, ...limitOverrides };
  if (bytes.length > limits.maxInputBytes) {
    return notScanned(
      new NotScannedError(`not scanned: the file is ${formatBytes(bytes.length)}, above the ${formatBytes(limits.maxInputBytes)} limit`, {
        name: 'maxInputBytes',
        limit: limits.maxInputBytes,
        observed: bytes.length,
      }),
    );
  }
  const deadline = new Deadline(limits.timeBudgetMs);
  const output = new TextOutput(limits.maxOutputChars);
  try {
    const format = await readInto(bytes, declared, limits, deadline, output);
    return { scanned: true, format, text: output.text(), truncated: output.truncated, chars: output.chars };
  } catch (error) {
    if (error instanceof NotScannedError) return notScanned(error);
    return { scanned: false, reason: `not scanned: the file could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

async function readInto(bytes: Uint8Array, declared: DeclaredFileType, limits: ExtractionLimits, deadline: Deadline, output: TextOutput): Promise<ExtractedFormat> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed?.mime === 'application/pdf') {
    await extractPdfText(bytes, limits, output, deadline);
    return 'pdf';
  }
  if (sniffed && isZipBased(sniffed.mime)) {
    const archive = new ZipArchive(bytes, limits, deadline);
    const format = officeFormatOf(archive);
    if (!format) throw new NotScannedError(`not scanned: format ${describe(sniffed.mime, declared)} is not read (only XLSX, DOCX, ODS and ODT among ZIP-based files)`);
    extractOfficeText(format, archive, output);
    return format;
  }
  const textFormat = plainTextFormat(declared);
  // Plain text has no magic bytes, but text that starts like XML is sniffed as such.
  if (sniffed && !(textFormat && sniffed.mime === 'application/xml')) throw new NotScannedError(`not scanned: ${notReadBecause(sniffed.mime, declared)}`);
  if (!textFormat) throw new NotScannedError(`not scanned: format ${declared.mime} is not read, and its bytes are not a document that is (CSV, TXT, XLSX, DOCX, ODS, ODT, PDF)`);
  if (!looksLikeText(bytes)) throw new NotScannedError(`not scanned: the file is declared as ${declared.mime} but holds binary data`);
  decodePlainText(bytes, output, deadline);
  return textFormat;
}

function plainTextFormat(declared: DeclaredFileType): ExtractedFormat | undefined {
  const mime = declared.mime.split(';')[0].trim().toLowerCase();
  const byExtension = declared.ext ? TEXT_EXTENSIONS[declared.ext.toLowerCase().replace(/^\./, '')] : undefined;
  if (mime === 'text/csv' || mime === 'application/csv' || mime === 'text/x-csv' || mime === 'text/tab-separated-values') return 'csv';
  if (mime.startsWith('text/')) return byExtension ?? 'txt';
  // Senders often declare CSV as a spreadsheet or as octet-stream: the extension says more.
  return byExtension;
}

function isZipBased(mime: string): boolean {
  return mime === 'application/zip' || mime.startsWith('application/vnd.openxmlformats-officedocument.') || mime.startsWith('application/vnd.oasis.opendocument.');
}

function notReadBecause(sniffedMime: string, declared: DeclaredFileType): string {
  const ocr = sniffedMime.startsWith('image/') ? ' (no OCR)' : '';
  return `format ${describe(sniffedMime, declared)} is not read${ocr}`;
}

/** The real type, and what the sender claimed when it differs. */
function describe(sniffedMime: string, declared: DeclaredFileType): string {
  const claimed = declared.mime.split(';')[0].trim().toLowerCase();
  return claimed && claimed !== sniffedMime && claimed !== 'application/octet-stream' ? `${sniffedMime} (declared as ${claimed})` : sniffedMime;
}

function notScanned(error: NotScannedError): ExtractedText {
  return error.limitReached ? { scanned: false, reason: error.reason, limitReached: error.limitReached } : { scanned: false, reason: error.reason };
}
