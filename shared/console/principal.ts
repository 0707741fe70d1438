import type { ConsoleLanguage, VigiaConfig } from '../config/vigia-config';
import { lineOf } from '../config/vigia-config';

/**
 * Who is signed in to the console, as the config makes them: the token only proves the e-mail
 * (Cognito's ID token on AWS, the local stack's token locally, the same claims); what that person
 * may see comes from vigia.config.yaml, so removing a manager from a team takes effect at once.
 */
export interface Principal {
  email: string;
  name: string;
  /** `officer`: every team and the audit log; `manager`: the lines of `teams`. */
  role: 'officer' | 'manager';
  /** The teams whose lines a manager sees (officers: every team, listed for display). */
  teams: string[];
  language: ConsoleLanguage;
}

/** The claims of the token the API trusts: API Gateway's JWT authorizer (or the local stack) verified them. */
export interface ConsoleClaims {
  email?: string;
  [claim: string]: unknown;
}

const normalizeEmail = (value: string) => value.trim().toLowerCase();

/** Everyone who may sign in: each officer, and each manager with an e-mail (with all the teams they manage). */
export function consoleUsers(config: VigiaConfig): Principal[] {
  const users = new Map<string, Principal>();
  const fallback = config.console.defaultLanguage;
  for (const officer of config.console.officers) {
    const key = normalizeEmail(officer.email);
    users.set(key, { email: key, name: officer.name, role: 'officer', teams: config.teams.map((team) => team.id), language: officer.language ?? fallback });
  }
  for (const team of config.teams) {
    for (const manager of team.managers) {
      if (!manager.email) continue;
      const key = normalizeEmail(manager.email);
      const known = users.get(key);
      if (known?.role === 'officer') continue;
      if (known) known.teams.push(team.id);
      else users.set(key, { email: key, name: manager.name, role: 'manager', teams: [team.id], language: manager.language ?? fallback });
    }
  }
  return [...users.values()];
}

/** The principal for verified claims, or undefined when the e-mail is nobody the config lists (the API answers 403). */
export function principalFor(config: VigiaConfig, claims: ConsoleClaims): Principal | undefined {
  if (typeof claims.email !== 'string') return undefined;
  const email = normalizeEmail(claims.email);
  return consoleUsers(config).find((user) => user.email === email);
}

/** May this person see the messages, files and alerts of this line? Lines without a team: officers only. */
export function canSeeLine(config: VigiaConfig, principal: Principal, lineId: string): boolean {
  if (principal.role === 'officer') return true;
  const team = lineOf(config, lineId)?.team;
  return team !== undefined && principal.teams.includes(team);
}
