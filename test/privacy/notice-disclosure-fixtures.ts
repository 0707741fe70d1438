import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestStack } from '../helpers/local-stack';

/** The corporate line of the privacy tests (Ana Souza). */
export const LINE = '106540352242922';
export const OTHER_LINE = '106540352242923';

export const DISCLOSURE_TEXT = {
  pt: 'Esta conversa é registrada e supervisionada pela empresa.',
  es: 'Esta conversación es registrada y supervisada por la empresa.',
  en: 'This conversation is recorded and supervised by the company.',
};

/** A config file of their own for the privacy tests (written to a temporary directory). */
export function privacyConfigFile(privacyYaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigia-privacy-config-')), 'vigia.config.yaml');
  writeFileSync(
    file,
    `lines:
  - { phoneNumberId: "${LINE}", employee: Ana Souza, team: ventas, email: ana@example.com }
  - { phoneNumberId: "${OTHER_LINE}", employee: Bruno Lima, team: ventas }
teams:
  - id: ventas
    managers:
      - { name: Carla Lima, email: carla@example.com }
${privacyYaml}`,
  );
  return file;
}

let counter = 0;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A unique Brazilian mobile number per call. */
export function newContact(prefix = '55119'): string {
  return `${prefix}${String(70000000 + ++counter * 131).padStart(8, '0')}`;
}

function envelope(field: string, value: Record<string, unknown>, lineId = LINE): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '204981736452910', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511940000001', phone_number_id: lineId }, ...value } }] }],
  });
}

export interface Built {
  body: string;
  id: string;
}

/** A customer's message through the Cloud API (`messages`). */
export function inbound(from: string, message: Record<string, unknown> & { timestamp?: number }, lineId = LINE): Built {
  const id = `wamid.privacy-${++counter}`;
  const { timestamp, ...rest } = message;
  return {
    id,
    body: envelope('messages', { contacts: [{ profile: { name: 'Cliente' }, wa_id: from }], messages: [{ from, id, timestamp: String(timestamp ?? nowSeconds()), type: 'text', ...rest }] }, lineId),
  };
}

export const text = (from: string, body: string, options: { timestamp?: number; lineId?: string } = {}) =>
  inbound(from, { text: { body }, timestamp: options.timestamp }, options.lineId);

/** What the employee typed in the WhatsApp Business app (`smb_message_echoes`). */
export function echo(to: string, body: string): Built {
  const id = `wamid.privacy-echo-${++counter}`;
  return { id, body: envelope('smb_message_echoes', { message_echoes: [{ from: '5511940000001', to, id, timestamp: String(nowSeconds()), type: 'text', text: { body } }] }) };
}

/** A history backfill chunk with one customer message (`history`). */
export function history(from: string, body: string): Built {
  const id = `wamid.privacy-history-${++counter}`;
  return {
    id,
    body: envelope('history', {
      history: [{ metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads: [{ id: from, messages: [{ from, id, timestamp: String(nowSeconds() - 60), type: 'text', text: { body }, history_context: { status: 'READ' } }] }] }],
    }),
  };
}

/** A status of a business message to `recipient`. */
export function status(recipient: string): Built {
  const id = `wamid.privacy-status-${++counter}`;
  return { id, body: envelope('messages', { statuses: [{ id, status: 'delivered', timestamp: String(nowSeconds()), recipient_id: recipient }] }) };
}

/** Posts a webhook (signed) and waits until the pipeline, disclosure included, is quiet. */
export async function deliver(stack: TestStack, webhook: Built): Promise<void> {
  expect((await stack.post(webhook.body)).status).toBe(200);
  await stack.stack.drained();
}
