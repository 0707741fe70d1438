import { createHash, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConsolePasswords } from './dev-secrets';

/** What the local tokens say they are for and who issued them (Cognito: the app client id and the user pool URL). */
export const LOCAL_TOKEN_AUDIENCE = 'vigia-local-console';
export const LOCAL_TOKEN_ISSUER = 'urn:vigia:local-stack';
export const LOCAL_TOKEN_SECONDS = 3600;
export const SIGN_IN_PATH = '/auth/local/sign-in';

export type VerifiedClaims = JWTPayload & { email?: string; token_use?: string };

/**
 * The local stand-in for Cognito's managed login: e-mail and dev password in, an ID token out — an
 * HS256 JWT with the claims of a Cognito ID token, signed with the dev secrets' key. The router
 * verifies it for `/api/*` as API Gateway's JWT authorizer does on AWS.
 */
export class LocalConsoleAuth {
  private readonly key: Uint8Array;

  constructor(
    signingKey: string,
    private readonly passwords: ConsolePasswords,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = new TextEncoder().encode(signingKey);
  }

  /** `POST /auth/local/sign-in` `{ email, password }` → `{ idToken }`; 400 for a bad body, 401 for a wrong e-mail or password. */
  async signIn(body: Buffer): Promise<APIGatewayProxyStructuredResultV2> {
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(400, { error: 'bad_request', message: 'the body must be JSON: {"email": "...", "password": "..."}' });
    }
    const { email, password } = (input ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string') return answer(400, { error: 'bad_request', message: 'the body needs "email" and "password" (strings)' });
    const normalized = email.trim().toLowerCase();
    const expected = this.passwords.byEmail.get(normalized);
    // Compared in constant time, and a wrong e-mail answers exactly like a wrong password.
    if (!expected || !sameSecret(password, expected)) return answer(401, { error: 'unauthorized', message: 'wrong e-mail or password' });
    return answer(200, { idToken: await this.issue(normalized), expiresIn: LOCAL_TOKEN_SECONDS });
  }

  /** An ID token for this e-mail (also used by tests that need one with other times). */
  issue(email: string, times: { issuedAt?: number; expiresAt?: number } = {}): Promise<string> {
    const issuedAt = times.issuedAt ?? Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ email, email_verified: true, token_use: 'id', 'cognito:username': email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(createHash('sha256').update(email).digest('hex').slice(0, 32))
      .setAudience(LOCAL_TOKEN_AUDIENCE)
      .setIssuer(LOCAL_TOKEN_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(times.expiresAt ?? issuedAt + LOCAL_TOKEN_SECONDS)
      .sign(this.key);
  }

  /** The verified claims of `Authorization: Bearer <token>`, or why not (the API answers 401). */
  async verify(authorization: string | undefined): Promise<{ claims: VerifiedClaims } | { problem: string }> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { problem: 'sign in first: send Authorization: Bearer <ID token>' };
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: LOCAL_TOKEN_AUDIENCE, issuer: LOCAL_TOKEN_ISSUER, currentDate: this.now() });
      if (payload.token_use !== 'id') return { problem: 'the token is not an ID token' };
      return { claims: payload as VerifiedClaims };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { problem: 'the token has expired: sign in again' };
      return { problem: 'the token is not valid' };
    }
  }
}

/**
 * The claims as API Gateway's JWT authorizer hands them to the function: every value a string
 * (`"email_verified": "true"`, `"exp": "1764300000"`), lists as `[a b]`.
 */
export function authorizerClaims(claims: VerifiedClaims): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function answer(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}
