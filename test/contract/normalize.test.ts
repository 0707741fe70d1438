/**
 * Contract tests for the webhook normalizer: every public fixture in ../shared/whatsapp/fixtures
 * (read in place, never copied) and every sample in events/ must be accepted and archived.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  ChangeErrorRecord,
  ChangeEventRecord,
  ContactRecord,
  MessageRecord,
  NormalizedRecord,
  NormalizeResult,
  StatusRecord,
} from '../../shared/capture/records';
import { checkEnvelope } from '../../shared/capture/whatsapp/envelope';
import { normalizeWebhook } from '../../shared/capture/whatsapp/normalize';
import { eventsDir, fixturesDir, jsonFiles, readJson } from '../helpers/paths';

type Json = Record<string, any>;
const fixtureFiles = jsonFiles(fixturesDir);
const eventFiles = jsonFiles(eventsDir);
const allFiles = [
  ...fixtureFiles.map((f) => ({ name: `fixtures/${f}`, file: path.join(fixturesDir, f) })),
  ...eventFiles.map((f) => ({ name: `events/${f}`, file: path.join(eventsDir, f) })),
];

const fixture = (name: string) => readJson(path.join(fixturesDir, name));
const event = (name: string) => readJson(path.join(eventsDir, name));

type Kind = NormalizedRecord['kind'];
type RecordOf<K extends Kind> = Extract<NormalizedRecord, { kind: K }>;
function ofKind<K extends Kind>(result: NormalizeResult, kind: K): RecordOf<K>[] {
  return result.records.filter((r): r is RecordOf<K> => r.kind === kind);
}
const messages = (r: NormalizeResult): MessageRecord[] => ofKind(r, 'message');
const statuses = (r: NormalizeResult): StatusRecord[] => ofKind(r, 'status');
const contacts = (r: NormalizeResult): ContactRecord[] => ofKind(r, 'contact');
const changeErrors = (r: NormalizeResult): ChangeErrorRecord[] => ofKind(r, 'change_error');
const changeEvents = (r: NormalizeResult): ChangeEventRecord[] => ofKind(r, 'change_event');

/** The only message of a payload. */
function onlyMessage(payload: Json): MessageRecord {
  const found = messages(normalizeWebhook(payload));
  expect(found).toHaveLength(1);
  return found[0];
}

function isIso(ts: string): boolean {
  const d = new Date(ts);
  return !Number.isNaN(d.getTime()) && d.toISOString() === ts;
}

/** Every `value.metadata.phone_number_id` present in a payload. */
function phoneNumberIds(payload: Json): Set<string> {
  const ids = new Set<string>();
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      const id = change.value?.metadata?.phone_number_id;
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

describe('the sample corpus', () => {
  it('finds the shared fixtures and the own events', () => {
    expect(fixtureFiles.length).toBeGreaterThan(0);
    expect(eventFiles.length).toBeGreaterThanOrEqual(13);
  });
});

describe.each(allFiles)('$name', ({ file }) => {
  const payload = readJson(file);

  it('passes the envelope check', () => {
    expect(checkEnvelope(payload)).toEqual({ ok: true, envelope: payload });
  });

  it('normalizes into at least one record without throwing', () => {
    expect(() => normalizeWebhook(payload)).not.toThrow();
    expect(normalizeWebhook(payload).records.length).toBeGreaterThanOrEqual(1);
  });

  it('gives every message an id, a line, a type and an ISO timestamp', () => {
    for (const m of messages(normalizeWebhook(payload))) {
      expect(m.id).toEqual(expect.any(String));
      expect(m.id).not.toBe('');
      expect(m.lineId).toEqual(expect.any(String));
      expect(m.lineId).not.toBe('');
      expect(m.type).toEqual(expect.any(String));
      expect(m.type).not.toBe('');
      expect(isIso(m.timestamp)).toBe(true);
      expect(m.payload).toEqual(expect.any(Object));
    }
  });

  it('gives every status an ISO timestamp', () => {
    for (const s of statuses(normalizeWebhook(payload))) {
      expect(isIso(s.timestamp)).toBe(true);
    }
  });

  it('routes records by metadata.phone_number_id', () => {
    const ids = phoneNumberIds(payload);
    for (const r of normalizeWebhook(payload).records) {
      if (r.lineId !== undefined) expect(ids.has(r.lineId)).toBe(true);
    }
  });

  it('leaves no undefined values in the records', () => {
    for (const r of normalizeWebhook(payload).records) {
      expect(Object.values(r)).not.toContain(undefined);
    }
  });
});

describe.each(eventFiles)('events/%s', (name) => {
  it('normalizes without issues', () => {
    expect(normalizeWebhook(event(name)).issues).toEqual([]);
  });
});

describe('checkEnvelope', () => {
  it.each([
    ['an array', [], 'JSON object'],
    ['an empty object', {}, '"object" must be "whatsapp_business_account"'],
    ['another object type', { object: 'page', entry: [] }, '"object" must be "whatsapp_business_account"'],
    ['a string body', 'whatsapp_business_account', 'JSON object'],
    ['an entry that is not an array', { object: 'whatsapp_business_account', entry: {} }, '"entry" must be an array'],
    ['an entry item that is not an object', { object: 'whatsapp_business_account', entry: [7] }, 'entry[0]'],
    [
      'changes that are not an array',
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: null }] },
      'entry[0].changes must be an array',
    ],
    [
      'a change without field',
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ value: {} }] }] },
      'entry[0].changes[0].field',
    ],
    [
      'a second change without field',
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages' }, { field: 3 }] }] },
      'entry[0].changes[1].field',
    ],
  ])('rejects %s with a reason', (_label, json, reason) => {
    const result = checkEnvelope(json);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toEqual(expect.any(String));
      expect(result.reason).toContain(reason);
    }
  });

  it('accepts an envelope whose values are malformed', () => {
    const json = { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: 42 }] }] };
    expect(checkEnvelope(json).ok).toBe(true);
  });

  it('accepts an envelope with no entries', () => {
    expect(checkEnvelope({ object: 'whatsapp_business_account', entry: [] }).ok).toBe(true);
  });
});

