import { currentToken, forgetToken } from './auth';

/** An answer of the API that is not 2xx: its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the API answers 401: the page goes back to sign-in. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** `fetch` to the API with the ID token; JSON in and out. */
export async function api<T>(path: string, options: { method?: 'GET' | 'POST'; body?: unknown; query?: Query } = {}): Promise<T> {
  const token = currentToken();
  if (!token) {
    onUnauthorized();
    throw new ApiError(401, 'unauthorized', 'sign in first');
  }
  const response = await fetch(withQuery(path, options.query), {
    method: options.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 401) {
    forgetToken();
    onUnauthorized();
  }
  if (!response.ok) throw new ApiError(response.status, String(body.error ?? 'error'), String(body.message ?? `HTTP ${response.status}`));
  return body as T;
}

export const segment = (value: string) => encodeURIComponent(value);
