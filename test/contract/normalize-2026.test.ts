/**
 * Contract tests for Meta's 2026 webhook shapes (issue 14): history `message_echoes[]` and threads
 * named by BSUID, group receipts, identity changes, Meta Business Agent (`standby`), the Calling API
 * (`calls`) and the fields kept only as change events. Payloads are Vigia's own (values made up).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallRecord, IdentityLinkRecord, MessageRecord, NormalizedRecord, NormalizeResult, StatusRecord } from '../../shared/capture/records';
import { normalizeWebhook } from '../../shared/capture/whatsapp/normalize';
import { WebhookNotificationSchema } from '../../shared/capture/whatsapp/schema';
import { eventsDir, fixturesDir, readJson } from '../helpers/paths';

type Json = Record<string, any>;
type Kind = NormalizedRecord['kind'];
function ofKind<K extends Kind>(result: NormalizeResult, kind: K): Extract<NormalizedRecord, { kind: K }>[] {
  return result.records.filter((r): r is Extract<NormalizedRecord, { kind: K }> => r.kind === kind);
}
const messages = (r: NormalizeResult): MessageRecord[] => ofKind(r, 'message');
const statuses = (r: NormalizeResult): StatusRecord[] => ofKind(r, 'status');
const links = (r: NormalizeResult): IdentityLinkRecord[] => ofKind(r, 'identity_link');
const calls = (r: NormalizeResult): CallRecord[] => ofKind(r, 'call');

const LINE = '118200456712001';
const BUSINESS = '5531930000007';
const metadata = { display_phone_number: BUSINESS, phone_number_id: LINE };
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** One webhook with one change per [field, value]. */
function webhook(...changes: [string, Json][]) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '330918274650001', changes: changes.map(([field, value]) => ({ field, value: { messaging_product: 'whatsapp', metadata, ...value } })) }],
  };
}

describe('history: media follow-ups the business sent (message_echoes)', () => {
  const echo = {
    from: BUSINESS,
    to: '5531991110001',
    to_user_id: 'BR.7730019283746500',
    id: 'wamid.hist-echo-image-1',
    timestamp: '1770000000',
    type: 'image',
    image: { id: '880011223344556', mime_type: 'image/jpeg', sha256: 'q1w2e3r4t5y6u7i8o9p0', caption: 'Catálogo de verão' },
    history_context: { status: 'READ' },
  };

  it('archives them as outbound history messages with their media', () => {
    const result = normalizeWebhook(webhook(['history', { message_echoes: [echo] }]));
    expect(result.issues).toEqual([]);
    expect(messages(result)).toEqual([
      expect.objectContaining({
        id: 'wamid.hist-echo-image-1',
        lineId: LINE,
        source: 'history',
        direction: 'outbound',
        contactId: '5531991110001',
        contactUserId: 'BR.7730019283746500',
        type: 'image',
        text: 'Catálogo de verão',
        media: { mediaId: '880011223344556', mimeType: 'image/jpeg', sha256: 'q1w2e3r4t5y6u7i8o9p0', caption: 'Catálogo de verão' },
        historyStatus: 'READ',
      }),
    ]);
    expect(result.unprojectedFields).toEqual([]);
  });

  it('takes the customer from to_user_id when there is no to', () => {
    const { to: _to, ...bsuidOnly } = echo;
    const [m] = messages(normalizeWebhook(webhook(['history', { message_echoes: [bsuidOnly] }])));
    expect(m).toMatchObject({ direction: 'outbound', contactId: 'BR.7730019283746500', contactUserId: 'BR.7730019283746500' });
  });

  it('archives customer and business follow-ups of the same change side by side', () => {
    const customer = { from: '5531991110001', id: 'wamid.hist-in-audio', timestamp: '1770000060', type: 'audio', audio: { id: '880011223344557', mime_type: 'audio/ogg', voice: true } };
    const result = normalizeWebhook(webhook(['history', { messages: [customer], message_echoes: [echo] }]));
    expect(messages(result).map((m) => [m.id, m.direction, m.contactId, m.media?.mediaId])).toEqual([
      ['wamid.hist-in-audio', 'inbound', '5531991110001', '880011223344557'],
      ['wamid.hist-echo-image-1', 'outbound', '5531991110001', '880011223344556'],
    ]);
  });
});

