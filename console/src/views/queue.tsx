import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, segment } from '../api';
import { ErrorBox, Loading, SeverityBadge, STATUS_KEY, StatusBadge } from '../components';
import { useSession } from '../context';
import { href, navigate } from '../router';
import type { Alert, AlertList, AlertOutcome, AlertStatus } from '../types';

export interface QueueFilters {
  status: '' | AlertStatus;
  severity: string;
  team: string;
  policy: string;
  line: string;
  since: string;
  until: string;
  order: 'newest' | 'oldest';
}

const EMPTY: QueueFilters = { status: 'open', severity: '', team: '', policy: '', line: '', since: '', until: '', order: 'newest' };
/** Kept while the page is open: back from an alert, the queue is as it was. */
let remembered: QueueFilters = EMPTY;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function queryOf(filters: QueueFilters, cursor?: string) {
  const lineIsId = /^\d+$/.test(filters.line.trim());
  return {
    status: filters.status,
    severity: filters.severity,
    team: filters.team,
    policy: filters.policy.trim(),
    line: lineIsId ? filters.line.trim() : '',
    since: filters.since,
    until: filters.until ? nextDay(filters.until) : '',
    order: filters.order,
    limit: 50,
    cursor,
  };
}

const isTyping = (target: EventTarget | null) => target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

