import type { ComponentChildren } from 'preact';
import { alertsChart, responseTimeChart, sentimentChart, type QueryRow } from '../../../shared/analytics/charts';
import { CHART_FONT_FAMILY, CHART_FONT_SIZE, formatSeconds, type ChartLayout } from '../../../shared/analytics/svg-charts';
import type { OverviewJson } from '../types';
import { api } from '../api';
import { ErrorBox, Loading, SEVERITY_KEY, STATUS_KEY } from '../components';
import { useSession } from '../context';
import type { MessageKey } from '../dictionaries';
import { useLoad } from '../load';
import type { AlertList, AlertStatus, Severity } from '../types';

type Counts = Record<AlertStatus, number>;
const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
const SEVERITIES: Severity[] = ['high', 'medium', 'low'];
const SENTIMENT_KEY: Record<string, MessageKey> = { POSITIVE: 'sentimentPositive', NEUTRAL: 'sentimentNeutral', MIXED: 'sentimentMixed', NEGATIVE: 'sentimentNegative' };

/** Counts per status for the principal's scope (overall, per severity, per team), then the report's charts for the same scope. */
export function Overview() {
  const { t, me } = useSession();
  const loaded = useLoad(async () => {
    const counts = async (query: Record<string, string>) => (await api<AlertList>('/api/alerts', { query: { ...query, limit: 1 } })).counts;
    const [total, ...rest] = await Promise.all([counts({}), ...SEVERITIES.map((severity) => counts({ severity })), ...me.teams.map((team) => counts({ team }))]);
    return { total: total!, bySeverity: rest.slice(0, SEVERITIES.length), byTeam: rest.slice(SEVERITIES.length) };
  }, me.email);
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">{t('overviewTitle')}</h1>
      <p class="muted">{t('scope', { teams: me.teams.join(', ') || '—' })}</p>
      {loaded.error && <ErrorBox error={loaded.error} retry={loaded.reload} />}
      {!loaded.data && !loaded.error && <Loading />}
      {loaded.data && (
        <>
          <ul class="counts big" aria-label={t('counts')}>
            {STATUSES.map((status) => (
              <li>
                {t(STATUS_KEY[status])} <strong>{loaded.data!.total[status] ?? 0}</strong>
              </li>
            ))}
          </ul>
          <CountTable caption={t('bySeverity')} head={t('severity')} rows={SEVERITIES.map((severity, index) => [t(SEVERITY_KEY[severity]), loaded.data!.bySeverity[index]!])} />
          <CountTable caption={t('byTeam')} head={t('team')} rows={me.teams.map((team, index) => [team, loaded.data!.byTeam[index]!])} />
        </>
      )}
      <Analytics />
    </section>
  );
}

/** `GET /api/overview`: the charts of `vigia report`, for the teams the API says this person sees. */
function Analytics() {
  const { t, time, me } = useSession();
  const loaded = useLoad(() => api<OverviewJson>('/api/overview'), me.email);
  const data = loaded.data;
  const severity = (value: string) => (value in SEVERITY_KEY ? t(SEVERITY_KEY[value as Severity]) : value);
  const sentiment = (value: string) => (SENTIMENT_KEY[value] ? t(SENTIMENT_KEY[value]) : value.toLowerCase());
  const teamName = (team: string | null) => team ?? t('noTeam');
  return (
    <section aria-labelledby="analytics-title" class="analytics">
      <h2 id="analytics-title">{t('analyticsTitle')}</h2>
      {loaded.error && <ErrorBox error={loaded.error} retry={loaded.reload} />}
      {!data && !loaded.error && <Loading />}
      {data?.status === 'no-export' && <p class="card" data-empty="no-export">{t('noExport')}</p>}
      {data?.status === 'ok' && (
        <>
          <p class="muted">
            {data.exportedAt
              ? t('analyticsPeriod', { since: data.since, exported: time(data.exportedAt), generated: time(data.generatedAt) })
              : t('analyticsPeriodNoWatermark', { since: data.since, generated: time(data.generatedAt) })}
          </p>
          <ChartFigure
            id="alerts-by-policy"
            caption={t('chartAlertsCaption')}
            rows={data.alertsByPolicyWeek}
            layout={(rows) => alertsChart(rows, { title: t('chartAlertsTitle'), severity })}
            head={[t('week'), t('policy'), t('severity'), t('team'), t('alertsCount')]}
            cells={(row) => [row.week, row.policy_id ?? '—', severity(row.severity ?? '—'), teamName(row.team), row.alerts]}
          />
          <ChartFigure
            id="response-times"
            caption={t('chartResponseCaption')}
            rows={data.firstResponseTime}
            layout={(rows) => responseTimeChart(rows, { title: t('chartResponseTitle'), median: t('median'), p90: t('p90'), noTeam: t('noTeam') })}
            head={[t('employee'), t('team'), t('median'), t('p90'), t('answeredTurns')]}
            cells={(row) => [row.employee, teamName(row.team), formatSeconds(row.median_seconds), formatSeconds(row.p90_seconds), row.conversations]}
          />
          <ChartFigure
            id="sentiment-trend"
            caption={t('chartSentimentCaption')}
            rows={data.sentimentByTeamWeek}
            layout={(rows) => sentimentChart(rows, { title: t('chartSentimentTitle'), week: (week) => t('weekOf', { week }), sentiment })}
            head={[t('week'), t('team'), t('sentiment'), t('messages')]}
            cells={(row) => [row.week, teamName(row.team), sentiment(row.sentiment), row.messages]}
          />
        </>
      )}
    </section>
  );
}

