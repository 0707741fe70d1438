import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes, so that any path serves the same index.html and a link works as is:
 * `#/alerts` (the queue), `#/alerts/<id>` (the deep link of the alert e-mails and SMS),
 * `#/conversations`, `#/conversations/<lineId>/<contactId>`, `#/overview`, `#/audit`.
 */
export type Route =
  | { view: 'alerts' }
  | { view: 'alert'; id: string }
  | { view: 'conversations' }
  | { view: 'thread'; lineId: string; contactId: string }
  | { view: 'overview' }
  | { view: 'audit' }
  | { view: 'unknown' };

const decode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decode);
  const [first, second, third] = parts;
  if (!first || (first === 'alerts' && parts.length === 1)) return { view: 'alerts' };
  if (first === 'alerts' && second && parts.length === 2) return { view: 'alert', id: second };
  if (first === 'conversations' && parts.length === 1) return { view: 'conversations' };
  if (first === 'conversations' && second && third && parts.length === 3) return { view: 'thread', lineId: second, contactId: third };
  if (first === 'overview' && parts.length === 1) return { view: 'overview' };
  if (first === 'audit' && parts.length === 1) return { view: 'audit' };
  return { view: 'unknown' };
}

export const href = {
  alerts: () => '#/alerts',
  alert: (id: string) => `#/alerts/${encodeURIComponent(id)}`,
  conversations: () => '#/conversations',
  thread: (lineId: string, contactId: string) => `#/conversations/${encodeURIComponent(lineId)}/${encodeURIComponent(contactId)}`,
  overview: () => '#/overview',
  audit: () => '#/audit',
};

export function navigate(hash: string): void {
  location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
