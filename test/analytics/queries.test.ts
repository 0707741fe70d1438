import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../shared/analytics/adapters/duckdb-engine';
import { findNamedQuery, resolveParams } from '../../shared/analytics/named-queries';
import { rowObjects } from '../../shared/analytics/query-result';
import { writeExport, writeExportWithEncoder, type Fixture } from './fixtures';
import * as reference from './reference';
import { ALERTS, ANA, BRUNO, C1, C2, C3, MEDIA, MESSAGES, randomFixture, SCENARIO, SPARE } from './scenario';

const dirs: string[] = [];
async function engineFor(fixture: Fixture, timestampType?: 'TIMESTAMP' | 'TIMESTAMPTZ'): Promise<DuckDbQueryEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-analytics-'));
  dirs.push(dir);
  await writeExport(dir, fixture, { timestampType });
  return DuckDbQueryEngine.open(dir);
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function run(engine: DuckDbQueryEngine, name: string, params: Record<string, string> = {}, now?: Date) {
  const query = findNamedQuery(name);
  return rowObjects(await engine.execute(query, resolveParams(query, params, now)));
}

describe('the named queries on hand-built data', () => {
  let engine: DuckDbQueryEngine;
  beforeAll(async () => {
    engine = await engineFor(SCENARIO);
  });
  afterAll(() => engine.close());

  it('messages_per_employee_day counts conversation messages per UTC day, employee and direction', async () => {
    const rows = await run(engine, 'messages_per_employee_day');
    expect(rows).toEqual(reference.messagesPerEmployeeDay(MESSAGES));
    // The reaction and the edit of 2026-11-23 are not counted; the history backfill is, on its day.
    expect(rows.filter((row) => row.employee === 'Ana Souza' && row.day === '2026-11-23')).toEqual([
      { day: '2026-11-23', employee: 'Ana Souza', direction: 'inbound', messages: 3 },
      { day: '2026-11-23', employee: 'Ana Souza', direction: 'outbound', messages: 2 },
    ]);
    expect(rows).toContainEqual({ day: '2026-06-01', employee: 'Ana Souza', direction: 'inbound', messages: 1 });
    // Sunday 23:59:50 and Monday 00:00:20 are different days; the line without employee shows its id.
    expect(rows).toContainEqual({ day: '2026-11-29', employee: 'Ana Souza', direction: 'inbound', messages: 1 });
    // Monday: the 00:00:20 reply and the history message of 08:10.
    expect(rows).toContainEqual({ day: '2026-11-30', employee: 'Ana Souza', direction: 'outbound', messages: 2 });
    expect(rows).toContainEqual({ day: '2026-11-28', employee: SPARE.line_id, direction: 'inbound', messages: 1 });
    // The system notice of 2026-11-27 is not a message of the conversation.
    expect(rows.some((row) => row.day === '2026-11-27')).toBe(false);
  });

  it('messages_per_employee_day honours since', async () => {
    const rows = await run(engine, 'messages_per_employee_day', { since: '2026-11-30' });
    expect(rows).toEqual(reference.messagesPerEmployeeDay(MESSAGES, '2026-11-30'));
    expect(rows.every((row) => row.day === '2026-11-30')).toBe(true);
  });

  it('first_response_time measures each customer turn to the next reply, per employee', async () => {
    const rows = await run(engine, 'first_response_time');
    expect(rows).toEqual([
      // The line without an employee shows its id (digits sort first).
      { employee: SPARE.line_id, team: null, median_seconds: 5, p90_seconds: 5, conversations: 1 },
      // 120 s (from the first of two messages), 10 s, 30 s (across the week boundary): median 30, p90 30 + 0.8 × 90.
      { employee: 'Ana Souza', team: 'ventas', median_seconds: 30, p90_seconds: 102, conversations: 3 },
      // 0 s (same second), 300 s (the delete is not a reply), 100 s, 1200 s.
      { employee: 'Bruno Lima', team: 'suporte', median_seconds: 200, p90_seconds: 930, conversations: 4 },
    ]);
    expect(rows).toEqual(reference.firstResponseTime(MESSAGES));
  });

  it('first_response_time with since counts only turns started since that day', async () => {
    expect(await run(engine, 'first_response_time', { since: '2026-11-25' })).toEqual([
      { employee: SPARE.line_id, team: null, median_seconds: 5, p90_seconds: 5, conversations: 1 },
      { employee: 'Ana Souza', team: 'ventas', median_seconds: 30, p90_seconds: 30, conversations: 1 },
      { employee: 'Bruno Lima', team: 'suporte', median_seconds: 650, p90_seconds: 1090, conversations: 2 },
    ]);
  });

  it('first_response_time is empty when nobody ever replied', async () => {
    const silent = await engineFor({ messages: MESSAGES.filter((row) => row.direction === 'inbound') });
    try {
      expect(await run(silent, 'first_response_time')).toEqual([]);
      // …and then every live thread is unanswered.
      expect((await run(silent, 'unanswered_conversations', { hours: '0', as_of: '2026-12-01T00:00:00Z' })).map((row) => [row.employee, row.contact_id])).toEqual([
        ['Bruno Lima', C1], // since 11-24 12:00, 156 h
        ['Bruno Lima', C2], // 111 h
        ['Ana Souza', C1], // 24 h (its reaction is not a message of the conversation)
        ['Bruno Lima', C3], // 17 h
        ['Ana Souza', C2], // 16 h (C3 is history only: not listed)
        [SPARE.line_id, C1], // 14.5 h
      ]);
    } finally {
      await silent.close();
    }
  });

  it('unanswered_conversations lists threads whose last live message is the customer’s, waiting at least `hours`', async () => {
    const asOf = '2026-11-30T10:00:00Z';
    expect(await run(engine, 'unanswered_conversations', { hours: '0', as_of: asOf })).toEqual([
      { employee: 'Bruno Lima', contact_id: C3, last_inbound_at: '2026-11-30T07:00:00.000Z', hours_waiting: 3 },
      // The history message at 08:10 does not answer.
      { employee: 'Ana Souza', contact_id: C2, last_inbound_at: '2026-11-30T08:00:00.000Z', hours_waiting: 2 },
      { employee: SPARE.line_id, contact_id: C1, last_inbound_at: '2026-11-30T09:30:00.000Z', hours_waiting: 0.5 },
    ]);
    expect((await run(engine, 'unanswered_conversations', { hours: '1', as_of: asOf })).map((row) => row.employee)).toEqual(['Bruno Lima', 'Ana Souza']);
    // Exactly `hours` waiting is listed.
    expect((await run(engine, 'unanswered_conversations', { hours: '3', as_of: asOf })).map((row) => row.employee)).toEqual(['Bruno Lima']);
    expect(await run(engine, 'unanswered_conversations', { hours: '24', as_of: asOf })).toEqual([]);
  });

  it('unanswered_conversations ignores messages after as_of', async () => {
    expect(await run(engine, 'unanswered_conversations', { hours: '0', as_of: '2026-11-30T00:00:00Z' })).toEqual([
      { employee: 'Ana Souza', contact_id: C1, last_inbound_at: '2026-11-29T23:59:50.000Z', hours_waiting: 0 },
    ]);
    expect(await run(engine, 'unanswered_conversations', { hours: '0', as_of: '2026-11-30T07:30:00Z' })).toEqual([
      { employee: 'Bruno Lima', contact_id: C3, last_inbound_at: '2026-11-30T07:00:00.000Z', hours_waiting: 0.5 },
    ]);
  });

  it('unanswered_conversations defaults to 24 hours before now', async () => {
    // "now" is a week after the data, so the three waiting threads are listed.
    const rows = await run(engine, 'unanswered_conversations', {}, new Date('2026-12-07T00:00:00Z'));
    expect(rows.map((row) => row.contact_id)).toEqual([C3, C2, C1]);
    expect(rows.every((row) => (row.hours_waiting as number) >= 24)).toBe(true);
  });

  it('alerts_by_policy_week counts alerts per Monday-based UTC week, policy, severity and team', async () => {
    const rows = await run(engine, 'alerts_by_policy_week');
    expect(rows).toEqual([
      { week: '2026-11-23', policy_id: 'angry-conversation', severity: 'low', team: 'suporte', alerts: 1 },
      // Sunday 23:59:59 is still the week of Monday 23; one row per team.
      { week: '2026-11-23', policy_id: 'confidential-terms', severity: 'high', team: 'suporte', alerts: 1 },
      { week: '2026-11-23', policy_id: 'confidential-terms', severity: 'high', team: 'ventas', alerts: 1 },
      { week: '2026-11-23', policy_id: 'leak-patterns', severity: 'high', team: 'ventas', alerts: 1 },
      { week: '2026-11-30', policy_id: 'confidential-terms', severity: 'high', team: 'ventas', alerts: 1 },
    ]);
    expect(rows).toEqual(reference.alertsByPolicyWeek(ALERTS));
    expect(await run(engine, 'alerts_by_policy_week', { since: '2026-11-30' })).toEqual([{ week: '2026-11-30', policy_id: 'confidential-terms', severity: 'high', team: 'ventas', alerts: 1 }]);
  });

  it('sentiment_by_team_week counts analyzed messages per week, team and label', async () => {
    const rows = await run(engine, 'sentiment_by_team_week');
    expect(rows).toEqual(reference.sentimentByTeamWeek(MESSAGES));
    expect(rows).toEqual([
      { week: '2026-11-23', team: 'suporte', sentiment: 'NEGATIVE', messages: 1 },
      { week: '2026-11-23', team: 'suporte', sentiment: 'NEUTRAL', messages: 1 },
      { week: '2026-11-23', team: 'ventas', sentiment: 'NEGATIVE', messages: 2 },
      { week: '2026-11-23', team: 'ventas', sentiment: 'NEUTRAL', messages: 1 },
      { week: '2026-11-23', team: 'ventas', sentiment: 'POSITIVE', messages: 1 },
      { week: '2026-11-23', team: null, sentiment: 'NEGATIVE', messages: 1 },
      { week: '2026-11-30', team: 'ventas', sentiment: 'MIXED', messages: 1 },
      { week: '2026-11-30', team: 'ventas', sentiment: 'POSITIVE', messages: 1 },
    ]);
  });

  it('media_by_type groups files by their sniffed type, biggest first, untyped last', async () => {
    expect(await run(engine, 'media_by_type')).toEqual([
      { sniffed_mime: 'application/zip', files: 1, bytes: 5000 },
      { sniffed_mime: 'application/pdf', files: 2, bytes: 4000 },
      { sniffed_mime: 'image/jpeg', files: 1, bytes: 4000 },
      { sniffed_mime: null, files: 1, bytes: 0 },
    ]);
    expect(await run(engine, 'media_by_type')).toEqual(reference.mediaByType(MEDIA));
    expect(await run(engine, 'media_by_type', { since: '2026-11-30' })).toEqual([
      { sniffed_mime: 'application/pdf', files: 1, bytes: 3000 },
      { sniffed_mime: null, files: 1, bytes: 0 },
    ]);
  });

  it('answers the same from UTC-adjusted (TIMESTAMP WITH TIME ZONE) Parquet', async () => {
    const zoned = await engineFor(SCENARIO, 'TIMESTAMPTZ');
    try {
      for (const name of ['messages_per_employee_day', 'first_response_time', 'alerts_by_policy_week', 'sentiment_by_team_week', 'media_by_type']) {
        expect(await run(zoned, name), name).toEqual(await run(engine, name));
      }
      const params = { hours: '0', as_of: '2026-11-30T10:00:00Z' };
      expect(await run(zoned, 'unanswered_conversations', params)).toEqual(await run(engine, 'unanswered_conversations', params));
    } finally {
      await zoned.close();
    }
  });

  it('answers the same from Parquet written by the exporter’s encoder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-analytics-'));
    dirs.push(dir);
    writeExportWithEncoder(dir, SCENARIO);
    const exported = await DuckDbQueryEngine.open(dir);
    try {
      for (const name of ['messages_per_employee_day', 'first_response_time', 'alerts_by_policy_week', 'sentiment_by_team_week', 'media_by_type']) {
        expect(await run(exported, name), name).toEqual(await run(engine, name));
      }
      const params = { hours: '0', as_of: '2026-11-30T10:00:00Z' };
      expect(await run(exported, 'unanswered_conversations', params)).toEqual(await run(engine, 'unanswered_conversations', params));
    } finally {
      await exported.close();
    }
  });

  it('gives empty results for tables with nothing exported yet', async () => {
    const onlyMessages = await engineFor({ messages: MESSAGES });
    try {
      expect(await run(onlyMessages, 'alerts_by_policy_week')).toEqual([]);
      expect(await run(onlyMessages, 'media_by_type')).toEqual([]);
    } finally {
      await onlyMessages.close();
    }
  });
});

