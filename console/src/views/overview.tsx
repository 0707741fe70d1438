import { api } from '../api';
import { ErrorBox, Loading, SEVERITY_KEY, STATUS_KEY } from '../components';
import { useSession } from '../context';
import { useLoad } from '../load';
import type { AlertList, AlertStatus, Severity } from '../types';

type Counts = Record<AlertStatus, number>;
const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
const SEVERITIES: Severity[] = ['high', 'medium', 'low'];

/** Counts per status for the principal's scope: overall, per severity and per team. */
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
    </section>
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
