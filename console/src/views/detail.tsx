import { useState } from 'preact/hooks';
import { api, ApiError, segment } from '../api';
import { ErrorBox, findTerm, Loading, SeverityBadge, STATUS_KEY, StatusBadge, Thread } from '../components';
import { useSession } from '../context';
import type { MessageKey } from '../dictionaries';
import { useLoad } from '../load';
import { href } from '../router';
import type { Alert, AlertAction, AlertDetail, AlertOutcome, Hit } from '../types';

const ACTION_KEY: Record<AlertAction, MessageKey> = { acknowledge: 'actionAcknowledge', assign: 'actionAssign', resolve: 'actionResolve', reopen: 'actionReopen' };
const OUTCOME_KEY: Record<AlertOutcome, MessageKey> = { violation: 'outcomeViolation', no_violation: 'outcomeNoViolation', coaching: 'outcomeCoaching' };

export function Detail({ id }: { id: string }) {
  const { t } = useSession();
  const loaded = useLoad(() => api<AlertDetail>(`/api/alerts/${segment(id)}`), id);
  const [alert, setAlert] = useState<Alert | undefined>();
  if (loaded.error) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  const detail = loaded.data;
  const current = alert && alert.id === detail.alert.id ? alert : detail.alert;
  const hit = detail.hit;
  const text = detail.message?.text;
  const highlight =
    hit?.kind === 'keyword' && text !== undefined && !('source' in hit && hit.source === 'file') ? ('offsets' in hit && hit.offsets) || findTerm(text, (hit as { matched: string }).matched) : undefined;
  const messages = [...detail.conversation.before, ...(detail.message ? [detail.message] : []), ...detail.conversation.after];
  return (
    <article class="detail" aria-labelledby="alert-title">
      <p>
        <a href={href.alerts()}>← {t('backToQueue')}</a>
      </p>
      <h1 id="alert-title">{t('alertTitle', { policy: current.policyId })}</h1>
      <p class="badges">
        <SeverityBadge severity={current.severity} /> <StatusBadge status={current.status} />
        {current.backfill && <span class="tag">{t('backfill')}</span>}
      </p>
      <div class="detail-grid">
        <div class="detail-main">
          <section class="card why" aria-labelledby="why-title">
            <h2 id="why-title">{t('whyFired')}</h2>
            <Why hit={hit} alert={current} />
          </section>
          <section class="card" aria-labelledby="conversation-title">
            <h2 id="conversation-title">{t('conversation')}</h2>
            {detail.message ? null : <p class="muted">{t('noMessage')}</p>}
            <Thread messages={messages} employee={current.employee} alertMessageId={current.messageId} highlight={highlight || undefined} />
            {current.contactId && (
              <p>
                <a href={href.thread(current.lineId, current.contactId)}>{t('openConversation')}</a>
              </p>
            )}
          </section>
        </div>
        <aside class="detail-side">
          <Facts alert={current} />
          <Actions alert={current} onChange={setAlert} />
          <History alert={current} />
        </aside>
      </div>
    </article>
  );
}