describe('history: threads named by BSUID (no threads[].id)', () => {
  const thread = {
    context: { user_id: 'BR.5500918273645511', username: 'joana.obras' },
    messages: [
      { from_user_id: 'BR.5500918273645511', id: 'wamid.t-in', timestamp: '1770000100', type: 'text', text: { body: 'Tem cimento CP-II?' }, history_context: { status: 'READ' } },
      { from: BUSINESS, to_user_id: 'BR.5500918273645511', id: 'wamid.t-out', timestamp: '1770000160', type: 'text', text: { body: 'Temos, 50 kg.' }, history_context: { status: 'DELIVERED' } },
      { to_user_id: 'BR.5500918273645511', id: 'wamid.t-out-2', timestamp: '1770000170', type: 'text', text: { body: 'Entrega amanhã.' }, history_context: { status: 'SENT' } },
    ],
  };

  it('gives every message the customer of threads[].context.user_id and the right direction', () => {
    const result = normalizeWebhook(webhook(['history', { history: [{ metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads: [thread] }] }]));
    expect(result.issues).toEqual([]);
    expect(messages(result).map((m) => [m.id, m.direction, m.contactId, m.contactUserId])).toEqual([
      ['wamid.t-in', 'inbound', 'BR.5500918273645511', 'BR.5500918273645511'],
      ['wamid.t-out', 'outbound', 'BR.5500918273645511', 'BR.5500918273645511'],
      ['wamid.t-out-2', 'outbound', 'BR.5500918273645511', 'BR.5500918273645511'],
    ]);
  });

  it('prefers threads[].id (the phone number) when both are given', () => {
    const result = normalizeWebhook(webhook(['history', { history: [{ threads: [{ ...thread, id: '5531991110002' }] }] }]));
    expect(messages(result).map((m) => m.contactId)).toEqual(['5531991110002', '5531991110002', '5531991110002']);
    expect(messages(result).map((m) => m.direction)).toEqual(['inbound', 'outbound', 'outbound']);
  });

  it('falls back to the message identifiers and reports a thread with neither', () => {
    const bare = { messages: [{ from: '5531991110003', id: 'wamid.t-bare', timestamp: '1770000200', type: 'text', text: { body: 'oi' } }] };
    const result = normalizeWebhook(webhook(['history', { history: [{ threads: [bare] }] }]));
    expect(messages(result)[0]).toMatchObject({ direction: 'inbound', contactId: '5531991110003' });
    expect(result.issues).toEqual([expect.stringContaining('thread without an id or context.user_id')]);
  });

  it('never leaves a message without a contact when the message names one', () => {
    const bare = { messages: [{ from: BUSINESS, to_user_id: 'BR.99', id: 'wamid.t-bare-out', timestamp: '1770000200', type: 'text', text: { body: 'ok' } }] };
    const [m] = messages(normalizeWebhook(webhook(['history', { history: [{ threads: [bare] }] }])));
    expect(m).toMatchObject({ direction: 'outbound', contactId: 'BR.99', contactUserId: 'BR.99' });
  });
});

describe('group receipts', () => {
  const status = (participant: Json, status = 'read', timestamp = '1779300000') => ({
    id: 'wamid.group-send-1',
    status,
    timestamp,
    recipient_id: 'group.6f1c2a',
    recipient_type: 'group',
    ...participant,
  });

  it('keeps one status per participant, by phone number, BSUID or the misspelled key', () => {
    const result = normalizeWebhook(
      webhook([
        'messages',
        {
          statuses: [
            status({ recipient_participant_id: '5531991110004' }),
            status({ recipient_participant_user_id: 'BR.4400192837' }),
            status({ participant_recipient_id: '5531991110005' }),
            status({ recipient_participant_id: '5531991110006', recipient_participant_user_id: 'BR.6600' }, 'delivered'),
          ],
        },
      ]),
    );
    expect(result.issues).toEqual([]);
    expect(statuses(result).map((s) => [s.status, s.recipientParticipantId, s.recipientParticipantUserId])).toEqual([
      ['read', '5531991110004', undefined],
      ['read', undefined, 'BR.4400192837'],
      ['read', '5531991110005', undefined],
      ['delivered', '5531991110006', 'BR.6600'],
    ]);
    expect(statuses(result).every((s) => s.recipientId === 'group.6f1c2a' && s.timestamp === iso(1779300000))).toBe(true);
  });

  it('reads the participant BSUID of the public group fixture', () => {
    const [s] = statuses(normalizeWebhook(readJson(path.join(fixturesDir, 'pywa__message_status_group.json'))));
    expect(s.recipientParticipantUserId).toBe('US.123456');
  });
});

