import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { consoleUsers, type Principal } from '../../shared/console/principal';
import { CliError } from '../errors';
import { printTable } from '../table';
import { checkStageName, stackOutputs } from '../target';

type Out = (line: string) => void;

/** What `vigia console users sync` does to one person in the user pool. */
export interface UserChange {
  action: 'create' | 'enable' | 'disable';
  email: string;
  /** Who they are in the config (create, enable); the pool's user for a disable. */
  username: string;
  why: string;
}

export interface SyncSummary {
  changes: UserChange[];
  unchanged: number;
  /** Pool users already disabled and not in the config: left as they are. */
  alreadyDisabled: number;
}

/**
 * `vigia console users sync [--stage NAME] [--dry-run]`: the console's Cognito users made to match
 * the config (everyone consoleUsers lists: officers, and managers with an e-mail). New people are
 * created with their e-mail verified, Cognito sending them the invitation; people who left the
 * config are disabled, never deleted (their sign-ins and actions stay attributable in the audit
 * trail); people who come back are enabled again. Locally there is no user pool: it lists who can
 * sign in and with which role.
 */
export async function consoleUsersSync(config: VigiaConfig, options: { stage?: string; dryRun: boolean }, out: Out): Promise<void> {
  if (!options.stage) return listLocalUsers(config, out);
  checkStageName(options.stage);
  const userPoolId = await userPoolOf(options.stage);
  const cognito = new CognitoIdentityProviderClient({});
  try {
    const summary = await syncUserPool(cognito, userPoolId, consoleUsers(config), options.dryRun, out);
    const created = summary.changes.filter((change) => change.action === 'create').length;
    const enabled = summary.changes.filter((change) => change.action === 'enable').length;
    const disabled = summary.changes.filter((change) => change.action === 'disable').length;
    const verb = options.dryRun ? 'would be ' : '';
    out(
      `console users of stage ${options.stage} (user pool ${userPoolId}): ${created} ${verb}created, ${enabled} ${verb}enabled, ${disabled} ${verb}disabled, ${summary.unchanged} unchanged${summary.alreadyDisabled > 0 ? `, ${summary.alreadyDisabled} already disabled` : ''}${options.dryRun ? ' (dry run: nothing changed)' : ''}`,
    );
  } finally {
    cognito.destroy();
  }
}

/** The user pool of a stage: the `UserPoolId` output of one of its stacks. */
async function userPoolOf(stage: string): Promise<string> {
  let failure: Error | undefined;
  for (const stack of [`Vigia-${stage}-Console`, `Vigia-${stage}-Pipeline`, `Vigia-${stage}-Stateful`]) {
    try {
      const id = (await stackOutputs(stack)).UserPoolId;
      if (id) return id;
    } catch (error) {
      failure = error as Error;
    }
  }
  throw new CliError(`no stack of stage ${stage} has a UserPoolId output: is the console deployed?${failure ? ` (${failure.message})` : ''}`);
}

/** Creates, enables and disables users so the pool matches `wanted`; prints one line per change. */
export async function syncUserPool(cognito: CognitoIdentityProviderClient, userPoolId: string, wanted: Principal[], dryRun: boolean, out: Out): Promise<SyncSummary> {
  const pool = await listPoolUsers(cognito, userPoolId);
  const byEmail = new Map<string, UserType>();
  for (const user of pool) {
    const email = emailOf(user);
    if (email) byEmail.set(email, user);
  }
  const changes: UserChange[] = [];
  let unchanged = 0;
  for (const person of wanted) {
    const user = byEmail.get(person.email);
    const who = `${person.name}, ${person.role === 'officer' ? 'officer' : `manager of ${person.teams.join(', ')}`}`;
    if (!user) changes.push({ action: 'create', email: person.email, username: person.email, why: `${who}; Cognito e-mails the invitation` });
    else if (user.Enabled === false) changes.push({ action: 'enable', email: person.email, username: user.Username ?? person.email, why: `${who}; back in the config` });
    else unchanged++;
  }
  const wantedEmails = new Set(wanted.map((person) => person.email));
  let alreadyDisabled = 0;
  for (const user of pool) {
    const email = emailOf(user);
    if (email && wantedEmails.has(email)) continue;
    if (user.Enabled === false) {
      alreadyDisabled++;
      continue;
    }
    changes.push({ action: 'disable', email: email ?? user.Username ?? '?', username: user.Username ?? email ?? '', why: 'no longer in the config; disabled, never deleted: the audit trail keeps them' });
  }

  for (const change of changes) {
    if (!dryRun) {
      if (change.action === 'create') {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: change.email,
            UserAttributes: [
              { Name: 'email', Value: change.email },
              { Name: 'email_verified', Value: 'true' },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
      } else if (change.action === 'enable') {
        await cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: change.username }));
      } else {
        await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: change.username }));
      }
    }
    out(`${dryRun ? 'would ' : ''}${change.action} ${change.email} (${change.why})`);
  }
  return { changes, unchanged, alreadyDisabled };
}

async function listPoolUsers(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token }));
    users.push(...(page.Users ?? []));
    token = page.PaginationToken;
  } while (token);
  return users;
}

/** The user's e-mail (its attribute, else a username that is one), lower case as consoleUsers keeps them. */
function emailOf(user: UserType): string | undefined {
  const email = user.Attributes?.find((attribute) => attribute.Name === 'email')?.Value ?? (user.Username?.includes('@') ? user.Username : undefined);
  return email?.trim().toLowerCase();
}

/** Locally: who signs in to the local stack's console, and how. Reads no secret. */
function listLocalUsers(config: VigiaConfig, out: Out): void {
  const users = consoleUsers(config);
  out('Local stack: no user pool to sync. These people sign in to its console (served at the URL `npm start` prints):');
  printTable(
    ['EMAIL', 'NAME', 'ROLE', 'TEAMS', 'LANGUAGE'],
    users.map((user) => [user.email, user.name, user.role, user.role === 'officer' ? 'every team' : user.teams.join(', '), user.language]),
    'Nobody: the config has no officer and no manager with an e-mail.',
    out,
  );
  out('Passwords: the local dev passwords `npm start` prints (VIGIA_DEV_PASSWORD sets them). With --stage NAME this creates and disables the Cognito users of that stage.');
}
