import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueryEngine } from '../../shared/analytics/query-result';
import { collectReport, renderReport } from '../../shared/analytics/report';
import { cliError } from '../analytics';
import { UsageError } from '../errors';

export interface ReportCommandOptions {
  since?: string;
  out: string;
  now?: Date;
}

/** `vigia report [--since DAY] [--out FILE]`: runs the named queries and writes the HTML page. */
export async function writeReport(options: ReportCommandOptions, open: () => Promise<QueryEngine>): Promise<string> {
  const validDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  if (options.since !== undefined && !validDay(options.since)) {
    throw new UsageError(`--since must be a day like 2026-11-01, got "${options.since}"`);
  }
  const now = options.now ?? new Date();
  const engine = await open();
  try {
    const data = await collectReport(engine, { since: options.since, now });
    const html = renderReport(data, { source: engine.description, since: options.since, now });
    const file = resolve(options.out);
    writeFileSync(file, html);
    return `wrote ${file} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB) from ${engine.description}`;
  } catch (error) {
    throw cliError(error);
  } finally {
    await engine.close();
  }
}