describe('normalizeWebhook: messages field', () => {
  it('yields one message per change when one entry has two changes', () => {
    const result = normalizeWebhook(fixture('netflie-whatsapp-cloud-api__multiple_changes_two_text_messages.json'));
    expect(messages(result).map((m) => m.text)).toEqual(['MESSAGE_BODY', 'MESSAGE_BODY2']);
  });

  it('maps an inbound text with line, WABA, contact and ISO time', () => {
    const payload = event('text-inbound.json');
    const m = onlyMessage(payload);
    expect(m).toMatchObject({
      kind: 'message',
      id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDFGNUQ3QjJFODlDNDM5QUJCAA==',
      lineId: '106540352242922',
      lineDisplayNumber: '5511940000001',
      wabaId: '204981736452910',
      contactId: '5511987654321',
      contactUserId: 'BR.40918275563019284756',
      direction: 'inbound',
      source: 'cloud_api',
      type: 'text',
      timestamp: '2026-05-19T11:30:00.000Z',
    });
    expect(m.text).toContain('50 licenças');
  });

  it('keeps the message payload exactly as received', () => {
    const payload = event('text-inbound.json');
    const raw = payload.entry[0].changes[0].value.messages[0];
    expect(onlyMessage(payload).payload).toEqual(raw);
  });

  it('uses the line (phone_number_id), not the WABA id, as lineId', () => {
    const m = onlyMessage(fixture('pywa__message_text.json'));
    expect(m.lineId).toBe('1122334455667');
    expect(m.wabaId).toBe('1234567890987654321');
  });

  it('uses the BSUID as contactId when the message has no from', () => {
    const m = onlyMessage(fixture('netflie-whatsapp-cloud-api__text_bsuid_only_no_from.json'));
    expect(m.contactId).toBe('BSUID_123');
    expect(m.contactUserId).toBe('BSUID_123');
  });

  it('reads the BSUID from from_user_id', () => {
    const m = onlyMessage(fixture('pywa__callback_button_quick_reply_without_context.json'));
    expect(m.contactId).toBe('972987654321');
    expect(m.contactUserId).toBe('US.13491208655302741918');
  });

  it('falls back to the contact user_id when wa_id is an empty string', () => {
    const payload = event('text-inbound.json');
    const value = payload.entry[0].changes[0].value;
    value.contacts[0].wa_id = '';
    delete value.messages[0].from;
    delete value.messages[0].from_user_id;
    const result = normalizeWebhook(payload);
    expect(messages(result)[0].contactId).toBe('BR.40918275563019284756');
    expect(contacts(result)[0]).toMatchObject({ contactId: 'BR.40918275563019284756', userId: 'BR.40918275563019284756' });
    expect(contacts(result)[0]).not.toHaveProperty('waId');
  });

  it('emits the sender profile as a webhook contact', () => {
    const result = normalizeWebhook(event('text-inbound.json'));
    expect(contacts(result)).toEqual([
      {
        kind: 'contact',
        lineId: '106540352242922',
        contactId: '5511987654321',
        waId: '5511987654321',
        userId: 'BR.40918275563019284756',
        parentUserId: 'BR.ENT.77120938475610293847',
        name: 'Mariana Souza',
        username: 'mariana.compras',
        countryCode: 'BR',
        origin: 'webhook',
        timestamp: messages(result)[0].timestamp,
      },
    ]);
  });

  it('emits a contact that has no profile', () => {
    const result = normalizeWebhook(fixture('netflie-whatsapp-cloud-api__text_contact_without_profile.json'));
    expect(contacts(result)).toEqual([
      { kind: 'contact', lineId: 'PHONE_NUMBER_ID', contactId: 'PHONE_NUMBER', waId: 'PHONE_NUMBER', origin: 'webhook', timestamp: messages(result)[0].timestamp },
    ]);
  });

  it.each([
    ['fixtures', 'pywa__message_unreaction_no_emoji.json'],
    ['fixtures', 'pywa__message_unreaction_empty.json'],
    ['fixtures', 'netflie-whatsapp-cloud-api__reaction_removed_no_emoji.json'],
    ['events', 'reaction-removed.json'],
  ])('records a removed reaction (%s/%s) with emoji ""', (dir, name) => {
    const m = onlyMessage(dir === 'events' ? event(name) : fixture(name));
    expect(m.type).toBe('reaction');
    expect(m.emoji).toBe('');
    expect(m.reactionTo).toEqual(expect.any(String));
  });

  it('records a reaction with its emoji and target', () => {
    const m = onlyMessage(fixture('pywa__message_reaction.json'));
    expect(m).toMatchObject({ reactionTo: 'wamid.yzxyzx=', emoji: '😮' });
  });

  it.each(['pywa__flow_completion_completion.json', 'pywa__flow_completion_without_flow_token.json'])(
    'keeps nfm_reply.response_json as a string (%s)',
    (name) => {
      const payload = fixture(name);
      const original = payload.entry[0].changes[0].value.messages[0].interactive.nfm_reply.response_json;
      const m = onlyMessage(payload);
      const kept = (m.payload.interactive as Json).nfm_reply.response_json;
      expect(typeof kept).toBe('string');
      expect(kept).toBe(original);
      expect(m.text).toBe('Sent');
    },
  );

  it.each([
    ['pywa__callback_button_button.json', 'title'],
    ['pywa__callback_selection_description.json', 'title'],
    ['pywa__callback_button_quick_reply.json', 'title'],
    ['bindambc-whatsapp-business-java-api__button_quick_reply.json', 'SIM'],
    ['pywa__system_identity_change.json', 'User identity changed'],
    ['pywa__message_chosen_location.json', 'Facebook HQ, 1 Hacker Way, Menlo Park, CA 94025'],
    ['bindambc-whatsapp-business-java-api__video_with_caption.json', 'hello world'],
  ])('takes the text of %s from its type-specific body', (name, text) => {
    expect(onlyMessage(fixture(name)).text).toBe(text);
  });

  it('keeps call permission replies with their interactive body', () => {
    const m = onlyMessage(fixture('pywa__call_permission_update_accept.json'));
    expect(m.type).toBe('interactive');
    expect((m.payload.interactive as Json).call_permission_reply.response).toBe('accept');
  });

  it.each([
    'bindambc-whatsapp-business-java-api__unsupported_user_deleted_message_131051.json',
    'pywa__message_unsupported.json',
    'pywa__message_unsupported_with_type.json',
  ])('keeps the errors of an unsupported message (%s)', (name) => {
    const m = onlyMessage(fixture(name));
    expect(m.type).toBe('unsupported');
    expect(m.errors).toEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
      },
    ]);
  });

  it('keeps the legacy "unknown" type and reads its top-level details', () => {
    const m = onlyMessage(fixture('netflie-whatsapp-cloud-api__unknown_type_legacy_errors.json'));
    expect(m.type).toBe('unknown');
    expect(m.errors).toEqual([
      { code: 131051, title: 'Unsupported message type', details: 'Message type is not currently supported' },
    ]);
  });

  it('keeps a message of an undocumented type with its body', () => {
    const payload = event('unknown-type.json');
    const result = normalizeWebhook(payload);
    const [m] = messages(result);
    expect(m.type).toBe('poll');
    expect(m.payload).toEqual(payload.entry[0].changes[0].value.messages[0]);
    expect((m.payload.poll as Json).options).toHaveLength(2);
    expect(result.issues).toEqual([]);
  });

  it.each([
    ['pywa__message_forwarded.json', { forwarded: true }],
    ['pywa__message_forwarded_many_times.json', { frequentlyForwarded: true }],
    ['netflie-whatsapp-cloud-api__button_with_referral_and_referred_product.json', { forwarded: true, frequentlyForwarded: true }],
  ])('carries the forwarding flags of %s', (name, flags) => {
    expect(onlyMessage(fixture(name))).toMatchObject(flags);
  });

  it('carries the reply context', () => {
    const m = onlyMessage(fixture('pywa__message_reply.json'));
    expect(m).toMatchObject({ contextId: 'wamid.xyzxyz==', contextFrom: '972123456789' });
  });

  it('keeps the ad referral object', () => {
    const payload = fixture('pywa__message_referral.json');
    const m = onlyMessage(payload);
    expect(m.referral).toEqual(payload.entry[0].changes[0].value.messages[0].referral);
    expect(m.referral?.ctwa_clid).toBe('CTWA_CLID');
  });

  it('keeps the referral and referred product of a template button reply', () => {
    const m = onlyMessage(fixture('netflie-whatsapp-cloud-api__button_with_referral_and_referred_product.json'));
    expect(m.referral).toMatchObject({ source_id: 'ADID', headline: 'AD_TITLE' });
    expect((m.payload.context as Json).referred_product).toEqual({ catalog_id: 'CATALOG_ID', product_retailer_id: 'PRODUCT_ID' });
    expect(m.timestamp).toBe('2022-11-23T20:02:58.000Z');
  });

  it('puts document filename, MIME type and sha256 in media', () => {
    const m = onlyMessage(fixture('bindambc-whatsapp-business-java-api__document_no_caption.json'));
    expect(m.media).toEqual({
      mediaId: '848704520347750',
      mimeType: 'application/pdf',
      sha256: 'mu/J5jGsroQM3Tbn4c6StBJG4C4glbTi8gT4jhRHSt0=',
      filename: '4_641947.pdf',
    });
    expect(m.text).toBeUndefined();
  });

  it('keeps a non-ASCII filename and a hex sha256 as sent', () => {
    const m = onlyMessage(event('document-inbound.json'));
    expect(m.media).toMatchObject({
      filename: 'Cotización_Ferretería_Sánchez_2026-05.pdf',
      sha256: '3f1c9e7a52b04d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a',
    });
    expect(m.text).toBe(m.media?.caption);
  });

  it('does not store the temporary media url', () => {
    const m = onlyMessage(event('image-inbound.json'));
    expect(m.media).toEqual({
      mediaId: '1873920465510293',
      mimeType: 'image/jpeg',
      sha256: 'k7Qm2ZJ0vX1sN4bP9cR8tY3uW6eA5dF2gH1jK0lM9nO=',
      caption: 'Segue o pedido de compra PC-2026-0418 assinado pela diretoria.',
    });
  });

  it.each([
    ['bindambc-whatsapp-business-java-api__audio_voice_note.json', { voice: true }],
    ['pywa__message_audio.json', { voice: false }],
    ['pywa__message_animated_sticker.json', { animated: true, mimeType: 'image/webp' }],
    ['bindambc-whatsapp-business-java-api__sticker_static.json', { animated: false }],
  ])('carries the media flags of %s', (name, flags) => {
    expect(onlyMessage(fixture(name)).media).toMatchObject(flags);
  });

  it('gives a system message (no value.contacts) the sender as contactId', () => {
    const m = onlyMessage(fixture('pywa__system_phone_number_change.json'));
    expect(m).toMatchObject({
      type: 'system',
      contactId: '972987654321',
      text: 'User A changed from 972987654321 to 972912345678',
    });
  });

  it('reads a numeric timestamp on a legacy system message', () => {
    const m = onlyMessage(fixture('netflie-whatsapp-cloud-api__system_user_changed_number_with_customer.json'));
    expect(m).toMatchObject({ contactId: 'PHONE_NUMBER', timestamp: '2022-11-23T20:02:58.000Z' });
    expect((m.payload.system as Json).customer).toBe('OLD_PHONE_NUMBER_ID');
  });

  it('keeps order items in the payload and ignores the empty order text', () => {
    const m = onlyMessage(fixture('pywa__message_order.json'));
    const items = (m.payload.order as Json).product_items;
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ product_retailer_id: 'HAMBURGER', quantity: 3, item_price: 30, currency: 'ILS' });
    expect(m.text).toBeUndefined();
  });

  it('records an inbound revoke', () => {
    const m = onlyMessage(fixture('pywa__deleted_message_revoke.json'));
    expect(m).toMatchObject({ type: 'revoke', direction: 'inbound', revokes: '<ORIGINAL_WHATSAPP_MESSAGE_ID>' });
  });

  it('records an inbound edit with the new media and caption', () => {
    const m = onlyMessage(fixture('pywa__edited_message_image.json'));
    expect(m).toMatchObject({
      type: 'edit',
      editOf: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
      text: 'Updated image caption',
      media: { mediaId: '1234567890', mimeType: 'image/jpeg', sha256: 'a1b2c3d4e5f6...' },
    });
  });

  it('emits a message whose body is missing, reports it, and keeps the change-level error', () => {
    const result = normalizeWebhook(fixture('pywa__message_interactive_message_with_err.json'));
    expect(messages(result)).toHaveLength(1);
    expect(messages(result)[0]).toMatchObject({ id: 'wamid.wegrchytvwcggt=', type: 'interactive' });
    expect(changeErrors(result)).toEqual([
      {
        kind: 'change_error',
        field: 'messages',
        lineId: '1122334455667',
        errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong', details: 'Unsupported webhook payload' }],
      },
    ]);
    expect(result.issues).toEqual([expect.stringContaining('interactive: missing')]);
  });

  it('records value.errors (130429) as a change error', () => {
    const result = normalizeWebhook(event('change-errors.json'));
    expect(result.records).toEqual([
      {
        kind: 'change_error',
        field: 'messages',
        lineId: '106540352242923',
        errors: [
          {
            code: 130429,
            title: 'Rate limit hit',
            message: 'Rate limit hit',
            details: 'Cloud API message throughput has been reached for this phone number.',
            href: '/docs/whatsapp/cloud-api/support/error-codes/',
          },
        ],
      },
    ]);
  });
});