describe('identity changes', () => {
  const system = (fields: Json, system: Json) => ({ id: `wamid.sys-${JSON.stringify(fields).length}-${system.type}`, timestamp: '1779310000', type: 'system', ...fields, system });

  it('records user_changed_user_id under the new BSUID and links the previous one', () => {
    const result = normalizeWebhook(
      webhook(['messages', { messages: [system({ from_user_id: 'BR.OLD1' }, { body: 'Cliente mudou de identificador', type: 'user_changed_user_id', user_id: 'BR.NEW1' })] }]),
    );
    expect(result.issues).toEqual([]);
    expect(messages(result)[0]).toMatchObject({ type: 'system', direction: 'inbound', contactId: 'BR.NEW1', contactUserId: 'BR.NEW1', text: 'Cliente mudou de identificador' });
    expect(links(result)).toEqual([{ kind: 'identity_link', lineId: LINE, from: 'BR.OLD1', to: 'BR.NEW1', reason: 'user_changed_user_id', timestamp: iso(1779310000) }]);
  });

  it.each([
    ['system.previous_user_id', { from: '5531991110007' }, { previous_user_id: 'BR.OLD2', user_id: 'BR.NEW2' }],
    ['top-level user_id and from_user_id', { from_user_id: 'BR.OLD2', user_id: 'BR.NEW2' }, {}],
    ['top-level previous_user_id', { previous_user_id: 'BR.OLD2', from_user_id: 'BR.NEW2' }, { user_id: 'BR.NEW2' }],
  ])('reads the previous BSUID from %s', (_label, fields, extra) => {
    const result = normalizeWebhook(webhook(['messages', { messages: [system(fields, { body: 'x', type: 'user_changed_user_id', ...extra })] }]));
    expect(messages(result)[0].contactId).toBe('BR.NEW2');
    expect(links(result).map((l) => [l.from, l.to, l.reason])).toEqual([['BR.OLD2', 'BR.NEW2', 'user_changed_user_id']]);
  });

  it('links the old and the new number of user_changed_number (public fixtures)', () => {
    const pywa = normalizeWebhook(readJson(path.join(fixturesDir, 'pywa__system_phone_number_change.json')));
    expect(links(pywa)).toEqual([
      { kind: 'identity_link', lineId: '1122334455667', from: '972987654321', to: '972912345678', reason: 'user_changed_number', timestamp: iso(1753851315) },
    ]);
    // The message stays the old number's: the link says where the customer went.
    expect(messages(pywa)[0].contactId).toBe('972987654321');
    const legacy = normalizeWebhook(readJson(path.join(fixturesDir, 'netflie-whatsapp-cloud-api__system_user_changed_number_with_customer.json')));
    expect(links(legacy).map((l) => [l.from, l.to])).toEqual([['PHONE_NUMBER', 'NEW_PHONE_NUMBER_ID']]);
  });

  it('takes the old number from system.customer when from is the new number', () => {
    const result = normalizeWebhook(
      webhook(['messages', { messages: [system({ from: '5531991119999' }, { body: 'x', type: 'user_changed_number', new_wa_id: '5531991119999', customer: '5531991118888' })] }]),
    );
    expect(links(result).map((l) => [l.from, l.to])).toEqual([['5531991118888', '5531991119999']]);
  });

  it('emits no link for customer_identity_changed (public fixture)', () => {
    expect(links(normalizeWebhook(readJson(path.join(fixturesDir, 'pywa__system_identity_change.json'))))).toEqual([]);
  });

  it('links the phone number and BSUID of a contact profile, dated like the profile', () => {
    const result = normalizeWebhook(readJson(path.join(eventsDir, 'text-inbound.json')));
    expect(links(result)).toEqual([
      { kind: 'identity_link', lineId: '106540352242922', from: '5511987654321', to: 'BR.40918275563019284756', reason: 'contact_profile', timestamp: messages(result)[0].timestamp },
    ]);
  });

  it('emits each link once per webhook and none for a profile with an empty wa_id', () => {
    const contact = { profile: { name: 'Joana' }, wa_id: '5531991110008', user_id: 'BR.8800' };
    const text = (id: string) => ({ from: '5531991110008', id, timestamp: '1779320000', type: 'text', text: { body: 'oi' } });
    const result = normalizeWebhook(
      webhook(
        ['messages', { contacts: [contact, { ...contact }], messages: [text('wamid.d1')] }],
        ['messages', { contacts: [contact], messages: [text('wamid.d2')] }],
        ['messages', { contacts: [{ profile: { name: 'Sem número' }, wa_id: '', user_id: 'BR.8801' }], messages: [{ ...text('wamid.d3'), from: undefined, from_user_id: 'BR.8801' }] }],
      ),
    );
    expect(links(result).map((l) => [l.from, l.to])).toEqual([['5531991110008', 'BR.8800']]);
  });
});

