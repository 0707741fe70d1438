import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type DetectorMeasurement, measureDetectors } from '../shared/compliance/policies/pii/detectors/measure';
import type { SpreadsheetExtractionFigure } from '../shared/media/text-extraction/measure';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface PiiFigure {
  /** All thirteen detectors over generated chat messages (identifiers included), one message per call, CPU time. */
  detectors: DetectorMeasurement;
  /** A 10,000-row customer spreadsheet's text extracted, in a process of its own (its peak memory is the function's). */
  spreadsheet: SpreadsheetExtractionFigure;
}

/**
 * The personal-data checks (issue 17): the detectors' speed on one core, their cost per message of
 * just under 4 KB, and the text extraction of a 10,000-row XLSX with the memory it takes.
 */
export async function measurePii(options: { onProgress?: (message: string) => void } = {}): Promise<PiiFigure> {
  options.onProgress?.('pii: the detectors over 5 MB of chat messages');
  const detectors = measureDetectors();
  options.onProgress?.('pii: a 10,000-row XLSX, extracted in a process of its own');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(REPO_ROOT, 'shared/media/text-extraction/measure.ts'), '10000'],
    { cwd: REPO_ROOT, maxBuffer: 1024 * 1024 },
  );
  return { detectors, spreadsheet: JSON.parse(stdout.trim().split('\n').at(-1)!) as SpreadsheetExtractionFigure };
}
