import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../local/traffic';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { cli, cliJson } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import type { AlertRow, MediaRow, MessageRow } from './fixtures';
import * as reference from './reference';

/**
 * Issue 5 end to end on the real local stack: the simulator's traffic (plus a line the config
 * does not list) → ingest, media capture, compliance flow → `vigia export` → `vigia query` with
 * DuckDB over the mirrored Parquet. Each named query must give what the TypeScript definitions
 * compute from the records themselves, read through the CLI's record commands (`vigia messages`,
 * `vigia alerts`, `vigia media`), not through SQL.
 */
const UNLISTED_LINE = '106540352242999';

let stack: TestStack;
let asOf: string;
beforeAll(async () => {
  stack = await startTestStack({ env: { VIGIA_FLOW_RETRY_MS: '5' } });
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  const start = Math.floor(Date.now() / 1000) - 2 * 86_400;
  for (const webhook of generateTraffic({ turns: 240, seed: 5, startTime: start })) expect((await stack.post(webhook.body)).status).toBe(200);
  // A customer writing to a corporate number the config does not list: no employee, no team.
  const unlisted = {
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000099', phone_number_id: UNLISTED_LINE }, contacts: [{ profile: { name: 'Cliente' }, wa_id: '5511987654321' }], messages: [{ from: '5511987654321', id: 'wamid.e2e-unlisted', timestamp: String(start + 600), type: 'text', text: { body: 'Alguém aí?' } }] } }] }],
  };
  expect((await stack.post(JSON.stringify(unlisted))).status).toBe(200);
  await stack.stack.drained();
  asOf = new Date().toISOString();
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

/** The records as the CLI lists them, shaped like the export's rows, with the config's employee and team. */
async function records(): Promise<{ messages: MessageRow[]; alerts: AlertRow[]; media: MediaRow[] }> {
  const lines = new Map(stack.stack.config.lines.map((line) => [line.phoneNumberId, line]));
  const messages = (await cliJson<MessageView>('messages', '--json')).map((message): MessageRow => {
    const sentiment = (message.compliance as { sentiment?: { result?: { sentiment?: string } } } | undefined)?.sentiment?.result?.sentiment;
    return {
      message_id: message.id,
      line_id: message.lineId,
      employee: lines.get(message.lineId)?.employee ?? null,
      team: lines.get(message.lineId)?.team ?? null,
      contact_id: message.contactId ?? null,
      direction: message.direction as MessageRow['direction'],
      source: message.source as MessageRow['source'],
      type: message.type,
      sent_at: message.timestamp,
      edit_of: message.editOf ?? null,
      revokes: message.revokes ?? null,
      reaction_to: message.reactionTo ?? null,
      sentiment: (sentiment as MessageRow['sentiment']) ?? null,
    };
  });
  const alerts = (await cliJson<{ id: string; messageId: string; lineId: string; employee: string | null; team: string | null; policyId: string; kind: string; severity: string; status: string; createdAt: string }>('alerts', '--json')).map(
    (alert): AlertRow => ({ alert_id: alert.id, message_id: alert.messageId, line_id: alert.lineId, employee: alert.employee, team: alert.team, policy_id: alert.policyId, kind: alert.kind, severity: alert.severity, status: alert.status, created_at: alert.createdAt }),
  );
  const media = (await cliJson<{ mediaId: string; messageId: string; lineId: string; sniffedMime: string | null; size: number | null; state: string; createdAt: string }>('media', '--json')).map(
    (item): MediaRow => ({ media_id: item.mediaId, message_id: item.messageId, line_id: item.lineId, sniffed_mime: item.sniffedMime ?? null, size_bytes: item.size ?? null, state: item.state, created_at: item.createdAt }),
  );
  return { messages, alerts, media };
}

describe('named queries on the local stack, after vigia export', () => {
  let expected: Awaited<ReturnType<typeof records>>;
  beforeAll(async () => {
    expected = await records();
    const [line] = await cli('export');
    expect(line).toMatch(/^exported \d+ days? .* \(full\): messages \d+, statuses \d+, alerts \d+, media \d+/);
  });

  it('has enough of everything to mean something', () => {
    expect(expected.messages.length).toBeGreaterThan(150);
    expect(expected.messages.some((message) => message.source === 'history')).toBe(true);
    expect(expected.messages.some((message) => message.type === 'reaction' || message.type === 'edit' || message.type === 'revoke')).toBe(true);
    expect(expected.alerts.length).toBeGreaterThan(0);
    expect(expected.media.length).toBeGreaterThan(0);
  });

  it('mirrors the export into $VIGIA_DATA_DIR/analytics/exports/ and queries it', async () => {
    const rows = await cliJson<Record<string, unknown>>('query', 'messages_per_employee_day', '--json');
    const mirror = join(stack.dataDir, 'analytics', 'exports', 'messages');
    expect(existsSync(mirror)).toBe(true);
    expect(readdirSync(mirror).every((partition) => /^dt=\d{4}-\d{2}-\d{2}$/.test(partition))).toBe(true);
    expect(rows).toEqual(reference.messagesPerEmployeeDay(expected.messages));
    // The unlisted line counts under its id.
    expect(rows.some((row) => row.employee === UNLISTED_LINE)).toBe(true);
  });

  it('first_response_time', async () => {
    const rows = await cliJson('query', 'first_response_time', '--json');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows).toEqual(reference.firstResponseTime(expected.messages));
  });

  it('unanswered_conversations', async () => {
    const rows = await cliJson('query', 'unanswered_conversations', '--json', '--param', 'hours=0', '--param', `as_of=${asOf}`);
    expect(rows).toEqual(reference.unansweredConversations(expected.messages, 0, asOf));
    expect(rows).toContainEqual(expect.objectContaining({ employee: UNLISTED_LINE, contact_id: '5511987654321' }));
    expect(await cliJson('query', 'unanswered_conversations', '--json', '--param', 'hours=30', '--param', `as_of=${asOf}`)).toEqual(reference.unansweredConversations(expected.messages, 30, asOf));
  });

  it('alerts_by_policy_week', async () => {
    const rows = await cliJson('query', 'alerts_by_policy_week', '--json');
    expect(rows).toEqual(reference.alertsByPolicyWeek(expected.alerts));
  });

  it('sentiment_by_team_week', async () => {
    const rows = await cliJson('query', 'sentiment_by_team_week', '--json');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(reference.sentimentByTeamWeek(expected.messages));
  });

  it('media_by_type', async () => {
    const rows = await cliJson('query', 'media_by_type', '--json');
    expect(rows).toEqual(reference.mediaByType(expected.media));
    expect(rows).toContainEqual(expect.objectContaining({ sniffed_mime: 'application/pdf' }));
  });

  it('vigia report draws the four charts from the same queries', async () => {
    const out = join(stack.dataDir, 'report.html');
    const [line] = await cli('report', '--out', out);
    expect(line).toContain(`from DuckDB over ${join(stack.dataDir, 'analytics', 'exports')}`);
    const html = readFileSync(out, 'utf8');
    for (const chart of ['volume-by-day', 'response-times', 'alerts-by-policy', 'sentiment-trend']) {
      const figure = html.slice(html.indexOf(`data-chart="${chart}"`), html.indexOf('</figure>', html.indexOf(`data-chart="${chart}"`)));
      expect(figure, chart).toContain('class="mark"');
    }
  });
});
