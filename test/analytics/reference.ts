import type { AlertRow, MediaRow, MessageRow } from './fixtures';

/**
 * The named queries' definitions (docs/analytics.md), computed in plain TypeScript over the
 * same rows, to check the SQL against. Written from the definitions, not from the SQL.
 */

/** Code-point order, as SQL sorts VARCHAR (not the locale's). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** NULLS LAST, as the queries order teams. */
const compareTeams = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : compare(a, b));

const NOT_CONVERSATION_TYPES = new Set(['reaction', 'edit', 'revoke', 'system']);

function isConversationMessage(row: { type: string; edit_of?: string | null; revokes?: string | null; reaction_to?: string | null }): boolean {
  return !NOT_CONVERSATION_TYPES.has(row.type) && !row.edit_of && !row.revokes && !row.reaction_to;
}

const isLive = (row: MessageRow) => row.source === 'cloud_api' || row.source === 'business_app' || row.source === 'business_agent';
const employeeOf = (row: { employee: string | null; line_id: string }) => row.employee ?? row.line_id;
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** The Monday (UTC) of the ISO week of `iso`. */
export function mondayOf(iso: string): string {
  const date = new Date(`${day(iso)}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export function messagesPerEmployeeDay(rows: MessageRow[], since = '1970-01-01') {
  const counted = rows.filter((row) => isConversationMessage(row) && day(row.sent_at) >= since);
  return [...countBy(counted, (row) => JSON.stringify([day(row.sent_at), employeeOf(row), row.direction]))]
    .map(([key, messages]) => {
      const [d, employee, direction] = JSON.parse(key) as string[];
      return { day: d, employee, direction, messages };
    })
    .sort((a, b) => compare(a.day, b.day) || compare(a.employee, b.employee) || compare(a.direction, b.direction));
}

/** Sorted by time; in the same second, inbound first, then by id. */
function threadOrder(a: MessageRow, b: MessageRow): number {
  return Date.parse(a.sent_at) - Date.parse(b.sent_at) || compare(a.direction, b.direction) || compare(a.message_id, b.message_id);
}

function threads(rows: MessageRow[]): Map<string, MessageRow[]> {
  const byThread = new Map<string, MessageRow[]>();
  for (const row of rows) {
    if (!isLive(row) || !isConversationMessage(row) || row.contact_id === null) continue;
    const key = `${row.line_id}|${row.contact_id}`;
    byThread.set(key, [...(byThread.get(key) ?? []), row]);
  }
  for (const list of byThread.values()) list.sort(threadOrder);
  return byThread;
}

/** percentile_cont: linear interpolation between the nearest ranks, rounded to 0.1. */
export function percentile(sorted: number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return Math.round((sorted[low] + (position - low) * (sorted[high] - sorted[low])) * 10) / 10;
}

/** Per customer turn (a run of inbound messages), the seconds to the next outbound one. */
export function responseTimes(rows: MessageRow[], since = '1970-01-01'): { employee: string; team: string | null; seconds: number }[] {
  const times: { employee: string; team: string | null; seconds: number }[] = [];
  for (const list of threads(rows).values()) {
    let turnStart: MessageRow | undefined;
    for (const message of list) {
      if (message.direction === 'inbound') {
        turnStart ??= message;
      } else if (turnStart) {
        if (day(turnStart.sent_at) >= since) times.push({ employee: employeeOf(turnStart), team: turnStart.team ?? null, seconds: (Date.parse(message.sent_at) - Date.parse(turnStart.sent_at)) / 1000 });
        turnStart = undefined;
      }
    }
  }
  return times;
}

export function firstResponseTime(rows: MessageRow[], since = '1970-01-01') {
  const byEmployee = new Map<string, number[]>();
  for (const { employee, team, seconds } of responseTimes(rows, since)) {
    const key = JSON.stringify([employee, team]);
    byEmployee.set(key, [...(byEmployee.get(key) ?? []), seconds]);
  }
  return [...byEmployee]
    .map(([key, seconds]) => {
      const [employee, team] = JSON.parse(key) as [string, string | null];
      const sorted = [...seconds].sort((a, b) => a - b);
      return { employee, team, median_seconds: percentile(sorted, 0.5), p90_seconds: percentile(sorted, 0.9), conversations: sorted.length };
    })
    .sort((a, b) => compare(a.employee, b.employee) || compareTeams(a.team, b.team));
}

export function unansweredConversations(rows: MessageRow[], hours: number, asOf: string) {
  const result: { employee: string; contact_id: string; last_inbound_at: string; hours_waiting: number }[] = [];
  for (const list of threads(rows).values()) {
    const visible = list.filter((message) => Date.parse(message.sent_at) <= Date.parse(asOf));
    const last = visible.at(-1);
    if (last?.direction !== 'inbound') continue;
    const waitedSeconds = (Date.parse(asOf) - Date.parse(last.sent_at)) / 1000;
    if (waitedSeconds < hours * 3600) continue;
    result.push({ employee: employeeOf(last), contact_id: last.contact_id!, last_inbound_at: new Date(last.sent_at).toISOString(), hours_waiting: Math.round((waitedSeconds / 3600) * 10) / 10 });
  }
  return result.sort((a, b) => b.hours_waiting - a.hours_waiting || compare(a.employee, b.employee) || compare(a.contact_id, b.contact_id));
}

export function alertsByPolicyWeek(rows: AlertRow[], since = '1970-01-01') {
  return [...countBy(rows.filter((row) => day(row.created_at) >= since), (row) => JSON.stringify([mondayOf(row.created_at), row.policy_id, row.severity, row.team ?? null]))]
    .map(([key, alerts]) => {
      const [week, policy_id, severity, team] = JSON.parse(key) as [string, string, string, string | null];
      return { week, policy_id, severity, team, alerts };
    })
    .sort((a, b) => compare(a.week, b.week) || compare(a.policy_id, b.policy_id) || compare(a.severity, b.severity) || compareTeams(a.team, b.team));
}

export function sentimentByTeamWeek(rows: MessageRow[], since = '1970-01-01') {
  const analyzed = rows.filter((row) => row.sentiment && day(row.sent_at) >= since);
  return [...countBy(analyzed, (row) => JSON.stringify([mondayOf(row.sent_at), row.team, row.sentiment]))]
    .map(([key, messages]) => {
      const [week, team, sentiment] = JSON.parse(key) as [string, string | null, string];
      return { week, team, sentiment, messages };
    })
    .sort((a, b) => compare(a.week, b.week) || (a.team === b.team ? 0 : a.team === null ? 1 : b.team === null ? -1 : compare(a.team, b.team)) || compare(a.sentiment, b.sentiment));
}

export function mediaByType(rows: MediaRow[], since = '1970-01-01') {
  const groups = new Map<string | null, { files: number; bytes: number }>();
  for (const row of rows.filter((item) => day(item.created_at) >= since)) {
    const group = groups.get(row.sniffed_mime) ?? { files: 0, bytes: 0 };
    group.files += 1;
    group.bytes += row.size_bytes ?? 0;
    groups.set(row.sniffed_mime, group);
  }
  return [...groups]
    .map(([sniffed_mime, group]) => ({ sniffed_mime, ...group }))
    .sort((a, b) => b.bytes - a.bytes || (a.sniffed_mime === null ? 1 : b.sniffed_mime === null ? -1 : compare(a.sniffed_mime, b.sniffed_mime)));
}