function Why({ hit, alert }: { hit: Hit | undefined; alert: Alert }) {
  const { t } = useSession();
  if (hit?.kind === 'keyword' && 'matched' in hit) {
    return (
      <dl class="facts">
        <dt>{t('matchedTerm')}</dt>
        <dd>
          <mark class="hit term">{hit.matched}</mark>
        </dd>
        {hit.excerpt && (
          <>
            <dt>{t('excerpt')}</dt>
            <dd>“{hit.excerpt}”</dd>
          </>
        )}
        {'source' in hit && hit.source === 'file' && (
          <>
            <dt>{t('foundIn')}</dt>
            <dd>{t('foundInFile')}</dd>
          </>
        )}
      </dl>
    );
  }
  if (hit?.kind === 'pii' && 'found' in hit) {
    return (
      <dl class="facts">
        <dt>{t('personalData')}</dt>
        <dd>
          <ul class="pii">
            {hit.found.map((each) => (
              <li>
                {each.count} × {each.detector}
                {each.masked.length > 0 && `: ${each.masked.join(', ')}${each.count > each.masked.length ? ', …' : ''}`}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('foundIn')}</dt>
        <dd>{t(hit.source === 'file' ? 'foundInFile' : 'foundInMessage')}</dd>
      </dl>
    );
  }
  if (hit?.kind === 'file' && 'reasons' in hit) {
    return (
      <dl class="facts">
        <dt>{t('fileReasons')}</dt>
        <dd>
          <ul>
            {hit.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        </dd>
        {hit.declaredMime && (
          <>
            <dt>{t('declaredType')}</dt>
            <dd>{hit.declaredMime}</dd>
          </>
        )}
        {hit.sniffedMime && (
          <>
            <dt>{t('sniffedType')}</dt>
            <dd>{hit.sniffedMime}</dd>
          </>
        )}
        {hit.size !== undefined && (
          <>
            <dt>{t('size')}</dt>
            <dd>{hit.size.toLocaleString()} B</dd>
          </>
        )}
      </dl>
    );
  }
  if (hit?.kind === 'sentiment' && 'sentiment' in hit) {
    return (
      <dl class="facts">
        <dt>{t('sentiment')}</dt>
        <dd>{hit.sentiment}</dd>
        <dt>{t('score')}</dt>
        <dd>{hit.score.toFixed(2)}</dd>
        {hit.analyzer && (
          <>
            <dt>{t('analyzer')}</dt>
            <dd>{hit.analyzer}</dd>
          </>
        )}
      </dl>
    );
  }
  const evidence = (hit && 'evidence' in hit && hit.evidence) || alert.evidence;
  return (
    <dl class="facts">
      <dt>{t('evidence')}</dt>
      <dd>
        <pre class="evidence">{JSON.stringify(evidence, null, 2)}</pre>
      </dd>
    </dl>
  );
}

function Facts({ alert }: { alert: Alert }) {
  const { t, time } = useSession();
  return (
    <section class="card" aria-labelledby="facts-title">
      <h2 id="facts-title">{t('details')}</h2>
      <dl class="facts">
        <dt>{t('employee')}</dt>
        <dd>{alert.employee ?? '—'}</dd>
        <dt>{t('team')}</dt>
        <dd>{alert.team ?? '—'}</dd>
        <dt>{t('line')}</dt>
        <dd>{alert.lineId}</dd>
        <dt>{t('contact')}</dt>
        <dd>{alert.contactId ?? '—'}</dd>
        <dt>{t('created')}</dt>
        <dd>{time(alert.createdAt)}</dd>
        <dt>{t('notified')}</dt>
        <dd>{alert.notifiedAt ? time(alert.notifiedAt) : t('notNotified')}</dd>
        <dt>{t('assignee')}</dt>
        <dd>{alert.assignee ?? t('nobody')}</dd>
        {alert.outcome && (
          <>
            <dt>{t('outcome')}</dt>
            <dd>{t(OUTCOME_KEY[alert.outcome])}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function History({ alert }: { alert: Alert }) {
  const { t, time } = useSession();
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('history')}</h2>
      <ol class="history">
        {alert.history.length === 0 && (
          <li>
            <time dateTime={alert.createdAt}>{time(alert.createdAt)}</time> — {t('actionCreated')}
          </li>
        )}
        {alert.history.map((event, index) => (
          <li>
            <time dateTime={event.at}>{time(event.at)}</time> — {event.action ? t(ACTION_KEY[event.action]) : index === 0 && event.status === 'open' ? t('actionCreated') : t(STATUS_KEY[event.status])} {t('by', { who: event.by })}
            {event.assignee && <> → {event.assignee}</>}
            {event.outcome && <> ({t(OUTCOME_KEY[event.outcome])})</>}
            {event.note && <p class="note">{event.note}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Actions({ alert, onChange }: { alert: Alert; onChange: (alert: Alert) => void }) {
  const { t } = useSession();
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<AlertOutcome>('no_violation');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const run = async (action: AlertAction) => {
    setBusy(true);
    setResult(undefined);
    try {
      const body = { action, ...(note.trim() ? { note: note.trim() } : {}), ...(action === 'resolve' ? { outcome } : {}), ...(action === 'assign' ? { assignee: assignee.trim() } : {}) };
      const updated = await api<Alert>(`/api/alerts/${segment(alert.id)}/transitions`, { method: 'POST', body });
      onChange(updated);
      setNote('');
      setResult({ ok: true, text: t('actionDone', { status: t(STATUS_KEY[updated.status]) }) });
    } catch (error) {
      const text = error instanceof ApiError && (error.status === 409 || error.status === 400) ? t('conflict', { message: error.message }) : t('error', { message: (error as Error).message });
      setResult({ ok: false, text });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card actions" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('actions')}</h2>
      <label for="action-note">{t('note')}</label>
      <textarea id="action-note" name="note" rows={3} maxLength={2000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      {alert.status === 'open' && (
        <button type="button" disabled={busy} onClick={() => run('acknowledge')}>
          {t('acknowledge')}
        </button>
      )}
      {alert.status !== 'resolved' && (
        <>
          <label for="action-outcome">{t('outcome')}</label>
          <select id="action-outcome" name="outcome" value={outcome} onInput={(event) => setOutcome(event.currentTarget.value as AlertOutcome)}>
            <option value="no_violation">{t('outcomeNoViolation')}</option>
            <option value="violation">{t('outcomeViolation')}</option>
            <option value="coaching">{t('outcomeCoaching')}</option>
          </select>
          <button type="button" class="primary" disabled={busy} onClick={() => run('resolve')}>
            {t('resolve')}
          </button>
          <label for="action-assignee">{t('assignTo')}</label>
          <input id="action-assignee" name="assignee" type="email" value={assignee} onInput={(event) => setAssignee(event.currentTarget.value)} />
          <button type="button" disabled={busy || !assignee.trim()} onClick={() => run('assign')}>
            {t('assign')}
          </button>
        </>
      )}
      {alert.status === 'resolved' && (
        <button type="button" disabled={busy} onClick={() => run('reopen')}>
          {t('reopen')}
        </button>
      )}
      {result && (
        <p class={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
