/**
 * Small SVG bar charts rendered as strings, for the self-contained HTML report: no script, no
 * external URL, readable when printed or opened offline. Every bar is a `<rect class="mark">`
 * with a `<title>` (the browser shows it on hover), so tests can count what was drawn.
 */

export interface Series {
  name: string;
  color: string;
  /** One value per category (0 for none). */
  values: number[];
}

export interface BarChartOptions {
  /** Accessible title of the chart. */
  title: string;
  categories: string[];
  series: Series[];
  /** How values are shown in axis labels and tooltips. @default String */
  format?: (value: number) => string;
  /** The axis ticks for the largest value. @default niceTicks */
  ticks?: (max: number) => number[];
}

const WIDTH = 720;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="11"';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** 1, 2 or 5 × 10ⁿ steps covering `max` in about `count` ticks. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Steps people read as durations (seconds): 1 s … 30 s, 1 min … 30 min, 1 h … 12 h, days. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Ticks for a duration axis in seconds, on whole seconds, minutes, hours or days. */
export function durationTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const step = DURATION_STEPS.find((candidate) => candidate >= max / count) ?? Math.ceil(max / count / 86400) * 86400;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(tick);
  return ticks;
}

const round = (value: number) => Math.round(value * 10) / 10;

function legend(series: Series[], y: number): string {
  let x = 0;
  return series
    .map((item) => {
      const entry = `<g class="legend" transform="translate(${x},${y})"><rect width="10" height="10" rx="2" fill="${item.color}"/><text x="14" y="9" ${FONT} fill="#333">${escapeXml(item.name)}</text></g>`;
      x += 24 + item.name.length * 6.5;
      return entry;
    })
    .join('');
}

/**
 * Vertical bars, one column per category, series stacked. With `percent`, each column is scaled
 * to 100 % (shares over time); tooltips still give the counts.
 */
export function stackedColumns(options: BarChartOptions & { percent?: boolean }): string {
  const { categories, series, title, percent = false } = options;
  const format = options.format ?? String;
  const left = 48;
  const top = 24;
  const plotHeight = 220;
  const plotWidth = WIDTH - left - 8;
  const totals = categories.map((_, i) => series.reduce((sum, item) => sum + (item.values[i] ?? 0), 0));
  const ticks = percent ? [0, 25, 50, 75, 100] : niceTicks(Math.max(...totals, 0));
  const top_ = ticks[ticks.length - 1];
  const y = (value: number) => top + plotHeight - (value / top_) * plotHeight;
  const slot = plotWidth / Math.max(categories.length, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(categories.length / Math.floor(plotWidth / 70)));

  const grid = ticks
    .map((tick) => `<line x1="${left}" x2="${left + plotWidth}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="#e5e7eb"/><text x="${left - 6}" y="${round(y(tick)) + 4}" text-anchor="end" ${FONT} fill="#666">${escapeXml(percent ? `${tick}%` : format(tick))}</text>`)
    .join('');
  const bars = categories
    .map((category, i) => {
      const x = left + i * slot + (slot - barWidth) / 2;
      let base = 0;
      const stack = series
        .map((item) => {
          const raw = item.values[i] ?? 0;
          if (raw <= 0) return '';
          const value = percent ? (raw / totals[i]) * 100 : raw;
          const rect = `<rect class="mark" x="${round(x)}" y="${round(y(base + value))}" width="${round(barWidth)}" height="${Math.max(0.5, round(y(base) - y(base + value)))}" fill="${item.color}"><title>${escapeXml(`${category} · ${item.name}: ${format(raw)}${percent ? ` (${Math.round(value)}%)` : ''}`)}</title></rect>`;
          base += value;
          return rect;
        })
        .join('');
      const label = i % labelEvery === 0 ? `<text x="${round(x + barWidth / 2)}" y="${top + plotHeight + 16}" text-anchor="middle" ${FONT} fill="#666">${escapeXml(category)}</text>` : '';
      return stack + label;
    })
    .join('');
  const height = top + plotHeight + 50;
  return `<svg viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeXml(title)}">${grid}${bars}${legend(series, top + plotHeight + 32)}</svg>`;
}

/** Horizontal bars, one row per category: series side by side, or stacked. */
export function horizontalBars(options: BarChartOptions & { stacked?: boolean }): string {
  const { categories, series, title, stacked = false } = options;
  const format = options.format ?? String;
  const left = Math.min(260, 16 + Math.max(...categories.map((category) => category.length), 4) * 6.6);
  const right = 90;
  const plotWidth = WIDTH - left - right;
  const band = stacked ? 22 : 10 + series.length * 12;
  const top = 8;
  const maxValue = Math.max(0, ...categories.map((_, i) => (stacked ? series.reduce((sum, item) => sum + (item.values[i] ?? 0), 0) : Math.max(...series.map((item) => item.values[i] ?? 0)))));
  const ticks = options.ticks ? options.ticks(maxValue) : niceTicks(maxValue, 4);
  const x = (value: number) => left + (value / ticks[ticks.length - 1]) * plotWidth;
  const plotHeight = categories.length * (band + 8);

  const grid = ticks
    .map((tick) => `<line x1="${round(x(tick))}" x2="${round(x(tick))}" y1="${top}" y2="${top + plotHeight}" stroke="#e5e7eb"/><text x="${round(x(tick))}" y="${top + plotHeight + 14}" text-anchor="middle" ${FONT} fill="#666">${escapeXml(format(tick))}</text>`)
    .join('');
  const rows = categories
    .map((category, i) => {
      const y0 = top + i * (band + 8) + 4;
      const label = `<text x="${left - 8}" y="${y0 + band / 2 + 4}" text-anchor="end" ${FONT} fill="#333">${escapeXml(category)}</text>`;
      let base = 0;
      const bars = series
        .map((item, s) => {
          const value = item.values[i] ?? 0;
          if (value <= 0) return '';
          const barY = stacked ? y0 : y0 + s * 12;
          const barHeight = stacked ? band : 10;
          const rect = `<rect class="mark" x="${round(x(base))}" y="${barY}" width="${Math.max(0.5, round(x(base + value) - x(base)))}" height="${barHeight}" fill="${item.color}"><title>${escapeXml(`${category} · ${item.name}: ${format(value)}`)}</title></rect>`;
          const valueLabel = stacked ? '' : `<text x="${round(x(value)) + 4}" y="${barY + 9}" ${FONT} fill="#444">${escapeXml(format(value))}</text>`;
          if (stacked) base += value;
          return rect + valueLabel;
        })
        .join('');
      const total = stacked ? `<text x="${round(x(base)) + 4}" y="${y0 + band / 2 + 4}" ${FONT} fill="#444">${escapeXml(format(base))}</text>` : '';
      return label + bars + total;
    })
    .join('');
  const height = top + plotHeight + 46;
  return `<svg viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeXml(title)}">${grid}${rows}${legend(series, top + plotHeight + 26)}</svg>`;
}
