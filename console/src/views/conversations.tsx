import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import { ErrorBox, Loading, Thread } from '../components';
import { useSession } from '../context';
import { useLoad } from '../load';
import { href } from '../router';
import type { ConversationSummary, Message } from '../types';

interface Search {
  line: string;
  contact: string;
  since: string;
  until: string;
}
let remembered: Search = { line: '', contact: '', since: '', until: '' };

export function Conversations() {
  const { t, time } = useSession();
  const [draft, setDraft] = useState(remembered);
  const [search, setSearch] = useState(remembered);
  const [more, setMore] = useState<{ conversations: ConversationSummary[]; nextCursor?: string } | undefined>();
  const loaded = useLoad(() => {
    setMore(undefined);
    return api<{ conversations: ConversationSummary[]; nextCursor?: string }>('/api/conversations', { query: { line: search.line.trim(), contact: search.contact.trim().replace(/^\+/, ''), since: search.since, until: search.until } });
  }, JSON.stringify(search));
  const page = more ?? loaded.data;
  const loadMore = async () => {
    if (!page?.nextCursor) return;
    const next = await api<{ conversations: ConversationSummary[]; nextCursor?: string }>('/api/conversations', {
      query: { line: search.line.trim(), contact: search.contact.trim(), since: search.since, until: search.until, cursor: page.nextCursor },
    });
    setMore({ conversations: [...page.conversations, ...next.conversations], nextCursor: next.nextCursor });
  };
  const field = (name: keyof Search) => ({ value: draft[name], onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }) });
  return (
    <section aria-labelledby="conversations-title">
      <h1 id="conversations-title">{t('conversationsTitle')}</h1>
      <form
        class="filters card"
        aria-label={t('search')}
        onSubmit={(event) => {
          event.preventDefault();
          remembered = draft;
          setSearch(draft);
        }}
      >
        <div class="field">
          <label for="conversations-lineId">{t('lineId')}</label>
          <input id="conversations-lineId" type="text" inputMode="numeric" {...field('line')} />
        </div>
        <div class="field">
          <label for="conversations-contactNumber">{t('contactNumber')}</label>
          <input id="conversations-contactNumber" type="text" inputMode="tel" {...field('contact')} />
        </div>
        <div class="field">
          <label for="conversations-since">{t('since')}</label>
          <input id="conversations-since" type="date" {...field('since')} />
        </div>
        <div class="field">
          <label for="conversations-until">{t('until')}</label>
          <input id="conversations-until" type="date" {...field('until')} />
        </div>
        <div class="filter-buttons">
          <button type="submit" class="primary">
            {t('search')}
          </button>
        </div>
      </form>
      {loaded.error && <ErrorBox error={loaded.error} retry={loaded.reload} />}
      {!page && loaded.loading && <Loading />}
      {page && page.conversations.length === 0 && <p class="empty">{t('noConversations')}</p>}
      {page && page.conversations.length > 0 && (
        <table class="conversations">
          <thead>
            <tr>
              <th scope="col">{t('contact')}</th>
              <th scope="col">{t('employee')}</th>
              <th scope="col">{t('team')}</th>
              <th scope="col">{t('lastMessage')}</th>
              <th scope="col">{t('messages')}</th>
            </tr>
          </thead>
          <tbody>
            {page.conversations.map((conversation) => (
              <tr key={`${conversation.lineId}/${conversation.contactId}`}>
                <td data-label={t('contact')}>
                  <a href={href.thread(conversation.lineId, conversation.contactId)}>{conversation.contactId}</a>
                </td>
                <td data-label={t('employee')}>{conversation.employee ?? conversation.lineId}</td>
                <td data-label={t('team')}>{conversation.team ?? '—'}</td>
                <td data-label={t('lastMessage')}>{time(conversation.lastMessageAt)}</td>
                <td data-label={t('messages')}>{conversation.messageCount ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.nextCursor && (
        <button type="button" onClick={() => loadMore().catch(() => loaded.reload())}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}

export function ConversationThread({ lineId, contactId }: { lineId: string; contactId: string }) {
  const { t } = useSession();
  const [older, setOlder] = useState<{ messages: Message[]; nextBefore?: string } | undefined>();
  const loaded = useLoad(() => {
    setOlder(undefined);
    return api<{ messages: Message[]; nextBefore?: string }>(`/api/conversations/${segment(lineId)}/${segment(contactId)}`);
  }, `${lineId}/${contactId}`);
  if (loaded.error) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  const messages = [...(older?.messages ?? []), ...loaded.data.messages];
  const nextBefore = older ? older.nextBefore : loaded.data.nextBefore;
  const loadOlder = async () => {
    const page = await api<{ messages: Message[]; nextBefore?: string }>(`/api/conversations/${segment(lineId)}/${segment(contactId)}`, { query: { before: nextBefore } });
    setOlder({ messages: [...page.messages, ...(older?.messages ?? [])], nextBefore: page.nextBefore });
  };
  return (
    <section aria-labelledby="thread-title">
      <p>
        <a href={href.conversations()}>← {t('conversationsTitle')}</a>
      </p>
      <h1 id="thread-title">{t('thread', { contact: contactId })}</h1>
      {nextBefore && (
        <button type="button" onClick={() => loadOlder().catch(() => loaded.reload())}>
          {t('olderMessages')}
        </button>
      )}
      <div class="card">
        <Thread messages={messages} />
      </div>
    </section>
  );
}
