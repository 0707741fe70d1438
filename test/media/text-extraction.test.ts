import { crc32, deflateSync } from 'node:zlib';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXTRACTION_LIMITS, type ExtractedText, extractText } from '../../shared/media/text-extraction';
import { RATIO_GRACE_BYTES } from '../../shared/media/text-extraction/limits';
import { buildXlsx, customerSpreadsheet } from '../../shared/media/text-extraction/sample-spreadsheet';
import { INFLATE_STEP_BYTES } from '../../shared/media/text-extraction/zip-archive';
import { buildPdf, zipBomb } from '../helpers/documents';

const MB = 1024 * 1024;
const XLSX = { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' };
const DOCX = { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' };
const ODS = { mime: 'application/vnd.oasis.opendocument.spreadsheet', ext: 'ods' };
const ODT = { mime: 'application/vnd.oasis.opendocument.text', ext: 'odt' };
const PDF = { mime: 'application/pdf', ext: 'pdf' };
/** DEFLATE's best case: 258 bytes from a 2-bit code, about 1032:1. */
const DEFLATE_MAX_RATIO = 1032;
/** The most one inflate step can add past a limit before the limit is checked. */
const ONE_STEP_OF_OUTPUT = INFLATE_STEP_BYTES * DEFLATE_MAX_RATIO;

function scanned(result: ExtractedText) {
  if (!result.scanned) throw new Error(`expected scanned text, got: ${result.reason}`);
  return result;
}

function notScanned(result: ExtractedText) {
  if (result.scanned) throw new Error(`expected "not scanned", got ${result.chars} characters of ${result.format}`);
  return result;
}

describe('XLSX', () => {
  it('reads 10,000 rows: shared strings, inline strings and numbers, cells by tab and rows by line', async () => {
    const result = scanned(await extractText(customerSpreadsheet(10_000), XLSX));

    expect(result.format).toBe('xlsx');
    expect(result.truncated).toBe(false);
    const lines = result.text.trim().split('\n');
    expect(lines).toHaveLength(10_001);
    expect(lines[0]).toBe('Nome\tCPF\tE-mail\tValor');
    expect(lines[1]).toBe('Cliente 1\t10000000001\tcliente1@example.com\t1.25');
    expect(lines[10_000]).toBe('Cliente 10000\t10000010000\tcliente10000@example.com\t12500');
    expect(result.chars).toBe(result.text.length);
  });

  it('writes numbers in full (a CPF stored as a number), resolves entities, rich text and several sheets', async () => {
    const workbook = buildXlsx([
      [
        ['CPF', 12345678909, { number: '1.2345678909E10' }, { number: '9.87654321E+3' }],
        ['Tom & Jerry <sócios>', { inline: 'Ação "especial"' }],
      ],
      [['segunda aba', 42]],
    ]);

    const result = scanned(await extractText(workbook, XLSX));

    expect(result.text).toContain('CPF\t12345678909\t12345678909\t9876.54321\n');
    expect(result.text).toContain('Tom & Jerry <sócios>\tAção "especial"\n');
    expect(result.text).toContain('segunda aba\t42\n');
    expect(result.text).not.toMatch(/E\+?10/);
  });

  it('joins rich-text runs of a shared string and leaves out its phonetic guide', async () => {
    const workbook = zipSync({
      '[Content_Types].xml': strToU8('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
      'xl/workbook.xml': strToU8('<workbook/>'),
      'xl/worksheets/sheet1.xml': strToU8('<x:worksheet xmlns:x="m"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'),
      'xl/sharedStrings.xml': strToU8('<sst><si><r><t>Maria </t></r><r><t>Silva</t></r><rPh><t>マリア</t></rPh></si></sst>'),
    });

    const result = scanned(await extractText(workbook, XLSX));

    expect(result.text).toBe('Maria Silva\tTRUE\n\n');
  });
});

describe('DOCX', () => {
  it('reads paragraphs, run tabs and breaks, tables, headers, footers and deleted text', async () => {
    const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const documentXml = `<?xml version="1.0" encoding="UTF-8"?><w:document ${w}><w:body>
      <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Nome:</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">Maria da Silva</w:t></w:r></w:p>
      <w:p><w:r><w:t>CPF 123.456.789-09</w:t><w:br/><w:t>RG 12.345.678-9</w:t></w:r><w:del><w:r><w:delText>cartão 4111 1111 1111 1111</w:delText></w:r></w:del></w:p>
      <w:tbl><w:tr><w:tc><w:p><w:r><w:t>E-mail</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>maria@example.com</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
      <w:p><w:r><w:t>Tom &amp; Jerry</w:t></w:r></w:p>
    </w:body></w:document>`;
    const docx = zipSync({
      '[Content_Types].xml': strToU8(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      '_rels/.rels': strToU8('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'),
      'word/document.xml': strToU8(documentXml),
      'word/header1.xml': strToU8(`<w:hdr ${w}><w:p><w:r><w:t>Confidencial</w:t></w:r></w:p></w:hdr>`),
      'word/footer1.xml': strToU8(`<w:ftr ${w}><w:p><w:r><w:t>Rodapé 555-0100</w:t></w:r></w:p></w:ftr>`),
      'word/media/image1.png': tinyPng(),
    });

    const result = scanned(await extractText(docx, DOCX));

    expect(result.format).toBe('docx');
    expect(result.text).toContain('Nome:\tMaria da Silva\n');
    expect(result.text).toContain('CPF 123.456.789-09\nRG 12.345.678-9cartão 4111 1111 1111 1111\n');
    expect(result.text).toContain('E-mail\tmaria@example.com\n');
    expect(result.text).toContain('Tom & Jerry\n');
    expect(result.text).toContain('Confidencial');
    expect(result.text).toContain('Rodapé 555-0100');
    // The tab stop in the paragraph properties is not a tab in the text.
    expect(result.text).not.toMatch(/^\tNome/m);
  });
});

describe('OpenDocument', () => {
  it('reads an ODS: numeric cells by their value, text cells by their paragraphs, no padding', async () => {
    const content = `<office:document-content ${ODF_NAMESPACES}><office:body><office:spreadsheet><table:table table:name="Clientes">
      <table:table-row><table:table-cell office:value-type="string"><text:p>Nome</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>CPF</text:p></table:table-cell></table:table-row>
      <table:table-row><table:table-cell office:value-type="string"><text:p>João <text:span>Souza</text:span></text:p></table:table-cell><table:table-cell office:value-type="float" office:value="12345678909"><text:p>1,23E+10</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16380"/></table:table-row>
      <table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
    </table:table></office:spreadsheet></office:body></office:document-content>`;

    const result = scanned(await extractText(openDocument('application/vnd.oasis.opendocument.spreadsheet', content), ODS));

    expect(result.format).toBe('ods');
    expect(result.text).toContain('Nome\tCPF\n');
    expect(result.text).toContain('João Souza\t12345678909\n');
    expect(result.text).not.toContain('1,23E+10');
    expect(result.chars).toBeLessThan(100);
  });

  it('reads an ODT: paragraphs, headings, spaces, tabs, line breaks, and the header in styles.xml', async () => {
    const content = `<office:document-content ${ODF_NAMESPACES}><office:body><office:text>
      <text:h text:outline-level="1">Contrato</text:h>
      <text:p>Nome:<text:tab/>Ana<text:s text:c="2"/>Lima</text:p>
      <text:p>Telefone +55 11 91234-5678<text:line-break/>E-mail ana@example.com</text:p>
    </office:text></office:body></office:document-content>`;
    const styles = `<office:document-styles ${ODF_NAMESPACES}><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Uso interno</text:p></style:header></style:master-page></office:master-styles></office:document-styles>`;

    const result = scanned(await extractText(openDocument('application/vnd.oasis.opendocument.text', content, styles), ODT));

    expect(result.format).toBe('odt');
    expect(result.text).toContain('Contrato\n');
    expect(result.text).toContain('Nome:\tAna  Lima\n');
    expect(result.text).toContain('Telefone +55 11 91234-5678\nE-mail ana@example.com\n');
    expect(result.text).toContain('Uso interno');
  });
});

describe('CSV and plain text', () => {
  it('decodes UTF-8 with a BOM', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nome;cpf\nJosé;123.456.789-09\n', 'utf8')]);

    const result = scanned(await extractText(csv, { mime: 'text/csv', ext: 'csv' }));

    expect(result).toMatchObject({ format: 'csv', text: 'nome;cpf\nJosé;123.456.789-09\n', truncated: false });
  });

  it('falls back to Latin-1 (Windows-1252) when the bytes are not UTF-8', async () => {
    const csv = Buffer.from('nome;cidade\nJosé;São Paulo\n', 'latin1');

    const result = scanned(await extractText(csv, { mime: 'application/octet-stream', ext: 'csv' }));

    expect(result).toMatchObject({ format: 'csv', text: 'nome;cidade\nJosé;São Paulo\n' });
  });

  it('reads text/plain as txt, and stops at the character limit', async () => {
    const text = Buffer.from('linha com dados pessoais\n'.repeat(10_000));

    const result = scanned(await extractText(text, { mime: 'text/plain' }, { maxOutputChars: 1_000 }));

    expect(result).toMatchObject({ format: 'txt', truncated: true, chars: 1_000 });
    expect(result.text).toHaveLength(1_000);
  });

  it('does not read binary declared as text', async () => {
    const result = notScanned(await extractText(new Uint8Array([0x01, 0x00, 0x02, 0x00]), { mime: 'text/plain' }));

    expect(result.reason).toBe('not scanned: the file is declared as text/plain but holds binary data');
  });
});

describe('PDF', () => {
  it('reads the text layer, page by page', async () => {
    const pdf = buildPdf(['Maria da Silva CPF 123.456.789-09', 'Pagina dois: maria@example.com']);

    const result = scanned(await extractText(pdf, PDF));

    expect(result.format).toBe('pdf');
    expect(result.truncated).toBe(false);
    expect(result.text).toContain('Maria da Silva CPF 123.456.789-09');
    expect(result.text).toContain('Pagina dois: maria@example.com');
  });

  it('keeps the pages up to the page limit and marks the rest as truncated', async () => {
    const pdf = buildPdf(['primeira', 'segunda', 'terceira']);

    const result = scanned(await extractText(pdf, PDF, { maxPdfPages: 2 }));

    expect(result.truncated).toBe(true);
    expect(result.text).toContain('segunda');
    expect(result.text).not.toContain('terceira');
  });

  it('marks a PDF without a text layer as not scanned', async () => {
    const result = notScanned(await extractText(buildPdf([null]), PDF));

    expect(result.reason).toBe('not scanned: the PDF has no text layer (a scanned document?)');
  });

  it('marks a damaged PDF as not scanned', async () => {
    const result = notScanned(await extractText(Buffer.from('%PDF-1.4\nnothing else'), PDF));

    expect(result.reason).toMatch(/^not scanned: the PDF could not be read/);
  });
});

describe('limits', () => {
  it('stops a zip bomb whose headers declare its real size before inflating anything', async () => {
    const bomb = zipBomb();
    expect(bomb.length).toBeLessThan(250 * 1024);

    const result = notScanned(await extractText(bomb, XLSX));

    expect(result.reason).toBe('not scanned: the archive declares more than 50 MB of content (at xl/worksheets/sheet1.xml: a possible zip bomb, or a document too large to scan)');
    expect(result.limitReached).toMatchObject({ name: 'maxInflatedBytes', limit: DEFAULT_EXTRACTION_LIMITS.maxInflatedBytes, inflatedBytes: 0 });
  });

  it('stops a zip bomb that lies about its size by its compression ratio, early', async () => {
    const result = notScanned(await extractText(understated(zipBomb()), XLSX));

    expect(result.reason).toBe('not scanned: xl/worksheets/sheet1.xml expands more than 250 times its compressed size (a possible zip bomb)');
    expect(result.limitReached?.name).toBe('maxCompressionRatio');
    expect(result.limitReached?.inflatedBytes).toBeLessThanOrEqual(RATIO_GRACE_BYTES + ONE_STEP_OF_OUTPUT);
  });

  it('stops inflating as soon as the archive passes the decompression limit, whatever its headers say', async () => {
    const result = notScanned(await extractText(understated(zipBomb()), XLSX, { maxCompressionRatio: Number.POSITIVE_INFINITY }));

    expect(result.reason).toBe('not scanned: the archive expands beyond 50 MB (at xl/worksheets/sheet1.xml: a possible zip bomb, or a document too large to scan)');
    const limit = DEFAULT_EXTRACTION_LIMITS.maxInflatedBytes;
    expect(result.limitReached).toMatchObject({ name: 'maxInflatedBytes', limit });
    expect(result.limitReached!.observed).toBeGreaterThan(limit);
    expect(result.limitReached!.observed).toBeLessThanOrEqual(limit + ONE_STEP_OF_OUTPUT);
  });

  it('marks an oversized sheet as not scanned', async () => {
    const sheet = customerSpreadsheet(40_000);

    const declared = notScanned(await extractText(sheet, XLSX, { maxInflatedBytes: 2 * MB }));
    const inflated = notScanned(await extractText(understated(sheet), XLSX, { maxInflatedBytes: 2 * MB }));

    expect(declared.reason).toBe('not scanned: the archive declares more than 2 MB of content (at xl/worksheets/sheet1.xml: a possible zip bomb, or a document too large to scan)');
    expect(inflated.reason).toBe('not scanned: the archive expands beyond 2 MB (at xl/worksheets/sheet1.xml: a possible zip bomb, or a document too large to scan)');
    expect(inflated.limitReached!.observed).toBeLessThanOrEqual(2 * MB + ONE_STEP_OF_OUTPUT);
  });

  it('marks an archive with too many entries as not scanned', async () => {
    const files: Zippable = { 'xl/workbook.xml': strToU8('<workbook/>') };
    for (let index = 0; index < DEFAULT_EXTRACTION_LIMITS.maxZipEntries; index++) files[`xl/media/${index}.bin`] = new Uint8Array(0);

    const result = notScanned(await extractText(zipSync(files), XLSX));

    expect(result.reason).toBe('not scanned: the archive has more than 5,000 entries (a possible zip bomb)');
    expect(result.limitReached).toMatchObject({ name: 'maxZipEntries', limit: 5_000, observed: 5_001 });
  });

  it('marks a file above the size limit as not scanned without reading it', async () => {
    const result = notScanned(await extractText(new Uint8Array(26 * MB), PDF));

    expect(result.reason).toBe('not scanned: the file is 26 MB, above the 25 MB limit');
    expect(result.limitReached).toMatchObject({ name: 'maxInputBytes', limit: 25 * MB, observed: 26 * MB });
  });

  it('gives up when the time budget is spent', async () => {
    const result = notScanned(await extractText(customerSpreadsheet(2_000), XLSX, { timeBudgetMs: 0 }));

    expect(result.reason).toBe('not scanned: reading the file took longer than the 0 ms time budget');
    expect(result.limitReached?.name).toBe('timeBudgetMs');
  });
});

describe('formats not read', () => {
  it('judges by the bytes: a PNG declared as XLSX is an image, not read', async () => {
    const result = notScanned(await extractText(tinyPng(), XLSX));

    expect(result.reason).toBe('not scanned: format image/png (declared as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) is not read (no OCR)');
  });

  it('does not read images', async () => {
    const result = notScanned(await extractText(tinyPng(), { mime: 'image/png', ext: 'png' }));

    expect(result.reason).toBe('not scanned: format image/png is not read (no OCR)');
  });

  it('does not read other ZIP files', async () => {
    const result = notScanned(await extractText(zipSync({ 'notes.txt': strToU8('CPF 123.456.789-09') }), { mime: 'application/zip', ext: 'zip' }));

    expect(result.reason).toBe('not scanned: format application/zip is not read (only XLSX, DOCX, ODS and ODT among ZIP-based files)');
  });

  it('does not read a binary format without magic bytes', async () => {
    const result = notScanned(await extractText(new Uint8Array([1, 2, 3, 4]), { mime: 'application/octet-stream' }));

    expect(result.reason).toMatch(/^not scanned: format application\/octet-stream is not read/);
  });
});

// ── Fixtures, built in memory ────────────────────────────────────────────────────────────────────

const ODF_NAMESPACES = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'office:version="1.3"',
].join(' ');

/** ODF: the `mimetype` entry first and stored, then the manifest and the content. */
function openDocument(mimetype: string, content: string, styles?: string): Uint8Array {
  const files: Zippable = {
    mimetype: [strToU8(mimetype), { level: 0 }],
    'META-INF/manifest.xml': strToU8(
      `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
    ),
    'content.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?>\n${content}`),
  };
  if (styles) files['styles.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?>\n${styles}`);
  return zipSync(files);
}

/** The same archive with every declared uncompressed size (local headers and central directory) rewritten to 1 KB. */
function understated(zip: Uint8Array): Uint8Array {
  const bytes = Buffer.from(zip);
  const end = bytes.length - 22;
  const entries = bytes.readUInt16LE(end + 10);
  let central = bytes.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    bytes.writeUInt32LE(1024, central + 24);
    bytes.writeUInt32LE(1024, bytes.readUInt32LE(central + 42) + 22);
    central += 46 + bytes.readUInt16LE(central + 28) + bytes.readUInt16LE(central + 30) + bytes.readUInt16LE(central + 32);
  }
  return bytes;
}

/** A 1×1 RGB PNG. */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData) >>> 0);
    return Buffer.concat([length, typeAndData, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

