/**
 * Who is signed in: an ID token kept in sessionStorage (this tab only; never in the URL).
 * On AWS, Cognito's managed login with the authorization code and PKCE; on the local stack, an
 * e-mail and password posted to `/auth/local/sign-in`.
 */
export type ConsoleConfig = { auth: 'local' } | { auth: 'cognito'; domain: string; clientId: string; redirectUri: string; scopes?: string[] };

declare global {
  interface Window {
    VIGIA_CONSOLE_CONFIG?: ConsoleConfig;
  }
}

const TOKEN = 'vigia.idToken';
const PKCE = 'vigia.pkce';
const RETURN_TO = 'vigia.returnTo';

/** `window.VIGIA_CONSOLE_CONFIG` (a script of its own), else `/console-config.json`, else local sign-in. */
export async function loadConfig(): Promise<ConsoleConfig> {
  if (window.VIGIA_CONSOLE_CONFIG) return window.VIGIA_CONSOLE_CONFIG;
  try {
    const response = await fetch('/console-config.json', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (response.ok) {
      const config = (await response.json()) as ConsoleConfig;
      if (config.auth === 'cognito' && config.domain && config.clientId && config.redirectUri) return config;
      if (config.auth === 'local') return config;
    }
  } catch {
    // No config: the local stack's sign-in.
  }
  return { auth: 'local' };
}

/** The token's claims, without checking the signature (the API does). */
function claimsOf(token: string): { exp?: number; email?: string } | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

/** The ID token if there is one that has not expired. */
export function currentToken(): string | undefined {
  let token: string | null = null;
  try {
    token = sessionStorage.getItem(TOKEN);
  } catch {
    return memoryToken;
  }
  token ??= memoryToken ?? null;
  if (!token) return undefined;
  const exp = claimsOf(token)?.exp;
  if (exp !== undefined && exp * 1000 <= Date.now()) {
    forgetToken();
    return undefined;
  }
  return token;
}

let memoryToken: string | undefined;

function keepToken(token: string): void {
  memoryToken = token;
  try {
    sessionStorage.setItem(TOKEN, token);
  } catch {
    // Storage disabled: memory only (until the page reloads).
  }
}

export function forgetToken(): void {
  memoryToken = undefined;
  try {
    sessionStorage.removeItem(TOKEN);
  } catch {
    // Nothing kept.
  }
}

export class SignInError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The local stack: e-mail and password → ID token. */
export async function signInLocally(email: string, password: string): Promise<void> {
  const response = await fetch('/auth/local/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json().catch(() => ({}))) as { idToken?: string; message?: string };
  if (!response.ok || !body.idToken) throw new SignInError(response.status, body.message ?? `HTTP ${response.status}`);
  keepToken(body.idToken);
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const cognitoBase = (domain: string) => `https://${domain.replace(/^https?:\/\//, '').replace(/\/+$/, '')}`;

/** Cognito: to the managed login with a PKCE challenge; back at `redirectUri` with `?code=&state=`. */
export async function startCognitoSignIn(config: Extract<ConsoleConfig, { auth: 'cognito' }>): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  sessionStorage.setItem(RETURN_TO, location.hash);
  const url = new URL(`${cognitoBase(config.domain)}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: (config.scopes ?? ['openid', 'email', 'profile']).join(' '),
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from Cognito: exchanges the code for tokens (once), keeps the ID token, and takes the code
 * and state out of the address bar. Returns false when the URL carries no code.
 */
export async function completeCognitoSignIn(config: Extract<ConsoleConfig, { auth: 'cognito' }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const state = params.get('state');
  const failure = params.get('error');
  if (!code && !failure) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE) ?? 'null') as { verifier: string; state: string } | null;
  const returnTo = sessionStorage.getItem(RETURN_TO) ?? '';
  sessionStorage.removeItem(PKCE);
  sessionStorage.removeItem(RETURN_TO);
  for (const name of ['code', 'state', 'error', 'error_description']) params.delete(name);
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${returnTo || location.hash}`);
  // replaceState fires nothing: tell the router the hash (the deep link signed in from) is back.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  if (failure) throw new SignInError(401, failure);
  if (!saved || saved.state !== state) throw new SignInError(400, 'the sign-in answer does not match the request: sign in again');
  const response = await fetch(`${cognitoBase(config.domain)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: code!, redirect_uri: config.redirectUri, code_verifier: saved.verifier }).toString(),
  });
  const tokens = (await response.json().catch(() => ({}))) as { id_token?: string; error?: string };
  if (!response.ok || !tokens.id_token) throw new SignInError(response.status, tokens.error ?? `HTTP ${response.status}`);
  keepToken(tokens.id_token);
  return true;
}

/** Signs out: forgets the token; with Cognito, also ends the managed login's session. */
export function signOut(config: ConsoleConfig | undefined): void {
  forgetToken();
  if (config?.auth === 'cognito') {
    const url = new URL(`${cognitoBase(config.domain)}/logout`);
    url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri }).toString();
    location.assign(url.toString());
  }
}
