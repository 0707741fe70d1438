import type { TextOutput } from './limits';
import { attribute, parseXmlPart, plainNumber, RowWriter, type XmlPartHandler } from './xml-parts';
import type { ZipArchive, ZipEntry } from './zip-archive';

export type OfficeFormat = 'xlsx' | 'docx' | 'ods' | 'odt';

const ODF_MIMETYPES: Record<string, OfficeFormat> = {
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.text': 'odt',
};

/** What the archive really holds, from its parts; undefined for other ZIP files (PPTX, ODP, plain ZIP…). */
export function officeFormatOf(archive: ZipArchive): OfficeFormat | undefined {
  if (archive.find('xl/workbook.xml')) return 'xlsx';
  if (archive.find('word/document.xml')) return 'docx';
  const mimetype = archive.find('mimetype');
  // ODF stores its type uncompressed as the first entry; a few bytes, so read whole.
  if (mimetype && mimetype.declaredSize <= 256 && archive.find('content.xml')) return ODF_MIMETYPES[archive.readText(mimetype).trim()];
  return undefined;
}

export function extractOfficeText(format: OfficeFormat, archive: ZipArchive, output: TextOutput): void {
  const shouldStop = () => output.full;
  const readAll = (entries: ZipEntry[], handler: () => XmlPartHandler) => {
    for (const entry of entries) {
      if (output.full) return;
      parseXmlPart(archive, entry, handler(), shouldStop);
      output.append('\n');
    }
  };
  switch (format) {
    case 'xlsx': {
      const sharedStringsEntry = archive.find('xl/sharedStrings.xml');
      const sharedStrings: string[] = [];
      if (sharedStringsEntry) parseXmlPart(archive, sharedStringsEntry, sharedStringsReader(sharedStrings), () => output.full);
      readAll(partsMatching(archive, /^xl\/worksheets\/[^/]+\.xml$/i), () => worksheetReader(sharedStrings, output));
      return;
    }
    case 'docx':
      readAll(
        [archive.find('word/document.xml'), ...partsMatching(archive, /^word\/(header|footer)\d*\.xml$/i), ...['footnotes', 'endnotes', 'comments'].map((part) => archive.find(`word/${part}.xml`))].filter(
          (entry) => entry !== undefined,
        ),
        () => wordReader(output),
      );
      return;
    case 'ods':
    case 'odt':
      // An ODT's headers and footers are in styles.xml, with the page styles.
      readAll([archive.find('content.xml'), format === 'odt' ? archive.find('styles.xml') : undefined].filter((entry) => entry !== undefined), () => openDocumentReader(output));
      return;
  }
}

/** Parts whose names match, in natural order (sheet2 before sheet10). */
function partsMatching(archive: ZipArchive, pattern: RegExp): ZipEntry[] {
  return archive.entries.filter((entry) => pattern.test(entry.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** xl/sharedStrings.xml: each `<si>` is one string, possibly in rich-text runs; phonetic guides (`<rPh>`) are not text. */
function sharedStringsReader(strings: string[]): XmlPartHandler {
  let current: string | undefined;
  let inText = false;
  let inPhonetic = false;
  return {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && !inPhonetic) inText = true;
    },
    close(name) {
      if (name === 'si' && current !== undefined) strings.push(current), (current = undefined);
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 't') inText = false;
    },
    text(text) {
      if (inText && current !== undefined) current += text;
    },
  };
}

/** xl/worksheets/*.xml: `<c t="s">` indexes the shared strings, `<c t="inlineStr">` holds its text, any other `<c>` its value (numbers, booleans, formula results). */
function worksheetReader(sharedStrings: string[], output: TextOutput): XmlPartHandler {
  const rows = new RowWriter((row) => output.append(row));
  let cellType: string | undefined;
  let value = '';
  let inValue = false;
  let inInlineText = false;
  let inPhonetic = false;
  return {
    open(name, attributes) {
      if (name === 'c') (cellType = attribute(attributes, 't')), (value = ''), rows.startCell();
      else if (name === 'v') inValue = true;
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && cellType === 'inlineStr' && !inPhonetic) inInlineText = true;
    },
    close(name) {
      if (name === 'c') rows.write(cellText(cellType, value, sharedStrings)), rows.endCell();
      else if (name === 'row') rows.endRow();
      else if (name === 'v') inValue = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 't') inInlineText = false;
    },
    text(text) {
      if (inValue || inInlineText) value += text;
    },
  };
}

