import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryEngine } from '../../shared/analytics/query-result';
import { collectReport, renderReport } from '../../shared/analytics/report';
import { cliError } from '../analytics';
import { dayArgument, outputFileArgument } from '../arguments';

export interface ReportCommandOptions {
  since?: string;
  out: string;
  now?: Date;
}

/**
 * Where `vigia report` writes without `--out`: `$VIGIA_DATA_DIR/reports/report-<UTC day>.html`,
 * inside the git-ignored data dir rather than the repository.
 */
export function defaultReportFile(dataDir: string, now = new Date()): string {
  const folder = join(dataDir, 'reports');
  mkdirSync(folder, { recursive: true });
  return join(folder, `report-${now.toISOString().slice(0, 10)}.html`);
}

/** `vigia report [--since DAY] [--out FILE]`: runs the named queries and writes the HTML page. */
export async function writeReport(options: ReportCommandOptions, open: () => Promise<QueryEngine>): Promise<string> {
  if (options.since !== undefined) dayArgument(options.since, '--since');
  const file = outputFileArgument(options.out, '--out');
  const now = options.now ?? new Date();
  const engine = await open();
  try {
    const data = await collectReport(engine, { since: options.since, now });
    const html = renderReport(data, { source: engine.description, since: options.since, now });
    writeFileSync(file, html);
    return `wrote ${file} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB) from ${engine.description}`;
  } catch (error) {
    throw cliError(error);
  } finally {
    await engine.close();
  }
}
