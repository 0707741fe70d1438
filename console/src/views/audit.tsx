import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox, Loading } from '../components';
import { useSession } from '../context';
import { useLoad } from '../load';
import type { AuditEntry } from '../types';

/** The audit log (officers only: the API answers 404 to anyone else). */
export function Audit() {
  const { t, time } = useSession();
  const [since, setSince] = useState('');
  const [draft, setDraft] = useState('');
  const loaded = useLoad(() => api<{ entries: AuditEntry[] }>('/api/audit', { query: { since } }), since);
  const entries = [...(loaded.data?.entries ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('auditTitle')}</h1>
      <form
        class="filters card"
        onSubmit={(event) => {
          event.preventDefault();
          setSince(draft);
        }}
      >
        <div class="field">
          <label for="audit-since">{t('since')}</label>
          <input id="audit-since" type="date" value={draft} onInput={(event) => setDraft(event.currentTarget.value)} />
        </div>
        <div class="filter-buttons">
          <button type="submit" class="primary">
            {t('apply')}
          </button>
        </div>
      </form>
      {loaded.error && <ErrorBox error={loaded.error} retry={loaded.reload} />}
      {!loaded.data && !loaded.error && <Loading />}
      {loaded.data && entries.length === 0 && <p class="empty">{t('noEntries')}</p>}
      {entries.length > 0 && (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{t('at')}</th>
              <th scope="col">{t('who')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col">{t('result')}</th>
              <th scope="col">{t('details')}</th>
              <th scope="col">{t('ip')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, index) => (
              <tr key={entry.id ?? index}>
                <td data-label={t('at')}>{time(entry.at)}</td>
                <td data-label={t('who')}>{entry.by}</td>
                <td data-label={t('action')}>{entry.action}</td>
                <td data-label={t('result')}>{entry.outcome}</td>
                <td data-label={t('details')}>{entry.detail ?? ''}</td>
                <td data-label={t('ip')}>{entry.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