function cellText(type: string | undefined, value: string, sharedStrings: string[]): string {
  switch (type) {
    case 's':
      return sharedStrings[Number.parseInt(value, 10)] ?? '';
    case 'b':
      return value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : value;
    case undefined:
    case 'n':
      return plainNumber(value);
    default:
      // inlineStr, str (formula text), e (error), d (ISO date)
      return value;
  }
}

/**
 * word/*.xml: text runs (`<w:t>`, and `<w:delText>`: deleted tracked changes are still in the
 * file), tabs and breaks inside runs (a `<w:tab>` elsewhere is a tab-stop definition), one line
 * per paragraph, one line per table row with its cells separated by tabs.
 */
function wordReader(output: TextOutput): XmlPartHandler {
  const rows = new RowWriter((row) => output.append(row));
  const open: string[] = [];
  let inText = false;
  const emit = (text: string) => (rows.inCell ? rows.write(text) : output.append(text));
  return {
    open(name) {
      const inRun = open.at(-1) === 'r';
      open.push(name);
      if (name === 't' || name === 'delText') inText = true;
      else if (inRun && name === 'tab') emit('\t');
      else if (inRun && (name === 'br' || name === 'cr')) emit('\n');
      else if (name === 'tc') rows.startCell();
    },
    close(name) {
      open.pop();
      if (name === 't' || name === 'delText') inText = false;
      else if (name === 'p') emit(rows.inCell ? ' ' : '\n');
      else if (name === 'tc') rows.endCell();
      else if (name === 'tr') rows.endRow();
    },
    text(text) {
      if (inText) emit(text);
    },
  };
}

/**
 * content.xml / styles.xml of ODS and ODT: paragraph text with `<text:s>` spaces, tabs and line
 * breaks; table rows as tab-separated lines. A numeric cell gives its `office:value` (the number
 * itself) rather than its display text, which may be rounded or in scientific notation.
 */
function openDocumentReader(output: TextOutput): XmlPartHandler {
  const rows = new RowWriter((row) => output.append(row));
  let paragraphDepth = 0;
  let numericCellDepth = 0;
  let depth = 0;
  const emit = (text: string) => {
    if (numericCellDepth > 0) return;
    if (rows.inCell) rows.write(text);
    else output.append(text);
  };
  return {
    open(name, attributes) {
      depth++;
      if (name === 'p' || name === 'h') paragraphDepth++;
      else if (name === 's') emit(' '.repeat(Math.min(Number(attribute(attributes, 'c') ?? 1) || 1, 64)));
      else if (name === 'tab') emit('\t');
      else if (name === 'line-break') emit('\n');
      else if (name === 'table-cell' || name === 'covered-table-cell') {
        rows.startCell();
        const valueType = attribute(attributes, 'value-type');
        const value = attribute(attributes, 'value');
        if (value !== undefined && (valueType === 'float' || valueType === 'percentage' || valueType === 'currency')) {
          rows.write(plainNumber(value));
          numericCellDepth = depth;
        }
      }
    },
    close(name) {
      if (name === 'p' || name === 'h') paragraphDepth--, emit(rows.inCell ? ' ' : '\n');
      else if (name === 'table-cell' || name === 'covered-table-cell') {
        if (numericCellDepth === depth) numericCellDepth = 0;
        rows.endCell();
      } else if (name === 'table-row') rows.endRow();
      depth--;
    },
    text(text) {
      if (paragraphDepth > 0) emit(text);
    },
  };
}
