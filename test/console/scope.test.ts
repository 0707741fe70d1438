import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { AlertTransitionError, planAlertTransition } from '../../shared/compliance/alert-transitions';
import type { Alert } from '../../shared/compliance/model';
import { parseVigiaConfig } from '../../shared/config/vigia-config';
import { scopeLines, visibleLines } from '../../shared/console/alerts';
import { ConsoleError } from '../../shared/console/errors';
import { hitOf } from '../../shared/console/hit';
import { canSeeLine, consoleUsers, principalFor } from '../../shared/console/principal';
import { AlertListQuerySchema, ConversationListQuerySchema, cursors, parseInput, ThreadQuerySchema, TransitionBodySchema } from '../../shared/console/requests';
import { authenticate } from '../../shared/console/session';

const config = parseVigiaConfig(readFileSync('vigia.config.yaml', 'utf8'), 'vigia.config.yaml');
const VENTAS = ['106540352242922', '106540352242923'];
const SOPORTE = '106540352242924';
const UNLISTED = '999999999999999';

const principal = (email: string) => principalFor(config, { email })!;

/** The ConsoleError a call throws (the API answers its status and `{ error, message }`). */
function refusal(call: () => unknown): ConsoleError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConsoleError) return error;
    throw error;
  }
  throw new Error('expected a ConsoleError');
}

describe('principals and their scope', () => {
  it('makes officers and e-mailed managers console users, e-mails compared without case', () => {
    expect(consoleUsers(config).map((user) => [user.email, user.role, user.teams, user.language])).toEqual([
      ['olivia@example.com', 'officer', ['ventas', 'soporte'], 'en'],
      ['carla@example.com', 'manager', ['ventas'], 'pt'],
      ['diego@example.com', 'manager', ['soporte'], 'es'],
    ]);
    expect(principalFor(config, { email: ' Carla@Example.COM ' })?.email).toBe('carla@example.com');
    expect(principalFor(config, { email: 'eve@example.com' })).toBeUndefined();
  });

  it('lets a manager see the lines of their teams, an officer every line (also unlisted ones)', () => {
    const carla = principal('carla@example.com');
    const olivia = principal('olivia@example.com');
    expect(VENTAS.every((line) => canSeeLine(config, carla, line))).toBe(true);
    expect(canSeeLine(config, carla, SOPORTE)).toBe(false);
    expect(canSeeLine(config, carla, UNLISTED)).toBe(false);
    expect(canSeeLine(config, olivia, UNLISTED)).toBe(true);
    expect(visibleLines({ config }, carla)).toEqual(VENTAS);
    expect(visibleLines({ config }, olivia)).toBeUndefined();
    expect(scopeLines({ config }, carla, SOPORTE)).toEqual([]);
    expect(scopeLines({ config }, carla, VENTAS[1])).toEqual([VENTAS[1]]);
    expect(scopeLines({ config }, olivia, UNLISTED)).toEqual([UNLISTED]);
  });

  it('answers 401 without claims or for a non-ID token, 403 for an unknown or unverified e-mail', () => {
    expect(refusal(() => authenticate(config, undefined)).statusCode).toBe(401);
    expect(refusal(() => authenticate(config, { sub: 'x' })).statusCode).toBe(401);
    expect(refusal(() => authenticate(config, { email: 'carla@example.com', token_use: 'access' })).statusCode).toBe(401);
    expect(refusal(() => authenticate(config, { email: 'eve@example.com', token_use: 'id' })).statusCode).toBe(403);
    expect(refusal(() => authenticate(config, { email: 'carla@example.com', email_verified: 'false' })).statusCode).toBe(403);
    // API Gateway hands every claim over as a string.
    expect(authenticate(config, { email: 'carla@example.com', email_verified: 'true', token_use: 'id' }).role).toBe('manager');
  });
});

