import { isCalendarDay } from '../config/fields';
import { badRequest } from './errors';
import type { AlertsByPolicyWeekRow, FirstResponseTimeRow, OverviewJson, OverviewRows, SentimentByTeamWeekRow } from './wire';

export type { AlertsByPolicyWeekRow, FirstResponseTimeRow, OverviewJson, OverviewRows, SentimentByTeamWeekRow };

/**
 * `GET /api/overview`: the charts of `vigia report` (alerts by policy and week, response time per
 * employee, sentiment by team and week) for the teams the signed-in person may see. The numbers are
 * the named queries' over the analytics export (docs/analytics.md): DuckDB over the local export in
 * the local stack, Athena on AWS. Aggregates only, no content: not audited. Scoped here, by the
 * API, never by the page: a manager gets the rows of their teams, an officer every row (lines
 * without a team included).
 * The answer's shape is in ./wire.ts, with the other routes'.
 */

/** The named queries the overview runs (shared/analytics/queries/). */
export const OVERVIEW_QUERIES = ['alerts_by_policy_week', 'first_response_time', 'sentiment_by_team_week'] as const;
/**
 * The overview's queries' SQL as JSON (`{ name: sql }`), inlined into the console API's bundle by
 * esbuild (infra/constructs/manager-console.ts): a bundle has no .sql files. Unset (the local
 * stack, tests), the queries are read from shared/analytics/queries/.
 */
export const OVERVIEW_QUERIES_DEFINE = 'process.env.VIGIA_OVERVIEW_QUERIES_JSON';
/** Without `since`: the Monday of the week 11 weeks before this one (12 whole weeks with this one). */
export const OVERVIEW_DEFAULT_WEEKS = 12;
/** How long an answer (per `since`) is reused before the queries run again. */
export const OVERVIEW_CACHE_MS = 5 * 60_000;

/** What the analytics export holds for a period. */
export type OverviewRead =
  /** Nothing exported yet (no watermark on AWS, no Parquet locally). */
  | { exported: false }
  /** `exportedAt`: when the last export ran (its watermark); null when it left none. */
  | { exported: true; exportedAt: string | null; rows: OverviewRows };

/** Where the overview's numbers come from: the named queries over the analytics export. */
export interface OverviewSource {
  /** The rows of OVERVIEW_QUERIES with `since` (a `YYYY-MM-DD` day), every team. */
  read(since: string): Promise<OverviewRead>;
}

/** What the route needs (the console API's dependencies have more). */
export interface OverviewDependencies {
  /** @default - none: the answer is `no-export` */
  overview?: OverviewSource;
  /** @default the system clock */
  now?: () => Date;
}

/** Who asks: a manager sees their teams, an officer everything. */
export interface OverviewRequest {
  principal: { role: 'officer' | 'manager'; teams: string[] };
}

const DAY = 86_400_000;

/** The default `since`: the Monday (UTC) OVERVIEW_DEFAULT_WEEKS − 1 weeks before this week's. */
export function defaultSince(now: Date): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (new Date(today).getUTCDay() + 6) % 7;
  return new Date(today - (sinceMonday + 7 * (OVERVIEW_DEFAULT_WEEKS - 1)) * DAY).toISOString().slice(0, 10);
}

/** `since` from the query string, or a 400 that says what is wrong. */
export function overviewSince(query: Record<string, string | undefined> | undefined, now: Date): string {
  const unknown = Object.keys(query ?? {}).filter((name) => name !== 'since');
  if (unknown.length > 0) throw badRequest(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (GET /api/overview takes since=YYYY-MM-DD only)`);
  const since = query?.since;
  if (since === undefined || since === '') return defaultSince(now);
  if (!isCalendarDay(since)) throw badRequest(`parameter since must be a day like 2026-11-01, got ${JSON.stringify(since)}`);
  if (since > now.toISOString().slice(0, 10)) throw badRequest(`parameter since must not be in the future, got ${since}`);
  return since;
}

interface Cached {
  expires: number;
  answer: Promise<{ read: OverviewRead; generatedAt: string }>;
}
/** Answers per source and `since`, every team (scoping happens per request, after the cache). */
const caches = new WeakMap<OverviewSource, Map<string, Cached>>();

async function cachedRead(source: OverviewSource, since: string, now: Date): Promise<{ read: OverviewRead; generatedAt: string }> {
  let cache = caches.get(source);
  if (!cache) caches.set(source, (cache = new Map()));
  for (const [key, entry] of cache) if (entry.expires <= now.getTime()) cache.delete(key);
  const hit = cache.get(since);
  if (hit) return hit.answer;
  // One run per `since` at a time: concurrent requests wait for the same queries.
  const answer = source.read(since).then((read) => ({ read, generatedAt: now.toISOString() }));
  cache.set(since, { expires: now.getTime() + OVERVIEW_CACHE_MS, answer });
  answer.catch(() => {
    if (cache.get(since)?.answer === answer) cache.delete(since);
  });
  return answer;
}

/** `GET /api/overview?since=YYYY-MM-DD`: the report's charts' rows for the principal's teams. */
export async function overview(deps: OverviewDependencies, request: OverviewRequest, query: Record<string, string | undefined> | undefined): Promise<OverviewJson> {
  const now = deps.now?.() ?? new Date();
  const since = overviewSince(query, now);
  const { principal } = request;
  const teams = principal.role === 'officer' ? null : [...principal.teams];
  const empty = { alertsByPolicyWeek: [], firstResponseTime: [], sentimentByTeamWeek: [] };
  if (!deps.overview) return { since, generatedAt: now.toISOString(), status: 'no-export', exportedAt: null, teams, ...empty };
  const { read, generatedAt } = await cachedRead(deps.overview, since, now);
  if (!read.exported) return { since, generatedAt, status: 'no-export', exportedAt: null, teams, ...empty };
  const visible = <T extends { team: string | null }>(rows: T[]) => (teams === null ? rows : rows.filter((row) => row.team !== null && teams.includes(row.team)));
  return {
    since,
    generatedAt,
    status: 'ok',
    exportedAt: read.exportedAt,
    teams,
    alertsByPolicyWeek: visible(read.rows.alertsByPolicyWeek),
    firstResponseTime: visible(read.rows.firstResponseTime),
    sentimentByTeamWeek: visible(read.rows.sentimentByTeamWeek),
  };
}
