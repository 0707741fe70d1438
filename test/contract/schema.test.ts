/** Contract tests for the zod schemas of shared/capture/whatsapp/schema.ts. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InteractiveSchema,
  messageSchemaFor,
  OtherMessageSchema,
  StatusSchema,
  TimestampSchema,
  WebhookChangeSchema,
  WebhookMessageSchema,
  WebhookNotificationSchema,
} from '../../shared/capture/whatsapp/schema';
import { eventsDir, jsonFiles, readJson } from '../helpers/paths';

const eventFiles = jsonFiles(eventsDir);
const readEvent = (name: string) => readJson(path.join(eventsDir, name));

const text = { from: '5511987654321', id: 'wamid.A', timestamp: '1779190200', type: 'text', text: { body: 'Olá' } };

describe('WebhookNotificationSchema', () => {
  it.each(eventFiles)('accepts events/%s', (name) => {
    expect(WebhookNotificationSchema.safeParse(readEvent(name)).success).toBe(true);
  });

  it('keeps fields it does not know', () => {
    const parsed = WebhookNotificationSchema.parse(readEvent('unknown-type.json'));
    const change = parsed.entry[0].changes[0] as { value: { messages: Record<string, unknown>[] } };
    expect(change.value.messages[0].poll).toEqual(expect.objectContaining({ allow_multiple_answers: false }));
  });
});

describe('WebhookMessageSchema', () => {
  it('accepts a message of an unknown type', () => {
    expect(WebhookMessageSchema.safeParse({ ...text, type: 'poll', poll: { question: '?' } }).success).toBe(true);
  });

  it('rejects a known type whose body is missing', () => {
    expect(WebhookMessageSchema.safeParse({ ...text, type: 'image' }).success).toBe(false);
  });

  it('accepts a reaction without emoji and with an empty emoji', () => {
    const reaction = { ...text, type: 'reaction', reaction: { message_id: 'wamid.B' } };
    expect(WebhookMessageSchema.safeParse(reaction).success).toBe(true);
    expect(WebhookMessageSchema.safeParse({ ...reaction, reaction: { message_id: 'wamid.B', emoji: '' } }).success).toBe(true);
  });

  it('accepts a message without from (BSUID-only sender)', () => {
    const { from: _from, ...bsuidOnly } = text;
    expect(WebhookMessageSchema.safeParse({ ...bsuidOnly, from_user_id: 'BR.1' }).success).toBe(true);
  });

  it('picks the type-specific schema, or the fallback for unknown types', () => {
    expect(messageSchemaFor('text').safeParse(text).success).toBe(true);
    expect(messageSchemaFor('text').safeParse({ ...text, text: {} }).success).toBe(false);
    expect(messageSchemaFor('poll')).toBe(OtherMessageSchema);
    expect(messageSchemaFor(undefined)).toBe(OtherMessageSchema);
  });
});

describe('InteractiveSchema', () => {
  it('requires nfm_reply.response_json to be a string', () => {
    const reply = (response_json: unknown) => ({ type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json } });
    expect(InteractiveSchema.safeParse(reply('{"flow_token":"x"}')).success).toBe(true);
    expect(InteractiveSchema.safeParse(reply({ flow_token: 'x' })).success).toBe(false);
  });

  it('accepts an interactive type it does not know', () => {
    expect(InteractiveSchema.safeParse({ type: 'carousel_reply', carousel_reply: {} }).success).toBe(true);
  });
});

describe('TimestampSchema', () => {
  it.each(['1779190200', 1779190200])('accepts %j', (ts) => {
    expect(TimestampSchema.safeParse(ts).success).toBe(true);
  });

  it.each(['yesterday', '', -1, null])('rejects %j', (ts) => {
    expect(TimestampSchema.safeParse(ts).success).toBe(false);
  });
});

describe('StatusSchema', () => {
  it('accepts the misspelled participant_recipient_id and a numeric expiration', () => {
    const status = {
      id: 'wamid.C',
      status: 'read',
      timestamp: '1779190200',
      recipient_id: '120363025246125486@g.us',
      recipient_type: 'group',
      participant_recipient_id: '5511987654321',
      conversation: { id: 'c1', expiration_timestamp: 1779280200, origin: { type: 'service' } },
    };
    expect(StatusSchema.parse(status)).toEqual(status);
  });
});

describe('WebhookChangeSchema', () => {
  it('passes an unknown field through untouched', () => {
    const change = { field: 'account_alerts', value: { entity_type: 'WABA', alert_info: { alert_severity: 'INFORMATIONAL' } } };
    expect(WebhookChangeSchema.parse(change)).toEqual(change);
  });

  it('validates a known field against its value schema', () => {
    expect(WebhookChangeSchema.safeParse({ field: 'smb_app_state_sync', value: {} }).success).toBe(false);
  });
});
