import { extractText } from './index';
import { customerSpreadsheet } from './sample-spreadsheet';

export interface SpreadsheetExtractionFigure {
  rows: number;
  /** Size of the XLSX file. */
  fileBytes: number;
  /** Characters of text extracted. */
  chars: number;
  /** Time of `extractText`, sniffing included. */
  durationMs: number;
  /**
   * Growth of the JavaScript heap plus array buffers during the extraction, sampled right after it
   * without collecting garbage: an upper bound of its peak, since the extraction runs synchronously
   * once the file is sniffed (there is no moment to sample in between).
   */
  heapGrowthBytes: number;
  /** The process's peak resident memory so far: what Lambda's memory setting caps. Meaningful in a process of its own. */
  maxRssBytes: number;
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Extracts the text of a `rows`-row customer spreadsheet (the target: 10,000 rows in
 * under 2 s within 256 MB). Run with --expose-gc for a heap baseline without earlier garbage.
 */
export async function measureSpreadsheetExtraction(rows = 10_000): Promise<SpreadsheetExtractionFigure> {
  const file = customerSpreadsheet(rows);
  // Warms the modules (file-type, the parser) up, as a warm Lambda would have them.
  await extractText(customerSpreadsheet(10), { mime: XLSX_MIME, ext: 'xlsx' });
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const result = await extractText(file, { mime: XLSX_MIME, ext: 'xlsx' });
  const durationMs = performance.now() - started;
  const after = process.memoryUsage();
  if (!result.scanned) throw new Error(`the sample spreadsheet was not scanned: ${result.reason}`);
  return {
    rows,
    fileBytes: file.length,
    chars: result.chars,
    durationMs: Math.round(durationMs),
    heapGrowthBytes: Math.max(0, after.heapUsed - before.heapUsed) + Math.max(0, after.arrayBuffers - before.arrayBuffers),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await measureSpreadsheetExtraction(Number(process.argv[2] ?? 10_000)))}\n`);
}