export function Queue() {
  const { t, time, me } = useSession();
  const [draft, setDraft] = useState<QueueFilters>(remembered);
  const [filters, setFilters] = useState<QueueFilters>(remembered);
  const [list, setList] = useState<AlertList | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [current, setCurrentState] = useState(0);
  // The keyboard handler reads the ref: keys pressed faster than a render still move one row each.
  const currentRef = useRef(0);
  const setCurrent = (index: number) => {
    currentRef.current = index;
    setCurrentState(index);
  };
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<AlertOutcome>('no_violation');
  const [message, setMessage] = useState<string | undefined>();
  const outcomeRef = useRef<HTMLSelectElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api<AlertList>('/api/alerts', { query: queryOf(filters) }).then(
      (answer) => {
        if (!live) return;
        setList(answer);
        setError(undefined);
        setLoading(false);
        setSelected((previous) => new Set([...previous].filter((id) => answer.alerts.some((alert) => alert.id === id))));
      },
      (failure: Error) => {
        if (!live) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [filters, generation]);

  const employeeFilter = /^\d+$/.test(filters.line.trim()) ? '' : filters.line.trim().toLowerCase();
  const alerts = (list?.alerts ?? []).filter((alert) => !employeeFilter || (alert.employee ?? '').toLowerCase().includes(employeeFilter));

  const apply = (next: QueueFilters) => {
    remembered = next;
    setDraft(next);
    setFilters(next);
    setCurrent(0);
  };

  const loadMore = async () => {
    if (!list?.nextCursor) return;
    try {
      const more = await api<AlertList>('/api/alerts', { query: queryOf(filters, list.nextCursor) });
      setList({ ...more, alerts: [...list.alerts, ...more.alerts] });
    } catch (failure) {
      setError(failure as Error);
    }
  };

  const transition = async (ids: string[], action: 'acknowledge' | 'resolve') => {
    let done = 0;
    let failed = 0;
    for (const id of ids) {
      try {
        await api<Alert>(`/api/alerts/${segment(id)}/transitions`, { method: 'POST', body: { action, ...(note.trim() ? { note: note.trim() } : {}), ...(action === 'resolve' ? { outcome } : {}) } });
        done++;
      } catch (failure) {
        if (!(failure instanceof ApiError) || failure.status === 401) throw failure;
        failed++;
      }
    }
    setMessage(t('bulkDone', { done, failed }));
    setSelected(new Set());
    setNote('');
    setGeneration((value) => value + 1);
  };

  // Keyboard triage: j/k move, Enter opens, a acknowledges, r resolves (with the outcome and note below).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const alert = alerts[currentRef.current];
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        const next = Math.max(0, Math.min(alerts.length - 1, currentRef.current + (event.key === 'j' ? 1 : -1)));
        setCurrent(next);
        tableRef.current?.querySelector<HTMLAnchorElement>(`tbody tr:nth-child(${next + 1}) a`)?.focus();
      } else if (event.key === 'Enter' && alert && !(event.target instanceof HTMLAnchorElement || event.target instanceof HTMLButtonElement)) {
        event.preventDefault();
        navigate(href.alert(alert.id));
      } else if (event.key === 'a' && alert) {
        event.preventDefault();
        void transition([alert.id], 'acknowledge').catch(setError);
      } else if (event.key === 'r' && alert) {
        event.preventDefault();
        setSelected(new Set([alert.id]));
        outcomeRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const allSelected = alerts.length > 0 && alerts.every((alert) => selected.has(alert.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const field = <K extends keyof QueueFilters>(name: K) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t('alertsTitle')}</h1>
      <form
        class="filters card"
        aria-label={t('filters')}
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <div class="field">
          <label for="queue-status">{t('status')}</label>
          <select id="queue-status" {...field('status')}>
            <option value="">{t('all')}</option>
            {(['open', 'acknowledged', 'resolved'] as const).map((status) => (
              <option value={status}>{t(STATUS_KEY[status])}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="queue-severity">{t('severity')}</label>
          <select id="queue-severity" {...field('severity')}>
            <option value="">{t('all')}</option>
            <option value="high">{t('severityHigh')}</option>
            <option value="medium">{t('severityMedium')}</option>
            <option value="low">{t('severityLow')}</option>
          </select>
        </div>
        <div class="field">
          <label for="queue-team">{t('team')}</label>
          <select id="queue-team" {...field('team')}>
            <option value="">{t('all')}</option>
            {me.teams.map((team) => (
              <option value={team}>{team}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="queue-policy">{t('policy')}</label>
          <input id="queue-policy" type="text" {...field('policy')} />
        </div>
        <div class="field">
          <label for="queue-lineOrEmployee">{t('lineOrEmployee')}</label>
          <input id="queue-lineOrEmployee" type="text" {...field('line')} />
        </div>
        <div class="field">
          <label for="queue-since">{t('since')}</label>
          <input id="queue-since" type="date" {...field('since')} />
        </div>
        <div class="field">
          <label for="queue-until">{t('until')}</label>
          <input id="queue-until" type="date" {...field('until')} />
        </div>
        <div class="field">
          <label for="queue-order">{t('order')}</label>
          <select id="queue-order" {...field('order')}>
            <option value="newest">{t('newest')}</option>
            <option value="oldest">{t('oldest')}</option>
          </select>
        </div>
        <div class="filter-buttons">
          <button type="submit" class="primary">
            {t('apply')}
          </button>
          <button type="button" onClick={() => apply(EMPTY)}>
            {t('clearFilters')}
          </button>
        </div>
      </form>

      {list && (
        <ul class="counts" aria-label={t('counts')}>
          {(['open', 'acknowledged', 'resolved'] as const).map((status) => (
            <li>
              <button type="button" class={filters.status === status ? 'current' : ''} aria-pressed={filters.status === status} onClick={() => apply({ ...filters, status })}>
                {t(STATUS_KEY[status])} <strong data-count={status}>{list.counts[status] ?? 0}</strong>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="muted shortcuts">{t('shortcuts')}</p>

      <fieldset class="bulk card">
        <legend class="visually-hidden">{t('actions')}</legend>
        <span>{t('selectedCount', { count: selected.size })}</span>
        <div class="field">
          <label for="queue-note">{t('note')}</label>
          <input id="queue-note" type="text" name="bulk-note" value={note} maxLength={2000} onInput={(event) => setNote(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="queue-outcome">{t('outcome')}</label>
          <select id="queue-outcome" ref={outcomeRef} name="bulk-outcome" value={outcome} onInput={(event) => setOutcome(event.currentTarget.value as AlertOutcome)}>
            <option value="no_violation">{t('outcomeNoViolation')}</option>
            <option value="violation">{t('outcomeViolation')}</option>
            <option value="coaching">{t('outcomeCoaching')}</option>
          </select>
        </div>
        <button type="button" disabled={selected.size === 0} onClick={() => transition([...selected], 'acknowledge').catch(setError)}>
          {t('acknowledgeSelected')}
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => transition([...selected], 'resolve').catch(setError)}>
          {t('resolveSelected')}
        </button>
      </fieldset>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}

      {error && <ErrorBox error={error} retry={() => setGeneration((value) => value + 1)} />}
      {loading && !list && <Loading />}
      {list && alerts.length === 0 && <p class="empty">{t('noAlerts')}</p>}
      {alerts.length > 0 && (
        <table class="alerts" ref={tableRef}>
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" aria-label={t('selectAll')} checked={allSelected} onInput={() => setSelected(allSelected ? new Set() : new Set(alerts.map((alert) => alert.id)))} />
              </th>
              <th scope="col">{t('policy')}</th>
              <th scope="col">{t('severity')}</th>
              <th scope="col">{t('employee')}</th>
              <th scope="col">{t('time')}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert, index) => (
              <tr key={alert.id} data-alert-id={alert.id} class={index === current ? 'current' : ''}>
                <td>
                  <input type="checkbox" aria-label={t('selectAlert', { policy: alert.policyId, time: time(alert.createdAt) })} checked={selected.has(alert.id)} onInput={() => toggle(alert.id)} />
                </td>
                <td data-label={t('policy')}>
                  <a href={href.alert(alert.id)} class="policy" onFocus={() => setCurrent(index)}>
                    {alert.policyId}
                  </a>
                  {alert.backfill && <span class="tag">{t('backfill')}</span>}
                </td>
                <td data-label={t('severity')}>
                  <SeverityBadge severity={alert.severity} />
                </td>
                <td data-label={t('employee')}>{alert.employee ?? alert.lineId}</td>
                <td data-label={t('time')}>
                  <time dateTime={alert.createdAt}>{time(alert.createdAt)}</time>
                </td>
                <td data-label={t('status')}>
                  <StatusBadge status={alert.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list?.nextCursor && (
        <button type="button" onClick={loadMore}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
