import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, segment } from './api';
import { useSession } from './context';
import type { MessageKey } from './dictionaries';
import type { AlertStatus, MediaLink, Message, Severity } from './types';

export const STATUS_KEY: Record<AlertStatus, MessageKey> = { open: 'statusOpen', acknowledged: 'statusAcknowledged', resolved: 'statusResolved' };
export const SEVERITY_KEY: Record<Severity, MessageKey> = { low: 'severityLow', medium: 'severityMedium', high: 'severityHigh' };

export function StatusBadge({ status }: { status: AlertStatus }) {
  const { t } = useSession();
  return <span class={`badge status-${status}`}>{t(STATUS_KEY[status] ?? 'statusOpen')}</span>;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useSession();
  return <span class={`badge severity-${severity}`}>{t(SEVERITY_KEY[severity] ?? 'severityLow')}</span>;
}

export function Loading() {
  const { t } = useSession();
  return (
    <p class="muted" role="status">
      {t('loading')}
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useSession();
  const message = error instanceof ApiError && error.status === 404 ? t('notFound') : t('error', { message: error.message });
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** Only http(s) links become links (`javascript:`, `data:` and the like stay text). */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/gi;

function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function Linked({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const index = match.index ?? 0;
    const href = safeHref(match[0]);
    if (!href) continue;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <a href={href} rel="noopener noreferrer nofollow" target="_blank">
        {match[0]}
      </a>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/**
 * A message's text, as text only (Preact sets text nodes: markup shows literally), with the
 * matched term marked.
 */
export function MessageText({ text, highlight }: { text: string; highlight?: { start: number; end: number } }) {
  const valid = highlight && highlight.start >= 0 && highlight.end > highlight.start && highlight.end <= text.length;
  if (!valid) return <Linked text={text} />;
  return (
    <>
      <Linked text={text.slice(0, highlight.start)} />
      <mark class="hit">{text.slice(highlight.start, highlight.end)}</mark>
      <Linked text={text.slice(highlight.end)} />
    </>
  );
}

/** Where `term` is in `text`, ignoring case and accents (the API gives offsets when it can). */
export function findTerm(text: string, term: string): { start: number; end: number } | undefined {
  if (!term) return undefined;
  const fold = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  // Folding keeps one character per original character only without combining marks; else give up.
  const folded = fold(text);
  if (folded.length !== text.length) {
    const index = text.toLowerCase().indexOf(term.toLowerCase());
    return index === -1 ? undefined : { start: index, end: index + term.length };
  }
  const index = folded.indexOf(fold(term));
  if (index !== -1) return { start: index, end: index + term.length };
  try {
    const found = new RegExp(term, 'iu').exec(text);
    return found ? { start: found.index, end: found.index + found[0].length } : undefined;
  } catch {
    return undefined;
  }
}

const MEDIA_STATE: Record<string, MessageKey> = { stored: 'mediaStored', pending: 'mediaPending', failed: 'mediaFailed', expired: 'mediaExpired' };

/** An archived file: fetched through `/api/media/{id}` (short-lived link), its state and hash check. */
export function MediaBox({ mediaId, load: loadAtOnce }: { mediaId: string; load?: boolean }) {
  const { t, time } = useSession();
  const [state, setState] = useState<{ link?: MediaLink; error?: Error; loading?: boolean }>({});
  const load = async () => {
    setState({ loading: true });
    try {
      setState({ link: await api<MediaLink>(`/api/media/${segment(mediaId)}`) });
    } catch (error) {
      setState({ error: error as Error });
    }
  };
  useEffect(() => {
    if (loadAtOnce) void load();
  }, []);
  const { link, error, loading } = state;
  if (!link) {
    return (
      <div class="media">
        {error ? (
          <ErrorBox error={error} retry={load} />
        ) : (
          <button type="button" onClick={load} disabled={loading}>
            {loading ? t('loading') : t('showFile')}
          </button>
        )}
      </div>
    );
  }
  const url = link.url ? safeHref(link.url) : undefined;
  const hash = link.hashVerified === true ? 'hashVerified' : link.hashVerified === false ? 'hashMismatch' : 'hashUnverified';
  return (
    <div class="media" data-media-state={link.state}>
      {url && link.mimeType?.startsWith('image/') ? (
        <img src={url} alt={t('imageAlt')} class="media-image" />
      ) : url ? (
        <a href={url} rel="noopener noreferrer" download={link.filename ?? true}>
          {t('download')} {link.filename ?? link.mimeType ?? ''}
        </a>
      ) : null}
      <dl class="facts">
        <dt>{t('mediaState')}</dt>
        <dd>{t(MEDIA_STATE[link.state] ?? 'mediaPending')}</dd>
        {link.mimeType && (
          <>
            <dt>{t('sniffedType')}</dt>
            <dd>{link.mimeType}</dd>
          </>
        )}
        {link.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <code class="hash">{link.sha256}</code> <span class={`hash-${hash}`}>{t(hash)}</span>
            </dd>
          </>
        )}
        {link.expiresAt && (
          <>
            <dt class="visually-hidden">{t('linkExpires', { time: '' })}</dt>
            <dd class="muted">{t('linkExpires', { time: time(link.expiresAt) })}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** The messages that are edits, deletions or reactions of another message are shown with it. */
function foldThread(messages: Message[]) {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const edits = new Map<string, Message[]>();
  const reactions = new Map<string, Message[]>();
  const revokes = new Map<string, Message[]>();
  const shown: Message[] = [];
  for (const message of messages) {
    const target = message.editOf ?? message.reactionTo ?? message.revokes;
    if (target && byId.has(target)) {
      const into = message.editOf ? edits : message.reactionTo ? reactions : revokes;
      into.set(target, [...(into.get(target) ?? []), message]);
    } else shown.push(message);
  }
  return { shown, edits, reactions, revokes };
}

export function Thread({ messages, employee, alertMessageId, highlight }: { messages: Message[]; employee?: string | null; alertMessageId?: string; highlight?: { start: number; end: number } }) {
  const sorted = [...messages].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  const { shown, edits, reactions, revokes } = foldThread(sorted);
  return (
    <ol class="thread">
      {shown.map((message) => (
        <Bubble
          key={message.id}
          message={message}
          employee={employee}
          isAlert={message.id === alertMessageId}
          highlight={message.id === alertMessageId ? highlight : undefined}
          edits={edits.get(message.id) ?? []}
          reactions={reactions.get(message.id) ?? []}
          revoked={(revokes.get(message.id)?.length ?? 0) > 0 || message.revokedBy.length > 0}
        />
      ))}
    </ol>
  );
}

function Bubble({ message, employee, isAlert, highlight, edits, reactions, revoked }: { message: Message; employee?: string | null; isAlert: boolean; highlight?: { start: number; end: number }; edits: Message[]; reactions: Message[]; revoked: boolean }) {
  const { t, time } = useSession();
  const fromEmployee = message.direction === 'outbound';
  const who = fromEmployee ? `${t('fromEmployee')}${employee ? ` · ${employee}` : ''}` : `${t('fromCustomer')}${message.contactId ? ` · ${message.contactId}` : ''}`;
  const edited = edits.length > 0 || message.edits.length > 0;
  const latestEdit = edits.filter((edit) => edit.text !== undefined).at(-1);
  const text = message.text ?? (message.media?.caption as string | undefined);
  const mediaId = typeof message.media?.mediaId === 'string' ? message.media.mediaId : undefined;
  const emojis = reactions.filter((reaction) => reaction.emoji).map((reaction) => reaction.emoji!);
  return (
    <li class={`bubble ${fromEmployee ? 'employee' : 'customer'}${isAlert ? ' alert-message' : ''}${revoked ? ' revoked' : ''}`} data-message-id={message.id} data-direction={message.direction}>
      <div class="bubble-head">
        <span class="who">{who}</span>
        <time dateTime={message.timestamp}>{time(message.timestamp)}</time>
      </div>
      <ul class="tags">
        {isAlert && <li class="tag tag-alert">{t('alertMessage')}</li>}
        {message.source === 'business_app' && <li class="tag">{t('echo')}</li>}
        {message.source === 'business_agent' && <li class="tag">{t('agentReply')}</li>}
        {message.forwarded && <li class="tag">{t('forwarded')}</li>}
        {edited && <li class="tag">{t('edited')}</li>}
        {revoked && <li class="tag tag-deleted">{t('deleted')}</li>}
        {message.editOf && <li class="tag">{t('editMessage')}</li>}
        {message.revokes && <li class="tag">{t('deleteMessage')}</li>}
        {message.reactionTo && <li class="tag">{message.emoji ? t('reactedWith', { emoji: message.emoji }) : t('reactionRemoved')}</li>}
      </ul>
      {text !== undefined && (
        <p class="text">
          {(edited || revoked) && <span class="label">{t('original')}: </span>}
          <MessageText text={text} highlight={highlight} />
        </p>
      )}
      {latestEdit?.text !== undefined && (
        <p class="text edit">
          <span class="label">{t('editedTo')}: </span>
          <MessageText text={latestEdit.text} />
        </p>
      )}
      {mediaId && <MediaBox mediaId={mediaId} load={isAlert} />}
      {(emojis.length > 0 || message.reactions.length > 0) && (
        <p class="reactions">
          <span class="label">{t('reactions')}: </span>
          {emojis.length > 0 ? emojis.join(' ') : String(message.reactions.length)}
        </p>
      )}
    </li>
  );
}