describe('normalizeWebhook: statuses', () => {
  it('emits every status of a batch in order', () => {
    const result = normalizeWebhook(event('statuses-batch.json'));
    const first = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QzJBOTE3RjBFNDhCMjNEOQA=';
    const second = 'wamid.HBgNNTUyMTk5ODc2NTQzMhUCABEYEjg4RjFCMkQ3QTAzQzQ5RTVGMQA=';
    expect(statuses(result).map((s) => [s.messageId, s.status])).toEqual([
      [first, 'sent'],
      [first, 'delivered'],
      [first, 'read'],
      [second, 'sent'],
      [second, 'delivered'],
      [second, 'read'],
    ]);
    expect(statuses(result)[0]).toMatchObject({
      lineId: '106540352242922',
      recipientId: '5511987654321',
      recipientUserId: 'BR.40918275563019284756',
      pricing: { pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
      conversation: { id: 'c0a8f3e21d9b4e7f8a6c5d4b3a291807', expiration_timestamp: '1779280200' },
    });
  });

  it('takes the group participant from recipient_participant_id', () => {
    const [s] = statuses(normalizeWebhook(fixture('pywa__message_status_group.json')));
    expect(s).toMatchObject({
      status: 'read',
      recipientId: 'fowefinoewcnw',
      recipientParticipantId: '<GROUP_PARTICIPANT_USER_PHONE_NUMBER>',
    });
  });

  it('takes the group participant from the misspelled participant_recipient_id', () => {
    const payload = fixture('pywa__message_status_group.json');
    const status = payload.entry[0].changes[0].value.statuses[0];
    status.participant_recipient_id = status.recipient_participant_id;
    delete status.recipient_participant_id;
    const [s] = statuses(normalizeWebhook(payload));
    expect(s.recipientParticipantId).toBe('<GROUP_PARTICIPANT_USER_PHONE_NUMBER>');
  });

  it('accepts a numeric conversation expiration_timestamp', () => {
    const result = normalizeWebhook(fixture('netflie-whatsapp-cloud-api__status_read_user_initiated_numeric_expiration.json'));
    expect(result.issues).toEqual([]);
    expect(statuses(result)[0]).toMatchObject({
      status: 'read',
      timestamp: '2022-11-23T20:02:58.000Z',
      conversation: { expiration_timestamp: 1669233778 },
    });
  });

  it.each([
    ['bindambc-whatsapp-business-java-api__status_failed_131047_reengagement.json', 131047],
    ['bindambc-whatsapp-business-java-api__status_failed_131053_media_upload.json', 131053],
    ['netflie-whatsapp-cloud-api__status_failed_131053_minimal.json', 131053],
    ['pywa__message_status_failed.json', 130472],
  ])('keeps the errors of failed status %s', (name, code) => {
    const [s] = statuses(normalizeWebhook(fixture(name)));
    expect(s.status).toBe('failed');
    expect(s.errors?.[0].code).toBe(code);
  });

  it('flattens error_data.details and keeps href', () => {
    const [s] = statuses(normalizeWebhook(fixture('bindambc-whatsapp-business-java-api__status_failed_131047_reengagement.json')));
    expect(s.errors?.[0]).toMatchObject({
      details: expect.stringContaining('more than 24 hours'),
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    });
  });

  it('keeps the raw status including biz_opaque_callback_data', () => {
    const [s] = statuses(normalizeWebhook(fixture('pywa__message_status_with_tracker.json')));
    expect(s.payload.biz_opaque_callback_data).toBe('some data');
  });
});

describe('normalizeWebhook: smb_message_echoes', () => {
  it('records an echo as outbound from the business app, addressed to "to"', () => {
    const m = onlyMessage(event('echo-text.json'));
    expect(m).toMatchObject({
      direction: 'outbound',
      source: 'business_app',
      contactId: '5511987654321',
      contactUserId: 'BR.40918275563019284756',
      type: 'text',
    });
  });

  it('records the pywa outgoing text as outbound with contactId = to', () => {
    const m = onlyMessage(fixture('pywa__outgoing_message_text.json'));
    expect(m).toMatchObject({
      direction: 'outbound',
      source: 'business_app',
      contactId: '<WHATSAPP_USER_PHONE_NUMBER>',
      contactUserId: '<BSUID>',
      text: 'Test message',
    });
  });

  it('records an edit echo with editOf and the new text', () => {
    const m = onlyMessage(event('echo-edit.json'));
    expect(m).toMatchObject({
      type: 'edit',
      direction: 'outbound',
      editOf: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjc3QTFEOUUwQjRGMjM4QzVBNwA=',
    });
    expect(m.text).toContain('até as 17h');
  });

  it('records a revoke echo with revokes and a numeric timestamp', () => {
    const m = onlyMessage(event('echo-revoke.json'));
    expect(m).toMatchObject({
      type: 'revoke',
      source: 'business_app',
      contactId: '34612345678',
      revokes: 'wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBJBMkI0QzZEOEUwRjEyMzQ1NjcA',
      timestamp: '2026-05-19T12:00:00.000Z',
    });
  });

  it.each([
    ['pywa__outgoing_message_delete.json', { type: 'revoke', revokes: 'wamid.zzzzzz' }],
    ['pywa__outgoing_message_edit.json', { type: 'edit', editOf: 'wamid.zzzzzz', text: 'Text was edited' }],
  ])('takes the customer from "from" when "to" is the business number (%s)', (name, expected) => {
    const result = normalizeWebhook(fixture(name));
    expect(messages(result)[0]).toMatchObject({ ...expected, direction: 'outbound', contactId: '972987654321' });
    expect(result.issues).toEqual([expect.stringContaining('"to" is the business number')]);
  });
});

describe('normalizeWebhook: history', () => {
  const result = normalizeWebhook(event('history-chunk.json'));

  it('records thread messages as history, inbound and outbound', () => {
    expect(messages(result).map((m) => [m.contactId, m.direction, m.source, m.type, m.historyStatus])).toEqual([
      ['5511987654321', 'inbound', 'history', 'text', 'READ'],
      ['5511987654321', 'outbound', 'history', 'text', 'READ'],
      ['5511987654321', 'inbound', 'history', 'media_placeholder', 'DELIVERED'],
      ['5215512345678', 'outbound', 'history', 'text', 'DELIVERED'],
      ['5215512345678', 'inbound', 'history', 'text', 'READ'],
    ]);
  });

  it('records the chunk metadata as a history change event', () => {
    expect(changeEvents(result)).toEqual([
      { kind: 'change_event', field: 'history', lineId: '106540352242922', payload: { phase: 1, chunk_order: 3, progress: 45 } },
    ]);
  });

  it('treats a thread message from someone other than the thread id as outbound', () => {
    const payload = event('history-chunk.json');
    const thread = payload.entry[0].changes[0].value.history[0].threads[1];
    thread.messages[0].from = 'some-companion-device';
    expect(messages(normalizeWebhook(payload))[3].direction).toBe('outbound');
  });

  it('records the media follow-up messages as history', () => {
    const m = onlyMessage(event('history-media-followup.json'));
    expect(m).toMatchObject({
      source: 'history',
      direction: 'inbound',
      contactId: '5511987654321',
      type: 'image',
      media: { mediaId: '4410293857163920' },
      historyStatus: 'DELIVERED',
    });
  });

  it('records a declined history sync (2593109) as a change error', () => {
    const declined = normalizeWebhook(event('history-declined.json'));
    expect(declined.records).toEqual([
      {
        kind: 'change_error',
        field: 'history',
        lineId: '106540352242923',
        errors: [
          {
            code: 2593109,
            title: 'History sync is turned off by the business from the WhatsApp Business App',
            message: 'History sync is turned off by the business from the WhatsApp Business App',
            details: 'The business declined to share chat history with the solution partner.',
          },
        ],
      },
    ]);
  });
});

describe('normalizeWebhook: smb_app_state_sync', () => {
  it('records contact-book adds and removes', () => {
    const result = normalizeWebhook(event('state-sync-contacts.json'));
    expect(result.records).toEqual([
      {
        kind: 'contact',
        lineId: '106540352242922',
        contactId: '5511987654321',
        name: 'Mariana Souza (Compras – Grupo Vértice)',
        origin: 'state_sync',
        action: 'add',
        timestamp: '2026-05-19T11:00:00.000Z',
      },
      {
        kind: 'contact',
        lineId: '106540352242922',
        contactId: '5531991234567',
        origin: 'state_sync',
        action: 'remove',
        timestamp: '2026-05-19T11:01:00.000Z',
      },
    ]);
  });
});

describe('normalizeWebhook: other fields', () => {
  it.each(['pywa__user_marketing_preferences_signup.json', 'pywa__user_marketing_preferences_resume.json'])(
    'keeps user_preferences (%s) as one change event',
    (name) => {
      const payload = fixture(name);
      const result = normalizeWebhook(payload);
      expect(result.records).toEqual([
        {
          kind: 'change_event',
          field: 'user_preferences',
          lineId: '106540352242922',
          payload: payload.entry[0].changes[0].value,
        },
      ]);
    },
  );

  it('keeps an account_update without metadata as a change event', () => {
    const payload = event('account-update.json');
    expect(normalizeWebhook(payload).records).toEqual([
      { kind: 'change_event', field: 'account_update', payload: payload.entry[0].changes[0].value },
    ]);
  });

  it('never drops an unknown field: the payload deep-equals the value', () => {
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '5511940000001', phone_number_id: '106540352242922' },
      calls: [{ id: 'wacid.HBgNNTUxMTk4', event: 'connect', direction: 'USER_INITIATED', nested: { deep: [1, { x: null }] } }],
    };
    const result = normalizeWebhook({
      object: 'whatsapp_business_account',
      entry: [{ id: '204981736452910', changes: [{ field: 'a_field_meta_adds_next_year', value: structuredClone(value) }] }],
    });
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ kind: 'change_event', field: 'a_field_meta_adds_next_year', lineId: '106540352242922' });
    expect((result.records[0] as ChangeEventRecord).payload).toEqual(value);
  });
});