describe('the named queries on random data', () => {
  for (const seed of [1, 2, 3]) {
    it(`match their TypeScript definitions (seed ${seed})`, async () => {
      const fixture = randomFixture(seed);
      const engine = await engineFor(fixture);
      try {
        const messages = fixture.messages!;
        expect(await run(engine, 'messages_per_employee_day')).toEqual(reference.messagesPerEmployeeDay(messages));
        expect(await run(engine, 'messages_per_employee_day', { since: '2026-11-25' })).toEqual(reference.messagesPerEmployeeDay(messages, '2026-11-25'));
        const responses = await run(engine, 'first_response_time');
        expect(responses).toEqual(reference.firstResponseTime(messages));
        expect(responses.length).toBeGreaterThan(2);
        expect(await run(engine, 'first_response_time', { since: '2026-11-25' })).toEqual(reference.firstResponseTime(messages, '2026-11-25'));
        for (const [hours, asOf] of [['0', '2026-12-07T00:00:00Z'], ['12', '2026-11-28T12:00:00Z'], ['48', '2026-12-10T00:00:00Z']]) {
          const rows = await run(engine, 'unanswered_conversations', { hours, as_of: asOf });
          expect(rows, `hours ${hours} as of ${asOf}`).toEqual(reference.unansweredConversations(messages, Number(hours), asOf));
        }
        expect(await run(engine, 'alerts_by_policy_week')).toEqual(reference.alertsByPolicyWeek(fixture.alerts!));
        expect(await run(engine, 'sentiment_by_team_week')).toEqual(reference.sentimentByTeamWeek(messages));
        expect(await run(engine, 'media_by_type')).toEqual(reference.mediaByType(fixture.media!));
      } finally {
        await engine.close();
      }
    });
  }
});

// Keep the scenario's named lines in use (documentation of who is who in the expectations above).
void [ANA, BRUNO];
