import type { AlertRow, Fixture, MediaRow, MessageRow } from './fixtures';

/**
 * A small hand-built month of traffic with the edge cases the named queries must get right:
 * a customer turn of two messages, reactions/edits/deletes/system notices that are not replies,
 * a reply in the same second, a line without an employee or team, the history backfill, a week
 * boundary (Sunday 2026-11-29 → Monday 2026-11-30) and conversations left unanswered.
 */
export const ANA = { line_id: '106540352242922', employee: 'Ana Souza', team: 'ventas' };
export const BRUNO = { line_id: '106540352242923', employee: 'Bruno Lima', team: 'suporte' };
/** A line not in the config: no employee, no team. */
export const SPARE = { line_id: '106540352242999', employee: null, team: null };
export const C1 = '5511900000001';
export const C2 = '5511900000002';
export const C3 = '5511900000003';

type Line = typeof ANA | typeof SPARE;
let counter = 0;
function message(line: Line, contact: string, direction: 'inbound' | 'outbound', sent_at: string, extra: Partial<MessageRow> = {}): MessageRow {
  return {
    message_id: `wamid.T${String(++counter).padStart(3, '0')}`,
    ...line,
    contact_id: contact,
    direction,
    source: direction === 'inbound' ? 'cloud_api' : 'business_app',
    type: 'text',
    sent_at,
    ...extra,
  };
}

export const MESSAGES: MessageRow[] = [
  // Ana, C1: a turn of two messages answered after 120 s (from the first), then 10 s, then 30 s across the week boundary.
  message(ANA, C1, 'inbound', '2026-11-23T09:00:00Z', { sentiment: 'NEUTRAL' }),
  message(ANA, C1, 'inbound', '2026-11-23T09:00:30Z', { sentiment: 'NEGATIVE' }),
  message(ANA, C1, 'outbound', '2026-11-23T09:02:00Z', { sentiment: 'POSITIVE', message_id: 'wamid.A3' }),
  message(ANA, C1, 'inbound', '2026-11-23T09:03:00Z', { type: 'reaction', reaction_to: 'wamid.A3' }),
  message(ANA, C1, 'outbound', '2026-11-23T09:04:00Z', { type: 'edit', edit_of: 'wamid.A3' }),
  message(ANA, C1, 'inbound', '2026-11-23T10:00:00Z'),
  message(ANA, C1, 'outbound', '2026-11-23T10:00:10Z', { source: 'cloud_api' }),
  message(ANA, C1, 'inbound', '2026-11-29T23:59:50Z', { type: 'image', sentiment: 'NEGATIVE' }),
  message(ANA, C1, 'outbound', '2026-11-30T00:00:20Z', { sentiment: 'POSITIVE' }),
  // Ana, C2: waiting since 08:00; a history message after it does not answer.
  message(ANA, C2, 'inbound', '2026-11-30T08:00:00Z', { sentiment: 'MIXED' }),
  message(ANA, C2, 'outbound', '2026-11-30T08:10:00Z', { source: 'history' }),
  // Ana, C3: an old conversation from the history backfill only.
  message(ANA, C3, 'inbound', '2026-06-01T10:00:00Z', { source: 'history' }),
  message(ANA, C3, 'outbound', '2026-06-01T10:05:00Z', { source: 'history' }),
  // Bruno, C1: answered in the same second (0 s).
  message(BRUNO, C1, 'inbound', '2026-11-24T12:00:00Z'),
  message(BRUNO, C1, 'outbound', '2026-11-24T12:00:00Z'),
  // Bruno, C2: a delete is not a reply (300 s), then 100 s and 1200 s.
  message(BRUNO, C2, 'inbound', '2026-11-24T13:00:00Z', { sentiment: 'NEGATIVE' }),
  message(BRUNO, C2, 'outbound', '2026-11-24T13:01:00Z', { type: 'revoke', revokes: 'wamid.B0' }),
  message(BRUNO, C2, 'outbound', '2026-11-24T13:05:00Z', { sentiment: 'NEUTRAL' }),
  message(BRUNO, C2, 'inbound', '2026-11-25T09:00:00Z'),
  message(BRUNO, C2, 'outbound', '2026-11-25T09:01:40Z'),
  message(BRUNO, C2, 'inbound', '2026-11-26T09:00:00Z'),
  message(BRUNO, C2, 'outbound', '2026-11-26T09:20:00Z'),
  // Bruno, C3: a system notice (not a conversation message), then waiting since 07:00.
  message(BRUNO, C3, 'inbound', '2026-11-27T08:00:00Z', { type: 'system' }),
  message(BRUNO, C3, 'inbound', '2026-11-30T07:00:00Z'),
  // The spare line: 5 s, then waiting since 09:30.
  message(SPARE, C1, 'inbound', '2026-11-28T10:00:00Z', { sentiment: 'NEGATIVE' }),
  message(SPARE, C1, 'outbound', '2026-11-28T10:00:05Z'),
  message(SPARE, C1, 'inbound', '2026-11-30T09:30:00Z'),
];

