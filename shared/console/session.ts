import type { VigiaConfig } from '../config/vigia-config';
import { ConsoleError } from './errors';
import { principalFor, type ConsoleClaims, type Principal } from './principal';
import type { MeJson } from './wire';

/**
 * The principal of a request whose token API Gateway's JWT authorizer (or the local stack) has
 * verified: 401 without claims (no authorizer ran, or no ID token), 403 for an e-mail the config
 * does not list (removed from a team, or never added).
 */
export function authenticate(config: VigiaConfig, claims: ConsoleClaims | undefined): Principal {
  if (!claims || typeof claims.email !== 'string') throw new ConsoleError(401, 'unauthorized', 'sign in first: send Authorization: Bearer <ID token>');
  if (claims.token_use !== undefined && claims.token_use !== 'id') throw new ConsoleError(401, 'unauthorized', 'the token is not an ID token');
  if (claims.email_verified !== undefined && claims.email_verified !== true && claims.email_verified !== 'true') {
    throw new ConsoleError(403, 'forbidden', 'the e-mail address of this account is not verified');
  }
  const principal = principalFor(config, claims);
  if (!principal) throw new ConsoleError(403, 'forbidden', `${claims.email} is not a console user: neither an officer nor a team manager in the config`);
  return principal;
}

/** `GET /api/me`. */
export function me(principal: Principal): MeJson {
  return { email: principal.email, name: principal.name, role: principal.role, teams: principal.teams, language: principal.language };
}
