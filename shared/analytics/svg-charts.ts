/**
 * Small SVG bar charts, laid out by pure functions (`stackedColumnsLayout`, `horizontalBarsLayout`)
 * into a list of shapes that two renderers draw the same way: `svgMarkup` writes the SVG text of
 * the self-contained HTML report (`vigia report`), and the manager console draws the same shapes
 * as Preact elements (console/src/views/overview.tsx). No script, no external URL, no `style`
 * attribute (the console's CSP allows no inline style): presentation attributes only. Every bar is
 * a `<rect class="mark">` with a `<title>` (the browser shows it on hover), so tests can count
 * what was drawn.
 *
 * No imports on purpose: the console's bundle includes this file.
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

/** One shape of a chart, in drawing order. Coordinates are in the chart's viewBox. */
export type ChartShape =
  | { kind: 'line'; x1: number; x2: number; y1: number; y2: number; stroke: string }
  | { kind: 'text'; x: number; y: number; text: string; fill: string; anchor?: 'middle' | 'end' }
  /** A bar: `title` is its tooltip (category, series and value). */
  | { kind: 'mark'; x: number; y: number; width: number; height: number; fill: string; title: string }
  /** A legend entry: a swatch and the series' name, at (x, y). */
  | { kind: 'legend'; x: number; y: number; color: string; name: string };

export interface ChartLayout {
  /** The accessible name of the chart (`aria-label`). */
  title: string;
  width: number;
  height: number;
  shapes: ChartShape[];
}