/** A chart with its caption and, under "The numbers", the same rows as a table (the chart's text alternative). */
function ChartFigure<R extends object>(props: { id: string; caption: string; rows: R[]; layout: (rows: QueryRow[]) => ChartLayout; head: string[]; cells: (row: R) => (string | number)[] }) {
  const { t } = useSession();
  const layout = props.rows.length > 0 ? props.layout(props.rows as unknown as QueryRow[]) : undefined;
  return (
    <figure class="chart card" data-chart={props.id}>
      {layout ? <Chart layout={layout} /> : <p class="muted">{t('noChartData')}</p>}
      <figcaption class="muted">{props.caption}</figcaption>
      {layout && (
        <details>
          <summary>{t('showNumbers')}</summary>
          <table class="count-table">
            <thead>
              <tr>
                {props.head.map((cell) => (
                  <th scope="col">{cell}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  {props.cells(row).map((cell) => (
                    <td>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

/** The shapes of shared/analytics/svg-charts.ts as SVG elements: presentation attributes only (the CSP allows no inline style). */
function Chart({ layout }: { layout: ChartLayout }) {
  const font = { 'font-family': CHART_FONT_FAMILY, 'font-size': CHART_FONT_SIZE };
  const shapes: ComponentChildren[] = layout.shapes.map((shape) => {
    switch (shape.kind) {
      case 'line':
        return <line x1={shape.x1} x2={shape.x2} y1={shape.y1} y2={shape.y2} stroke={shape.stroke} />;
      case 'text':
        return (
          <text x={shape.x} y={shape.y} text-anchor={shape.anchor} fill={shape.fill} {...font}>
            {shape.text}
          </text>
        );
      case 'mark':
        return (
          <rect class="mark" x={shape.x} y={shape.y} width={shape.width} height={shape.height} fill={shape.fill}>
            <title>{shape.title}</title>
          </rect>
        );
      case 'legend':
        return (
          <g class="legend" transform={`translate(${shape.x},${shape.y})`}>
            <rect width={10} height={10} rx={2} fill={shape.color} />
            <text x={14} y={9} fill="#333" {...font}>
              {shape.name}
            </text>
          </g>
        );
    }
  });
  return (
    <svg viewBox={`0 0 ${layout.width} ${layout.height}`} width="100%" role="img" aria-label={layout.title}>
      {shapes}
    </svg>
  );
}

function CountTable({ caption, head, rows }: { caption: string; head: string; rows: [string, Counts][] }) {
  const { t } = useSession();
  const max = Math.max(1, ...rows.map(([, counts]) => counts.open + counts.acknowledged + counts.resolved));
  return (
    <table class="count-table card">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          {STATUSES.map((status) => (
            <th scope="col">{t(STATUS_KEY[status])}</th>
          ))}
          <th scope="col">{t('total')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, counts]) => {
          const total = counts.open + counts.acknowledged + counts.resolved;
          return (
            <tr>
              <th scope="row">{name}</th>
              {STATUSES.map((status) => (
                <td>{counts[status] ?? 0}</td>
              ))}
              <td>
                <span class="bar-value">{total}</span>
                <meter class="bar" min={0} max={max} value={total} aria-hidden="true" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