describe('standby (Meta Business Agent)', () => {
  const question = { from: '5531991110009', id: 'wamid.sb-in', timestamp: '1779330000', type: 'text', text: { body: 'Qual o prazo de entrega para Contagem?' } };
  const answer = { from: BUSINESS, to: '5531991110009', id: 'wamid.sb-out', timestamp: '1779330005', type: 'text', text: { body: 'Entregamos em Contagem em 1 dia útil.' } };
  const read = { id: 'wamid.sb-out', status: 'read', timestamp: '1779330030', recipient_id: '5531991110009' };

  it('archives the sample event: customer inbound, agent outbound, both business_agent, and the agent reply’s status', () => {
    const result = normalizeWebhook(readJson(path.join(eventsDir, 'standby-agent.json')));
    expect(result.issues).toEqual([]);
    expect(messages(result).map((m) => [m.direction, m.source, m.contactId])).toEqual([
      ['inbound', 'business_agent', '5521998765432'],
      ['outbound', 'business_agent', '5521998765432'],
    ]);
    expect(statuses(result).map((s) => [s.messageId, s.status])).toEqual([[messages(result)[1].id, 'read']]);
  });

  it.each([
    ['a standby object', { standby: { messages: [question], message_echoes: [answer], statuses: [read] } }],
    ['a list of standby objects', { standby: [{ messages: [question] }, { message_echoes: [answer], statuses: [read] }] }],
    ['arrays directly on the value', { messages: [question], message_echoes: [answer], statuses: [read] }],
  ])('accepts %s', (_label, value) => {
    const payload = webhook(['standby', value]);
    expect(WebhookNotificationSchema.safeParse(payload).success).toBe(true);
    const result = normalizeWebhook(payload);
    expect(result.issues).toEqual([]);
    expect(messages(result).map((m) => [m.id, m.direction, m.source, m.contactId])).toEqual([
      ['wamid.sb-in', 'inbound', 'business_agent', '5531991110009'],
      ['wamid.sb-out', 'outbound', 'business_agent', '5531991110009'],
    ]);
    expect(statuses(result)).toEqual([expect.objectContaining({ messageId: 'wamid.sb-out', status: 'read', lineId: LINE })]);
    expect(result.unprojectedFields).toEqual([]);
  });

  it('keeps handovers as change events, in a standby change or in a field of their own', () => {
    const handover = { timestamp: '1779330100', recipient: { wa_id: '5531991110009' }, control_passed: { from: 'meta_business_agent', to: 'app' } };
    const result = normalizeWebhook(webhook(['standby', { standby: { messages: [question] }, messaging_handovers: [handover] }], ['messaging_handovers', { messaging_handovers: [handover] }]));
    expect(ofKind(result, 'change_event')).toEqual([
      { kind: 'change_event', field: 'messaging_handovers', lineId: LINE, payload: handover },
      { kind: 'change_event', field: 'messaging_handovers', lineId: LINE, payload: { messaging_product: 'whatsapp', metadata, messaging_handovers: [handover] } },
    ]);
    expect(result.unprojectedFields).toEqual(['messaging_handovers']);
  });

  it('keeps what it does not know of a standby change instead of dropping it', () => {
    const result = normalizeWebhook(webhook(['standby', { standby: { messages: [question], agent_notes: [{ note: 'x' }] }, something_new: 1 }]));
    expect(ofKind(result, 'change_event').map((e) => e.payload)).toEqual([{ agent_notes: [{ note: 'x' }] }, { something_new: 1 }]);
    expect(messages(result)).toHaveLength(1);
  });
});

