import { durationTicks, formatSeconds, horizontalBarsLayout, stackedColumnsLayout, type ChartLayout, type Series } from './svg-charts';

/**
 * The charts of the named queries' rows, as layouts (svg-charts.ts): what `vigia report` writes as
 * SVG text and the console's Overview draws as Preact elements, so both show the same picture.
 * Rows are the queries' own (snake_case columns, docs/analytics.md). Labels are given by the
 * caller (English in the report, the person's language in the console).
 *
 * No imports but svg-charts.ts: the console's bundle includes this file.
 */

type Value = string | number | boolean | null;
export type QueryRow = Record<string, Value>;

const COLORS: Record<string, string> = {
  median: '#7c3aed',
  p90: '#c4b5fd',
  high: '#dc2626',
  medium: '#f59e0b',
  low: '#facc15',
  POSITIVE: '#16a34a',
  NEUTRAL: '#9ca3af',
  MIXED: '#a855f7',
  NEGATIVE: '#dc2626',
};
const SEVERITIES = ['high', 'medium', 'low'];
const SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'MIXED', 'NEGATIVE'];
const EXTRA_COLORS = ['#0ea5e9', '#f97316', '#14b8a6', '#e11d48', '#84cc16'];

export const num = (value: Value | undefined) => (typeof value === 'number' ? value : Number(value ?? 0));
export const str = (value: Value | undefined) => (value === null || value === undefined ? '—' : String(value));
const sortedUnique = (values: string[]) => [...new Set(values)].sort();
const colorOf = (key: string, i: number) => COLORS[key] ?? EXTRA_COLORS[i % EXTRA_COLORS.length];

export interface ResponseTimeLabels {
  title: string;
  median: string;
  p90: string;
  /** The name of a row whose team is NULL, when an employee has rows of several teams. */
  noTeam: string;
}

/**
 * `first_response_time`: median and 90th percentile per employee, answered turns in brackets. An
 * employee with lines in several teams has a row per team: those rows are labelled with the team.
 */
export function responseTimeChart(rows: QueryRow[], labels: ResponseTimeLabels): ChartLayout {
  const perEmployee = new Map<string, number>();
  for (const row of rows) perEmployee.set(str(row.employee), (perEmployee.get(str(row.employee)) ?? 0) + 1);
  const name = (row: QueryRow) => ((perEmployee.get(str(row.employee)) ?? 0) > 1 ? `${str(row.employee)} · ${row.team === null || row.team === undefined ? labels.noTeam : String(row.team)}` : str(row.employee));
  return horizontalBarsLayout({
    title: labels.title,
    categories: rows.map((row) => `${name(row)} (${num(row.conversations)})`),
    series: [
      { name: labels.median, color: COLORS.median, values: rows.map((row) => num(row.median_seconds)) },
      { name: labels.p90, color: COLORS.p90, values: rows.map((row) => num(row.p90_seconds)) },
    ],
    format: formatSeconds,
    ticks: durationTicks,
  });
}

/** `alerts_by_policy_week`: alerts per policy, stacked by severity (weeks and teams summed). */
export function alertsChart(rows: QueryRow[], labels: { title: string; severity?: (severity: string) => string }): ChartLayout {
  const policies = sortedUnique(rows.map((row) => str(row.policy_id)));
  const severities = [...SEVERITIES, ...sortedUnique(rows.map((row) => str(row.severity))).filter((severity) => !SEVERITIES.includes(severity))];
  const series: Series[] = severities
    .map((severity, i) => ({
      name: labels.severity?.(severity) ?? severity,
      color: colorOf(severity, i),
      values: policies.map((policy) => rows.filter((row) => row.policy_id === policy && row.severity === severity).reduce((sum, row) => sum + num(row.alerts), 0)),
    }))
    .filter((item) => item.values.some((value) => value > 0));
  return horizontalBarsLayout({ title: labels.title, categories: policies, series, stacked: true });
}

/** `sentiment_by_team_week`: each week's share of analysed messages per sentiment (teams summed). */
export function sentimentChart(rows: QueryRow[], labels: { title: string; week: (week: string) => string; sentiment?: (label: string) => string }): ChartLayout {
  const weeks = sortedUnique(rows.map((row) => str(row.week)));
  const sentiments = [...SENTIMENTS, ...sortedUnique(rows.map((row) => str(row.sentiment))).filter((label) => !SENTIMENTS.includes(label))];
  const series: Series[] = sentiments
    .map((label, i) => ({
      name: labels.sentiment?.(label) ?? label.toLowerCase(),
      color: colorOf(label, i),
      values: weeks.map((week) => rows.filter((row) => row.week === week && row.sentiment === label).reduce((sum, row) => sum + num(row.messages), 0)),
    }))
    .filter((item) => item.values.some((value) => value > 0));
  return stackedColumnsLayout({ title: labels.title, categories: weeks.map(labels.week), series, percent: true });
}
