import { Parser } from 'htmlparser2';
import type { ZipArchive, ZipEntry } from './zip-archive';

/** What a format's reader does with one XML part, by local element name (prefixes vary by writer). */
export interface XmlPartHandler {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
}

/**
 * Streams one XML part of the archive through a SAX parser (entities decoded) into `handler`,
 * inflating and parsing piece by piece so the whole part is never in memory at once.
 */
export function parseXmlPart(archive: ZipArchive, entry: ZipEntry, handler: XmlPartHandler, shouldStop: () => boolean): void {
  const parser = new Parser(
    {
      onopentag: (name, attributes) => handler.open(localName(name), attributes),
      onclosetag: (name) => handler.close(localName(name)),
      ontext: (text) => handler.text(text),
    },
    { xmlMode: true },
  );
  const decoder = new TextDecoder();
  archive.read(entry, (chunk) => parser.write(decoder.decode(chunk, { stream: true })), shouldStop);
  parser.write(decoder.decode());
  parser.end();
}

/** `w:t` → `t`, `table:table-cell` → `table-cell`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** An attribute by local name, whatever its prefix (`office:value`, `t`). */
export function attribute(attributes: Record<string, string>, name: string): string | undefined {
  if (name in attributes) return attributes[name];
  for (const key in attributes) if (localName(key) === name) return attributes[key];
  return undefined;
}

/**
 * A number as spreadsheet XML stores it, written out in full: detectors must see a CPF stored as
 * the number 12345678909 as those digits, never as `1.2345678909E10`.
 */
export function plainNumber(value: string): string {
  const trimmed = value.trim();
  if (!/[eE]/.test(trimmed)) return trimmed;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return trimmed;
  if (Number.isInteger(number)) return BigInt(number).toString();
  return number.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 17 });
}

/**
 * Tables as text: cells separated by a tab and rows by a newline, so detectors see the boundary
 * between a name and the number beside it. Trailing empty cells (ODS pads rows with thousands of
 * repeated empty cells) are dropped. A table nested in a cell is written into that cell.
 */
export class RowWriter {
  private cells: string[] = [];
  private cell: string | undefined;
  private nestedCells = 0;

  constructor(private readonly emit: (text: string) => void) {}

  get inCell(): boolean {
    return this.cell !== undefined;
  }

  startCell(): void {
    if (this.cell === undefined) this.cell = '';
    else this.nestedCells++;
  }

  write(text: string): void {
    if (this.cell !== undefined) this.cell += text;
  }

  endCell(): void {
    if (this.cell === undefined) return;
    if (this.nestedCells > 0) {
      this.nestedCells--;
      this.cell += ' ';
      return;
    }
    this.cells.push(this.cell.replace(/\s+/g, ' ').trim());
    this.cell = undefined;
  }

  endRow(): void {
    // Still inside a cell: the row of a nested table.
    if (this.cell !== undefined) {
      this.cell += ' ';
      return;
    }
    let last = this.cells.length;
    while (last > 0 && this.cells[last - 1] === '') last--;
    if (last > 0) this.emit(`${this.cells.slice(0, last).join('\t')}\n`);
    this.cells = [];
  }
}