describe('calls (Calling API)', () => {
  const CALL = 'wacid.calltest-1';

  it('maps the sample event: connect then terminate of a customer call, and a business call ringing', () => {
    const result = normalizeWebhook(readJson(path.join(eventsDir, 'calls-connect-terminate.json')));
    expect(result.issues).toEqual([]);
    const [connect, terminate, ringing] = calls(result);
    expect(connect).toMatchObject({ event: 'connect', direction: 'inbound', contactId: '34612345678', lineId: '106540352242922', startedAt: iso(1779274800) });
    expect(connect).not.toHaveProperty('endedAt');
    expect(terminate).toMatchObject({ event: 'terminate', status: 'COMPLETED', startedAt: iso(1779274806), endedAt: iso(1779275046), durationSeconds: 240, timestamp: iso(1779275046) });
    expect(ringing).toMatchObject({ event: 'status', status: 'RINGING', direction: 'outbound', contactId: '5511987654321' });
    expect(result.unprojectedFields).toEqual([]);
  });

  it('takes the customer from the callee of a business-initiated call, by BSUID when there is no number', () => {
    const result = normalizeWebhook(
      webhook([
        'calls',
        {
          calls: [
            { id: CALL, from: BUSINESS, to_user_id: 'BR.3300', event: 'terminate', direction: 'BUSINESS_INITIATED', timestamp: 1779340100, status: 'FAILED', duration: '0', errors: [{ code: 138006, title: 'Call rejected' }] },
          ],
        },
      ]),
    );
    expect(calls(result)).toEqual([
      {
        kind: 'call',
        id: CALL,
        lineId: LINE,
        contactId: 'BR.3300',
        contactUserId: 'BR.3300',
        direction: 'outbound',
        event: 'terminate',
        status: 'FAILED',
        endedAt: iso(1779340100),
        durationSeconds: 0,
        timestamp: iso(1779340100),
        errors: [{ code: 138006, title: 'Call rejected' }],
        payload: expect.objectContaining({ id: CALL }),
      },
    ]);
  });

  it('tells the direction from the business number when direction is missing, and reports it only when it cannot', () => {
    const result = normalizeWebhook(
      webhook([
        'calls',
        {
          calls: [
            { id: 'wacid.a', from: '5531991110010', to: BUSINESS, event: 'connect', timestamp: '1779340200' },
            { id: 'wacid.b', from: '1', to: '2', event: 'connect', timestamp: '1779340200' },
          ],
        },
      ]),
    );
    expect(calls(result).map((c) => [c.id, c.direction, c.contactId])).toEqual([
      ['wacid.a', 'inbound', '5531991110010'],
      ['wacid.b', undefined, '1'],
    ]);
    expect(result.issues).toEqual([expect.stringMatching(/wacid\.b\): call direction unknown/)]);
  });

  it('keeps a call without an id, a message status and anything else the change carries', () => {
    const result = normalizeWebhook(
      webhook([
        'calls',
        {
          calls: [{ event: 'connect', timestamp: '1779340300' }],
          statuses: [{ id: 'wamid.not-a-call', status: 'delivered', timestamp: '1779340300', recipient_id: '5531991110011' }],
          call_settings: { sip: true },
        },
      ]),
    );
    expect(calls(result)).toEqual([]);
    expect(statuses(result).map((s) => s.messageId)).toEqual(['wamid.not-a-call']);
    expect(ofKind(result, 'change_event').map((e) => e.payload)).toEqual([{ event: 'connect', timestamp: '1779340300' }, { call_settings: { sip: true } }]);
    expect(result.issues).toContainEqual(expect.stringContaining('call without an id'));
  });
});

describe('unprojectedFields', () => {
  it('names, once per change, each field kept only as change events', () => {
    const text = { from: '5531991110012', id: 'wamid.u1', timestamp: '1779350000', type: 'text', text: { body: 'oi' } };
    const result = normalizeWebhook(
      webhook(
        ['messages', { messages: [text] }],
        ['user_preferences', { user_preferences: [{ wa_id: '5531991110012', category: 'marketing_messages', value: 'stop', timestamp: 1779350000 }] }],
        ['account_update', { event: 'VERIFIED_ACCOUNT' }],
        ['a_field_from_2027', { anything: true }],
        ['account_update', { event: 'ACCOUNT_UPDATE' }],
        ['calls', {}],
      ),
    );
    expect(result.unprojectedFields).toEqual(['user_preferences', 'account_update', 'a_field_from_2027', 'account_update', 'calls']);
  });

  it('does not name a change kept as a change error (value.errors)', () => {
    const result = normalizeWebhook(webhook(['messages', { errors: [{ code: 130429, title: 'Rate limit hit' }] }]));
    expect(result.unprojectedFields).toEqual([]);
  });
});