describe('filters, cursors and bodies', () => {
  const alertsQuery = (query: Record<string, string>) => parseInput(AlertListQuerySchema, query, 'parameter');

  it('reads the alert filters with their defaults, days and times as UTC instants', () => {
    expect(alertsQuery({})).toEqual({ order: 'newest', limit: 50 });
    expect(alertsQuery({ status: 'open,resolved', severity: 'high', since: '2026-11-01', until: '2026-11-02T10:00:00-03:00', order: 'oldest', limit: '200' })).toEqual({
      status: ['open', 'resolved'],
      severity: ['high'],
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-02T13:00:00.000Z',
      order: 'oldest',
      limit: 200,
    });
  });

  it.each([
    [{ since: 'yesterday' }, /since must be a day/],
    [{ since: '2026-02-30' }, /since/],
    [{ until: '2026-11-01T10:00' }, /until/],
    [{ limit: '0' }, /limit/],
    [{ limit: '201' }, /limit/],
    [{ limit: '1.5' }, /limit/],
    [{ limit: '-3' }, /limit/],
    [{ status: 'closed' }, /status must be open, acknowledged, resolved/],
    [{ status: 'open,closed' }, /status/],
    [{ severity: 'critical' }, /severity/],
    [{ order: 'random' }, /order must be newest or oldest/],
    [{ colour: 'red' }, /unknown parameter colour/],
  ])('answers 400 for %o', (query, message) => {
    const error = refusal(() => alertsQuery(query as Record<string, string>));
    expect([error.statusCode, error.error]).toEqual([400, 'bad_request']);
    expect(error.message).toMatch(message);
  });

  it('validates the conversation and thread parameters the same way', () => {
    expect(refusal(() => parseInput(ConversationListQuerySchema, { since: 'soon' }, 'parameter')).statusCode).toBe(400);
    expect(parseInput(ThreadQuerySchema, { before: '2026-11-01T10:00:00.000Z#wamid.x' }, 'parameter')).toEqual({ before: '2026-11-01T10:00:00.000Z#wamid.x', limit: 100 });
    expect(parseInput(ThreadQuerySchema, { before: '2026-11-01' }, 'parameter').before).toBe('2026-11-01T00:00:00.000Z');
    expect(refusal(() => parseInput(ThreadQuerySchema, { before: 'wamid.x' }, 'parameter')).statusCode).toBe(400);
  });

  it('accepts only cursors it issued, for the same list and order', () => {
    const cursor = cursors.encode('alerts:newest', '2026-11-01T00:00:00.000Z#al_0123');
    const isString = (value: unknown): value is string => typeof value === 'string';
    expect(cursors.decode('alerts:newest', cursor, isString)).toBe('2026-11-01T00:00:00.000Z#al_0123');
    expect(refusal(() => cursors.decode('alerts:oldest', cursor, isString)).statusCode).toBe(400);
    expect(refusal(() => cursors.decode('alerts:newest', 'bm90IGpzb24', isString)).statusCode).toBe(400);
  });

  it('requires an outcome to resolve and an assignee to assign, and nothing else', () => {
    const body = (input: unknown) => parseInput(TransitionBodySchema, input, 'field');
    expect(body({ action: 'resolve', outcome: 'no_violation', note: ' ok ' })).toEqual({ action: 'resolve', outcome: 'no_violation', note: 'ok' });
    expect(refusal(() => body({ action: 'resolve' })).message).toMatch(/field outcome is required to resolve/);
    expect(refusal(() => body({ action: 'assign' })).message).toMatch(/field assignee is required/);
    expect(refusal(() => body({ action: 'acknowledge', outcome: 'violation' })).message).toMatch(/outcome is only for resolve/);
    expect(refusal(() => body({ action: 'delete' })).message).toMatch(/action must be acknowledge, assign, resolve, reopen/);
    expect(refusal(() => body({ action: 'acknowledge', status: 'resolved' })).message).toMatch(/unknown field status/);
  });
});

describe('alert transitions and hits', () => {
  const alert = (status: Alert['status']) => ({ id: 'al_1', status });
  const at = '2026-12-01T10:00:00.000Z';

  it('allows reopening only from acknowledged or resolved, and clears the outcome', () => {
    expect(() => planAlertTransition(alert('open'), { action: 'reopen', by: 'o', at })).toThrow(AlertTransitionError);
    expect(planAlertTransition(alert('resolved'), { action: 'reopen', by: 'o', at })).toMatchObject({ from: 'resolved', status: 'open', remove: ['outcome'] });
    expect(() => planAlertTransition(alert('resolved'), { action: 'assign', by: 'o', at, assignee: 'd' })).toThrow(/resolved; assign is possible only when it is open or acknowledged/);
    expect(planAlertTransition(alert('acknowledged'), { action: 'resolve', by: 'o', at, outcome: 'coaching', note: 'n' })).toEqual({
      from: 'acknowledged',
      status: 'resolved',
      event: { status: 'resolved', by: 'o', at, action: 'resolve', note: 'n', outcome: 'coaching' },
      set: { outcome: 'coaching' },
      remove: [],
    });
  });

  it('finds a keyword hit in the original text, accents and case aside', () => {
    const keyword = { id: 'al_1', kind: 'keyword', evidence: { matched: 'informação', excerpt: '…' } } as unknown as Alert;
    const message = { text: 'Segue a INFORMACAO pedida' } as MessageView;
    const hit = hitOf(keyword, message) as { offsets: { start: number; end: number } };
    expect(message.text!.slice(hit.offsets.start, hit.offsets.end)).toBe('INFORMACAO');
    const regex = { id: 'al_2', kind: 'keyword', evidence: { matched: '\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b' } } as unknown as Alert;
    expect(hitOf(regex, { text: 'CPF 123.456.789-09 ok' } as MessageView)).toMatchObject({ offsets: { start: 4, end: 18 } });
    const sentiment = { id: 'al_3', kind: 'sentiment', evidence: { sentiment: 'NEGATIVE', score: 0.91, analyzer: 'offline' } } as unknown as Alert;
    expect(hitOf(sentiment, undefined)).toEqual({ kind: 'sentiment', sentiment: 'NEGATIVE', score: 0.91, analyzer: 'offline' });
  });
});