export const CHART_WIDTH = 720;
export const CHART_FONT_FAMILY = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
export const CHART_FONT_SIZE = 11;
const FONT = `font-family="${CHART_FONT_FAMILY}" font-size="${CHART_FONT_SIZE}"`;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `42 s`, `2.5 min`, `2 h`: a duration in seconds for people. */
export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 6) / 10} min`;
  return `${Math.round(seconds / 360) / 10} h`;
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

function legend(series: Series[], y: number): ChartShape[] {
  let x = 0;
  return series.map((item) => {
    const entry: ChartShape = { kind: 'legend', x, y, color: item.color, name: item.name };
    x += 24 + item.name.length * 6.5;
    return entry;
  });
}

/**
 * Vertical bars, one column per category, series stacked. With `percent`, each column is scaled
 * to 100 % (shares over time); tooltips still give the counts.
 */
export function stackedColumnsLayout(options: BarChartOptions & { percent?: boolean }): ChartLayout {
  const { categories, series, title, percent = false } = options;
  const format = options.format ?? String;
  const left = 48;
  const top = 24;
  const plotHeight = 220;
  const plotWidth = CHART_WIDTH - left - 8;
  const totals = categories.map((_, i) => series.reduce((sum, item) => sum + (item.values[i] ?? 0), 0));
  const ticks = percent ? [0, 25, 50, 75, 100] : niceTicks(Math.max(...totals, 0));
  const top_ = ticks[ticks.length - 1];
  const y = (value: number) => top + plotHeight - (value / top_) * plotHeight;
  const slot = plotWidth / Math.max(categories.length, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(categories.length / Math.floor(plotWidth / 70)));

  const shapes: ChartShape[] = [];
  for (const tick of ticks) {
    shapes.push({ kind: 'line', x1: left, x2: left + plotWidth, y1: round(y(tick)), y2: round(y(tick)), stroke: '#e5e7eb' });
    shapes.push({ kind: 'text', x: left - 6, y: round(y(tick)) + 4, anchor: 'end', fill: '#666', text: percent ? `${tick}%` : format(tick) });
  }
  categories.forEach((category, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let base = 0;
    for (const item of series) {
      const raw = item.values[i] ?? 0;
      if (raw <= 0) continue;
      const value = percent ? (raw / totals[i]) * 100 : raw;
      shapes.push({
        kind: 'mark',
        x: round(x),
        y: round(y(base + value)),
        width: round(barWidth),
        height: Math.max(0.5, round(y(base) - y(base + value))),
        fill: item.color,
        title: `${category} · ${item.name}: ${format(raw)}${percent ? ` (${Math.round(value)}%)` : ''}`,
      });
      base += value;
    }
    if (i % labelEvery === 0) shapes.push({ kind: 'text', x: round(x + barWidth / 2), y: top + plotHeight + 16, anchor: 'middle', fill: '#666', text: category });
  });
  shapes.push(...legend(series, top + plotHeight + 32));
  return { title, width: CHART_WIDTH, height: top + plotHeight + 50, shapes };
}

/** Horizontal bars, one row per category: series side by side, or stacked. */
export function horizontalBarsLayout(options: BarChartOptions & { stacked?: boolean }): ChartLayout {
  const { categories, series, title, stacked = false } = options;
  const format = options.format ?? String;
  const left = Math.min(260, 16 + Math.max(...categories.map((category) => category.length), 4) * 6.6);
  const right = 90;
  const plotWidth = CHART_WIDTH - left - right;
  const band = stacked ? 22 : 10 + series.length * 12;
  const top = 8;
  const maxValue = Math.max(0, ...categories.map((_, i) => (stacked ? series.reduce((sum, item) => sum + (item.values[i] ?? 0), 0) : Math.max(...series.map((item) => item.values[i] ?? 0)))));
  const ticks = options.ticks ? options.ticks(maxValue) : niceTicks(maxValue, 4);
  const x = (value: number) => left + (value / ticks[ticks.length - 1]) * plotWidth;
  const plotHeight = categories.length * (band + 8);

  const shapes: ChartShape[] = [];
  for (const tick of ticks) {
    shapes.push({ kind: 'line', x1: round(x(tick)), x2: round(x(tick)), y1: top, y2: top + plotHeight, stroke: '#e5e7eb' });
    shapes.push({ kind: 'text', x: round(x(tick)), y: top + plotHeight + 14, anchor: 'middle', fill: '#666', text: format(tick) });
  }
  categories.forEach((category, i) => {
    const y0 = top + i * (band + 8) + 4;
    shapes.push({ kind: 'text', x: left - 8, y: y0 + band / 2 + 4, anchor: 'end', fill: '#333', text: category });
    let base = 0;
    series.forEach((item, s) => {
      const value = item.values[i] ?? 0;
      if (value <= 0) return;
      const barY = stacked ? y0 : y0 + s * 12;
      shapes.push({
        kind: 'mark',
        x: round(x(base)),
        y: barY,
        width: Math.max(0.5, round(x(base + value) - x(base))),
        height: stacked ? band : 10,
        fill: item.color,
        title: `${category} · ${item.name}: ${format(value)}`,
      });
      if (!stacked) shapes.push({ kind: 'text', x: round(x(value)) + 4, y: barY + 9, fill: '#444', text: format(value) });
      if (stacked) base += value;
    });
    if (stacked) shapes.push({ kind: 'text', x: round(x(base)) + 4, y: y0 + band / 2 + 4, fill: '#444', text: format(base) });
  });
  shapes.push(...legend(series, top + plotHeight + 26));
  return { title, width: CHART_WIDTH, height: top + plotHeight + 46, shapes };
}

/** The SVG text of a layout (every text escaped), for the HTML report. */
export function svgMarkup(layout: ChartLayout): string {
  const body = layout.shapes
    .map((shape) => {
      switch (shape.kind) {
        case 'line':
          return `<line x1="${shape.x1}" x2="${shape.x2}" y1="${shape.y1}" y2="${shape.y2}" stroke="${shape.stroke}"/>`;
        case 'text':
          return `<text x="${shape.x}" y="${shape.y}"${shape.anchor ? ` text-anchor="${shape.anchor}"` : ''} ${FONT} fill="${shape.fill}">${escapeXml(shape.text)}</text>`;
        case 'mark':
          return `<rect class="mark" x="${shape.x}" y="${shape.y}" width="${shape.width}" height="${shape.height}" fill="${shape.fill}"><title>${escapeXml(shape.title)}</title></rect>`;
        case 'legend':
          return `<g class="legend" transform="translate(${shape.x},${shape.y})"><rect width="10" height="10" rx="2" fill="${shape.color}"/><text x="14" y="9" ${FONT} fill="#333">${escapeXml(shape.name)}</text></g>`;
      }
    })
    .join('');
  return `<svg viewBox="0 0 ${layout.width} ${layout.height}" width="100%" role="img" aria-label="${escapeXml(layout.title)}">${body}</svg>`;
}

/** Vertical stacked bars as SVG text (see stackedColumnsLayout). */
export function stackedColumns(options: BarChartOptions & { percent?: boolean }): string {
  return svgMarkup(stackedColumnsLayout(options));
}

/** Horizontal bars as SVG text (see horizontalBarsLayout). */
export function horizontalBars(options: BarChartOptions & { stacked?: boolean }): string {
  return svgMarkup(horizontalBarsLayout(options));
}
