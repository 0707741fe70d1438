import { crc32, deflateRawSync } from 'node:zlib';
import { Deflate } from 'fflate';

/* Documents for the text-extraction tests and the end-to-end file checks, written by hand. */

const MB = 1024 * 1024;

let builtZipBomb: Uint8Array | undefined;

/**
 * An XLSX whose sheet is 200 MB of zeros (~200 KB deflated), deflated in 1 MB pieces so the test
 * never holds the inflated content; built once (a few seconds). The central directory is written
 * by hand with the real sizes.
 */
export function zipBomb(): Uint8Array {
  if (builtZipBomb) return builtZipBomb;
  const size = 200 * MB;
  const compressed: Uint8Array[] = [];
  const deflate = new Deflate({ level: 1 }, (chunk) => compressed.push(chunk));
  const zeros = new Uint8Array(MB);
  let crc = 0;
  for (let written = 0; written < size; written += MB) {
    deflate.push(zeros, written + MB >= size);
    crc = crc32(zeros, crc);
  }
  const workbook = deflateRawSync('<workbook/>');
  builtZipBomb = handMadeZip([
    { name: 'xl/workbook.xml', data: workbook, size: 11, crc: crc32('<workbook/>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(compressed), size, crc },
  ]);
  return builtZipBomb;
}

interface HandMadeEntry {
  name: string;
  data: Uint8Array;
  size: number;
  crc: number;
}

/** Deflated entries with the sizes given, local headers and central directory included. */
function handMadeZip(entries: HandMadeEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(entry.data));
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A PDF written by hand: one page per entry, each with a line of Helvetica text (or, for null,
 * an empty page), and a cross-reference table with the real byte offsets.
 */
export function buildPdf(pages: (string | null)[]): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, index) => 4 + index * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  pages.forEach((text, index) => {
    const stream = text === null ? '' : `BT /F1 12 Tf 72 720 Td (${text.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET`;
    objects[pageIds[index]] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index] + 1} 0 R >>`;
    objects[pageIds[index] + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });

  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(pdf, 'latin1');
    pdf += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefOffset = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) pdf += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