describe('normalizeWebhook: damaged input', () => {
  const envelope = (field: string, value: unknown) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '204981736452910', changes: [{ field, value }] }],
  });
  const metadata = { display_phone_number: '5511940000001', phone_number_id: '106540352242922' };

  it('returns an issue instead of throwing for a rejected envelope', () => {
    expect(normalizeWebhook({ object: 'page', entry: [] })).toEqual({
      records: [],
      issues: ['envelope rejected: "object" must be "whatsapp_business_account"'],
      unprojectedFields: [],
    });
  });

  it('keeps a message without an id as a change event and reports it', () => {
    const raw = { from: '5511987654321', timestamp: '1779190200', type: 'text', text: { body: 'Olá' } };
    const result = normalizeWebhook(envelope('messages', { metadata, messages: [raw] }));
    expect(messages(result)).toEqual([]);
    expect(changeEvents(result)).toEqual([{ kind: 'change_event', field: 'messages', lineId: '106540352242922', payload: raw }]);
    expect(result.issues).toContainEqual(expect.stringContaining('without an id'));
  });

  it('keeps a status without an id as a change event and reports it', () => {
    const raw = { status: 'read', timestamp: '1779190200' };
    const result = normalizeWebhook(envelope('messages', { metadata, statuses: [raw] }));
    expect(changeEvents(result)[0].payload).toEqual(raw);
    expect(result.issues).toContainEqual(expect.stringContaining('without an id'));
  });

  it('emits a message with an unreadable timestamp at the epoch and reports it', () => {
    const raw = { from: '5511987654321', id: 'wamid.X1', timestamp: 'yesterday', type: 'text', text: { body: 'Olá' } };
    const result = normalizeWebhook(envelope('messages', { metadata, messages: [raw] }));
    expect(messages(result)[0]).toMatchObject({ id: 'wamid.X1', text: 'Olá', timestamp: '1970-01-01T00:00:00.000Z' });
    expect(result.issues).toContainEqual(expect.stringContaining('timestamp'));
  });

  it('emits a known type with a malformed body using what can be read', () => {
    const raw = { from: '5511987654321', id: 'wamid.X2', timestamp: 1779190200, type: 'image', image: { caption: 'sem id' } };
    const result = normalizeWebhook(envelope('messages', { metadata, messages: [raw] }));
    expect(messages(result)[0]).toMatchObject({ id: 'wamid.X2', type: 'image', text: 'sem id', payload: raw });
    expect(messages(result)[0].media).toBeUndefined();
    expect(result.issues).toEqual([expect.stringContaining('image.id')]);
  });

  it('keeps a known field without metadata as a change event', () => {
    const value = { messages: [{ id: 'wamid.X3', timestamp: '1779190200', type: 'text', text: { body: 'Olá' } }] };
    const result = normalizeWebhook(envelope('messages', value));
    expect(result.records).toEqual([{ kind: 'change_event', field: 'messages', payload: value }]);
    expect(result.issues).toEqual([expect.stringContaining('phone_number_id')]);
  });

  it('keeps the whole value when an array field is not an array', () => {
    const value = { metadata, messages: { id: 'wamid.X4' } };
    const result = normalizeWebhook(envelope('messages', value));
    expect(changeEvents(result)).toEqual([{ kind: 'change_event', field: 'messages', lineId: '106540352242922', payload: value }]);
  });

  it('keeps a value that is not an object', () => {
    const result = normalizeWebhook(envelope('messages', 'not an object'));
    expect(result.records).toEqual([{ kind: 'change_event', field: 'messages', payload: { value: 'not an object' } }]);
  });

  it('keeps a state-sync item that is not a contact as a change event', () => {
    const raw = { type: 'label', label: { name: 'Cliente VIP' }, action: 'add', metadata: { timestamp: '1779188400' } };
    const result = normalizeWebhook(envelope('smb_app_state_sync', { metadata, state_sync: [raw] }));
    expect(changeEvents(result)[0].payload).toEqual(raw);
  });

  // Wrapped in arrays: it.each would otherwise spread array values into arguments.
  it.each([null, 0, 'x', [], {}, [null], { metadata: null }, { metadata, messages: [null, 5, 'x'] }].map((v) => [v]))(
    'does not throw for value %j',
    (value) => {
      for (const field of ['messages', 'smb_message_echoes', 'history', 'smb_app_state_sync', 'calls']) {
        expect(() => normalizeWebhook(envelope(field, value))).not.toThrow();
        expect(normalizeWebhook(envelope(field, value)).records.length).toBeGreaterThanOrEqual(1);
      }
    },
  );
});