function alert(id: string, line: typeof ANA, policy_id: string, severity: string, created_at: string, status = 'open'): AlertRow {
  return { alert_id: id, message_id: `wamid.X${id}`, line_id: line.line_id, employee: line.employee, team: line.team, policy_id, kind: 'keyword', severity, status, created_at };
}

export const ALERTS: AlertRow[] = [
  alert('al1', ANA, 'confidential-terms', 'high', '2026-11-29T23:59:59Z'),
  alert('al2', ANA, 'confidential-terms', 'high', '2026-11-30T00:00:00Z'),
  alert('al3', ANA, 'leak-patterns', 'high', '2026-11-24T10:00:00Z', 'acknowledged'),
  alert('al4', BRUNO, 'angry-conversation', 'low', '2026-11-24T13:00:01Z'),
  alert('al5', BRUNO, 'confidential-terms', 'high', '2026-11-25T08:00:00Z', 'resolved'),
];

function media(id: string, sniffed_mime: string | null, size_bytes: number | null, created_at: string, state = 'stored'): MediaRow {
  return { media_id: id, message_id: `wamid.M${id}`, line_id: ANA.line_id, sniffed_mime, size_bytes, state, created_at };
}

export const MEDIA: MediaRow[] = [
  media('m1', 'application/pdf', 1000, '2026-11-23T09:00:00Z'),
  media('m2', 'application/pdf', 3000, '2026-11-30T09:00:00Z'),
  media('m3', 'application/zip', 5000, '2026-11-24T09:00:00Z'),
  media('m4', null, null, '2026-11-30T09:00:00Z', 'pending'),
  media('m5', 'image/jpeg', 4000, '2026-11-25T09:00:00Z'),
];

export const SCENARIO: Fixture = { messages: MESSAGES, alerts: ALERTS, media: MEDIA };

/**
 * A larger seeded random data set (several lines, contacts, all message kinds, every hour of a
 * few weeks) for comparing every query with the TypeScript definitions.
 */
export function randomFixture(seed: number, size = 600): Fixture {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const lines = [ANA, BRUNO, SPARE, { line_id: '106540352242924', employee: 'Carla Gómez', team: 'ventas' }];
  const contacts = Array.from({ length: 9 }, (_, i) => `55119${String(10000000 + i * 7919)}`);
  const start = Date.parse('2026-11-16T00:00:00Z');
  const messages: MessageRow[] = [];
  for (let i = 0; i < size; i++) {
    // Whole seconds, sometimes colliding, spread over three weeks.
    const sent = start + Math.floor(random() * 21 * 86_400) * 1000;
    const roll = random();
    const type = roll < 0.06 ? 'reaction' : roll < 0.09 ? 'edit' : roll < 0.11 ? 'revoke' : roll < 0.12 ? 'system' : pick(['text', 'text', 'text', 'image', 'document']);
    messages.push({
      message_id: `wamid.R${seed}-${String(i).padStart(5, '0')}`,
      ...pick(lines),
      contact_id: random() < 0.02 ? null : pick(contacts),
      direction: random() < 0.55 ? 'inbound' : 'outbound',
      source: pick(['cloud_api', 'business_app', 'business_app', 'history'] as const),
      type,
      sent_at: new Date(sent).toISOString(),
      reaction_to: type === 'reaction' ? 'wamid.X' : null,
      edit_of: type === 'edit' ? 'wamid.X' : null,
      revokes: type === 'revoke' ? 'wamid.X' : null,
      sentiment: random() < 0.5 ? pick(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'] as const) : null,
    });
  }
  const alerts: AlertRow[] = Array.from({ length: Math.floor(size / 5) }, (_, i) =>
    alert(`r${i}`, pick(lines.filter((line) => line.employee !== null)) as typeof ANA, pick(['confidential-terms', 'leak-patterns', 'angry-conversation', 'no-spreadsheets']), pick(['low', 'medium', 'high']), new Date(start + Math.floor(random() * 21 * 86_400) * 1000).toISOString()),
  );
  const mediaRows: MediaRow[] = Array.from({ length: Math.floor(size / 6) }, (_, i) => {
    const stored = random() < 0.8;
    return media(`r${i}`, stored ? pick(['application/pdf', 'image/jpeg', 'application/zip', 'audio/ogg']) : null, stored ? 1 + Math.floor(random() * 5_000_000) : null, new Date(start + Math.floor(random() * 21 * 86_400) * 1000).toISOString(), stored ? 'stored' : pick(['pending', 'failed']));
  });
  return { messages, alerts, media: mediaRows };
}
