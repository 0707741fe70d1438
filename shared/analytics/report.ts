import { alertsChart, num, responseTimeChart, sentimentChart, str } from './charts';
import { findNamedQuery, resolveParams } from './named-queries';
import { rowObjects, type Cell, type QueryEngine } from './query-result';
import { escapeXml as escapeHtml, stackedColumns, svgMarkup, type Series } from './svg-charts';

export { formatSeconds } from './svg-charts';

/**
 * `vigia report`: one self-contained HTML page built from the named queries' results (so it is
 * the same locally with DuckDB and on a stage with Athena). Inline CSS and SVG only: no script,
 * no font, no image, no URL; a Content-Security-Policy of `default-src 'none'` makes the browser
 * refuse any request the page might still try.
 */

type Row = Record<string, Cell>;

export interface ReportData {
  volume: Row[];
  responses: Row[];
  alerts: Row[];
  sentiment: Row[];
  media: Row[];
  unanswered: Row[];
}

export interface ReportOptions {
  /** Only data on or after this day (`YYYY-MM-DD`, UTC). */
  since?: string;
  /** Conversations waiting at least this long are listed. @default 24 */
  unansweredHours?: number;
  /** "Now" for the unanswered conversations and the page's date. @default new Date() */
  now?: Date;
}

/** The queries a report runs, in order (also what docs/analytics.md lists). */
export const REPORT_QUERIES = ['messages_per_employee_day', 'first_response_time', 'alerts_by_policy_week', 'sentiment_by_team_week', 'media_by_type', 'unanswered_conversations'] as const;

export async function collectReport(engine: QueryEngine, options: ReportOptions = {}): Promise<ReportData> {
  const now = options.now ?? new Date();
  const run = async (name: (typeof REPORT_QUERIES)[number], params: Record<string, string> = {}) => {
    const query = findNamedQuery(name);
    const given = { ...params, ...(options.since && query.params.some((param) => param.name === 'since') ? { since: options.since } : {}) };
    return rowObjects(await engine.execute(query, resolveParams(query, given, now)));
  };
  // One after the other: Athena workgroups limit concurrent queries, DuckDB has one connection.
  const volume = await run('messages_per_employee_day');
  const responses = await run('first_response_time');
  const alerts = await run('alerts_by_policy_week');
  const sentiment = await run('sentiment_by_team_week');
  const media = await run('media_by_type');
  const unanswered = await run('unanswered_conversations', { hours: String(options.unansweredHours ?? 24) });
  return { volume, responses, alerts, sentiment, media, unanswered };
}

