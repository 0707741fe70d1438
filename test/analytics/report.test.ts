import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../shared/analytics/adapters/duckdb-engine';
import { collectReport, formatBytes, formatSeconds, renderReport, type ReportData } from '../../shared/analytics/report';
import { durationTicks, niceTicks } from '../../shared/analytics/svg-charts';
import { cli } from '../helpers/cli';
import { decodePng, distinctColours, shareOf } from '../helpers/png';
import { writeExport } from './fixtures';
import { SCENARIO } from './scenario';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';
const NOW = new Date('2026-12-01T12:00:00Z');

let dir: string;
let data: ReportData;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-report-'));
  await writeExport(join(dir, 'exports'), SCENARIO);
  const engine = await DuckDbQueryEngine.open(join(dir, 'exports'));
  try {
    data = await collectReport(engine, { now: NOW });
  } finally {
    await engine.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the report page', () => {
  it('is self-contained: no script, no external resource, no URL at all', () => {
    const html = renderReport(data, { source: 'DuckDB over test data', now: NOW });
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('escapes what comes from the data', () => {
    const html = renderReport({ ...data, responses: [{ employee: '<b>Ana</b> & "Bia"', median_seconds: 1, p90_seconds: 2, conversations: 1 }] }, { source: 'x', now: NOW });
    expect(html).toContain('&lt;b&gt;Ana&lt;/b&gt; &amp; &quot;Bia&quot;');
    expect(html).not.toContain('<b>Ana</b>');
  });

  it('says "No data" for an empty chart instead of drawing an empty frame', () => {
    const html = renderReport({ ...data, alerts: [] }, { source: 'x', now: NOW });
    expect(html).toMatch(/<figure class="chart" data-chart="alerts-by-policy"><h2>Alerts by policy<\/h2><p class="empty">No data for this period.<\/p>/);
  });

  it('formats durations, sizes and axis ticks for people', () => {
    expect([formatSeconds(42), formatSeconds(150), formatSeconds(7200)]).toEqual(['42 s', '2.5 min', '2 h']);
    expect([formatBytes(512), formatBytes(4_000), formatBytes(12_345_678)]).toEqual(['512 B', '4.0 KB', '12.3 MB']);
    expect(niceTicks(930, 4)).toEqual([0, 500, 1000]);
    expect(niceTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(durationTicks(930)).toEqual([0, 300, 600, 900, 1200]);
    expect(durationTicks(40)).toEqual([0, 10, 20, 30, 40]);
  });
});

describe('vigia report', () => {
  it('writes the page and says where from', async () => {
    const out = join(dir, 'cli-report.html');
    const [line] = await cli('report', '--exports', join(dir, 'exports'), '--out', out, '--since', '2026-11-30');
    expect(line).toMatch(new RegExp(`^wrote ${out} \\(\\d+ KB\\) from DuckDB over ${join(dir, 'exports')}$`));
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>Vigia report — since 2026-11-30</title>');
    // --since reaches every query: only Monday 30's day, week and alert are left.
    expect(html).toContain('<title>2026-11-30 · from customers: 3</title>');
    expect(html).not.toContain('2026-11-29 ·');
    expect(html).toContain('<title>confidential-terms · high: 1</title>');
  });

  it('without --out writes into the data dir ($VIGIA_DATA_DIR/reports/), not the repository, and says where', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-report-data-'));
    const previous = process.env.VIGIA_DATA_DIR;
    process.env.VIGIA_DATA_DIR = dataDir;
    try {
      const [line] = await cli('report', '--exports', join(dir, 'exports'));
      const file = /^wrote (\S+) /.exec(line!)![1]!;
      expect(file).toMatch(new RegExp(`^${join(dataDir, 'reports')}/report-\\d{4}-\\d{2}-\\d{2}\\.html$`));
      expect(readFileSync(file, 'utf8')).toContain('<title>Vigia report');
    } finally {
      if (previous === undefined) delete process.env.VIGIA_DATA_DIR;
      else process.env.VIGIA_DATA_DIR = previous;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a bad --since (exit 2) before running anything', async () => {
    const out = join(dir, 'never.html');
    await expect(cli('report', '--exports', join(dir, 'exports'), '--since', '30/11/2026', '--out', out)).rejects.toMatchObject({ message: '--since must be a day like 2026-11-01, got "30/11/2026" (see vigia --help)', exitCode: 2 });
    expect(existsSync(out)).toBe(false);
  });
});

describe('the report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the four charts with marks, without errors or network requests', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(data, { source: 'DuckDB over test data', now: NOW }));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(url, { waitUntil: 'load' });

    const marks: Record<string, number> = {};
    for (const chart of await page.locator('figure[data-chart]').all()) {
      let drawn = 0;
      for (const mark of await chart.locator('.mark').all()) {
        const box = await mark.boundingBox();
        if (box && box.width > 0 && box.height > 0) drawn++;
      }
      marks[(await chart.getAttribute('data-chart'))!] = drawn;
    }
    expect(marks).toEqual({
      // One mark per (day, direction) with messages (employees are summed).
      'volume-by-day': new Set(data.volume.map((row) => `${row.day}|${row.direction}`)).size,
      // Median and p90 for each of the three employees.
      'response-times': 6,
      // angry-conversation (low), confidential-terms (high), leak-patterns (high).
      'alerts-by-policy': 3,
      // One mark per (week, sentiment) with messages.
      'sentiment-trend': new Set(data.sentiment.map((row) => `${row.week}|${row.sentiment}`)).size,
    });
    expect(await page.locator('section[data-table="unanswered"] tbody tr').count()).toBe(3);

    const pixels = decodePng(await page.screenshot({ fullPage: true }));
    // Not blank: the charts' colours and anti-aliased text, and the background is not everything.
    expect(distinctColours(pixels)).toBeGreaterThan(50);
    expect(shareOf(pixels, [0xf8, 0xfa, 0xfc])).toBeLessThan(0.9);
    expect(shareOf(pixels, [0x25, 0x63, 0xeb])).toBeGreaterThan(0); // the inbound bars' blue

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