describe('normalizeWebhook: dating and flags', () => {
  const change = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: 'L1' }, ...value } }] }],
  });

  it('dates a webhook contact profile with the newest message from that contact', () => {
    const { records } = normalizeWebhook(
      change({
        contacts: [{ profile: { name: 'Maria' }, wa_id: '5511' }, { profile: { name: 'João' }, wa_id: '5522' }],
        messages: [
          { from: '5511', id: 'a', timestamp: '1764300000', type: 'text', text: { body: 'x' } },
          { from: '5511', id: 'b', timestamp: '1764300060', type: 'text', text: { body: 'y' } },
          { from: '5522', id: 'c', timestamp: '1764300030', type: 'text', text: { body: 'z' } },
        ],
      }),
    );
    const contacts = records.filter((record): record is ContactRecord => record.kind === 'contact');
    expect(contacts.map((contact) => [contact.contactId, contact.timestamp])).toEqual([
      ['5511', new Date(1764300060_000).toISOString()],
      ['5522', new Date(1764300030_000).toISOString()],
    ]);
  });

  it('records unsupported.type so edits delivered as unsupported can be told apart', () => {
    const { records } = normalizeWebhook(
      change({ messages: [{ from: '5511', id: 'u', timestamp: '1764300000', type: 'unsupported', unsupported: { type: 'edit' }, errors: [{ code: 131051, title: 'Message type unknown' }] }] }),
    );
    expect(records[0]).toMatchObject({ kind: 'message', type: 'unsupported', unsupportedType: 'edit', errors: [{ code: 131051 }] });
  });
});