const COLORS = { inbound: '#2563eb', outbound: '#16a34a' } as const;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Every day from the first to the last (so gaps show as empty days, not as missing columns). */
function dayRange(days: string[]): string[] {
  if (days.length === 0) return [];
  const sorted = [...days].sort();
  const range: string[] = [];
  for (let day = Date.parse(`${sorted[0]}T00:00:00Z`); day <= Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`); day += 86_400_000) range.push(new Date(day).toISOString().slice(0, 10));
  return range.length <= 400 ? range : sorted.filter((day, i) => i === 0 || day !== sorted[i - 1]);
}

function volumeChart(rows: Row[]): string {
  const days = dayRange(rows.map((row) => str(row.day)));
  const series: Series[] = (['inbound', 'outbound'] as const).map((direction) => ({
    name: direction === 'inbound' ? 'from customers' : 'from employees',
    color: COLORS[direction],
    values: days.map((day) => rows.filter((row) => row.day === day && row.direction === direction).reduce((sum, row) => sum + num(row.messages), 0)),
  }));
  return stackedColumns({ title: 'Messages per day', categories: days, series });
}

function responseChart(rows: Row[]): string {
  return svgMarkup(responseTimeChart(rows, { title: 'Response time per employee', median: 'median', p90: '90th percentile', noTeam: 'no team' }));
}

function alertChart(rows: Row[]): string {
  return svgMarkup(alertsChart(rows, { title: 'Alerts by policy' }));
}

function sentimentTrend(rows: Row[]): string {
  return svgMarkup(sentimentChart(rows, { title: 'Sentiment per week', week: (week) => `week of ${week}` }));
}

function figure(id: string, title: string, caption: string, rows: Row[], chart: (rows: Row[]) => string): string {
  const body = rows.length > 0 ? chart(rows) : '<p class="empty">No data for this period.</p>';
  return `<figure class="chart" data-chart="${id}"><h2>${escapeHtml(title)}</h2>${body}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function table(headers: string[], rows: string[][], numeric: boolean[]): string {
  const head = headers.map((header, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderReport(data: ReportData, meta: { source: string; since?: string; now?: Date; unansweredHours?: number }): string {
  const now = meta.now ?? new Date();
  const hours = meta.unansweredHours ?? 24;
  const inbound = data.volume.filter((row) => row.direction === 'inbound').reduce((sum, row) => sum + num(row.messages), 0);
  const outbound = data.volume.filter((row) => row.direction === 'outbound').reduce((sum, row) => sum + num(row.messages), 0);
  const answered = data.responses.reduce((sum, row) => sum + num(row.conversations), 0);
  const alerts = data.alerts.reduce((sum, row) => sum + num(row.alerts), 0);
  const period = meta.since ? `since ${meta.since}` : 'all time';
  const cards = [
    ['messages', (inbound + outbound).toLocaleString('en-US'), `${inbound.toLocaleString('en-US')} from customers, ${outbound.toLocaleString('en-US')} from employees`],
    ['answered turns', answered.toLocaleString('en-US'), 'customer messages that got a reply'],
    ['alerts', alerts.toLocaleString('en-US'), 'raised by the compliance policies'],
    ['waiting', data.unanswered.length.toLocaleString('en-US'), `conversations unanswered for ${hours} h or more`],
  ]
    .map(([label, value, hint]) => `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div><div class="hint">${escapeHtml(hint)}</div></div>`)
    .join('');

  const unanswered =
    data.unanswered.length > 0
      ? table(
          ['employee', 'contact', 'customer last wrote (UTC)', 'hours waiting'],
          data.unanswered.slice(0, 50).map((row) => [str(row.employee), str(row.contact_id), str(row.last_inbound_at).replace('T', ' ').replace(/\.\d+Z$/, ''), String(num(row.hours_waiting))]),
          [false, false, false, true],
        ) + (data.unanswered.length > 50 ? `<p class="hint">…and ${data.unanswered.length - 50} more (vigia query unanswered_conversations).</p>` : '')
      : '<p class="empty">None.</p>';
  const media =
    data.media.length > 0
      ? table(['real type', 'files', 'size'], data.media.map((row) => [row.sniffed_mime === null ? 'not stored yet' : str(row.sniffed_mime), String(num(row.files)), formatBytes(num(row.bytes))]), [false, true, true])
      : '<p class="empty">None.</p>';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigia report — ${escapeHtml(period)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f8fafc; color: #111827; }
  main { max-width: 800px; margin: 0 auto; padding: 24px 16px 48px; }
  header h1 { margin: 0 0 4px; font-size: 24px; }
  header p { margin: 0; color: #4b5563; font-size: 13px; }
  .cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0; }
  .card { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px; }
  .card .value { font-size: 22px; font-weight: 600; }
  .card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #374151; }
  .card .hint, p.hint { font-size: 12px; color: #6b7280; }
  figure.chart, section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  figcaption { font-size: 12px; color: #6b7280; margin-top: 6px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #f1f5f9; }
  th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
  p.empty { color: #6b7280; font-style: italic; }
  @media print { body { background: #fff; } figure.chart, section { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<header>
<h1>Vigia — WhatsApp activity report</h1>
<p>${escapeHtml(period)} · generated ${escapeHtml(now.toISOString().replace('T', ' ').slice(0, 16))} UTC from ${escapeHtml(meta.source)} · times in UTC</p>
</header>
<div class="cards">${cards}</div>
${figure('volume-by-day', 'Messages per day', 'Conversation messages per UTC day (reactions, edits and deletes not counted); query messages_per_employee_day.', data.volume, volumeChart)}
${figure('response-times', 'Response time per employee', 'From a customer’s message to the employee’s next reply: median and 90th percentile; in brackets, answered turns. Query first_response_time.', data.responses, responseChart)}
${figure('alerts-by-policy', 'Alerts by policy', 'Compliance alerts raised, by policy and severity; query alerts_by_policy_week.', data.alerts, alertChart)}
${figure('sentiment-trend', 'Sentiment per week', 'Share of analysed messages per sentiment, per week (Monday, UTC); hover for counts. Query sentiment_by_team_week.', data.sentiment, sentimentTrend)}
<section data-table="unanswered"><h2>Waiting for a reply</h2>${unanswered}</section>
<section data-table="media"><h2>Media by real type</h2>${media}</section>
</main>
</body>
</html>
`;
}
