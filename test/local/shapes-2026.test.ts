import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { startTestStack, type TestStack } from '../helpers/local-stack';

/**
 * Meta's 2026 shapes end to end on the local stack (issue 14, "Done when"): `vigia messages --json`
 * lists the history echoes and the Business Agent conversation; the customer's message in a
 * Business Agent chat is checked like any live message (alert, notification); the history echo's
 * file is fetched; `vigia calls --json` lists the call.
 */
const LINE = '106540352242922';
const DISPLAY = '5511940000001';
const CUSTOMER = '5521987650101';
const now = Math.floor(Date.now() / 1000);

const envelope = (field: string, value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba-2026', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: LINE }, ...value } }] }],
  });

let stack: TestStack;
const json = async (...args: string[]) => {
  const lines: string[] = [];
  expect(await main([...args, '--json'], (line) => lines.push(line))).toBe(0);
  return lines.map((line) => JSON.parse(line) as Record<string, any>);
};

beforeAll(async () => {
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  const webhooks = [
    envelope('standby', {
      contacts: [{ profile: { name: 'Marina' }, wa_id: CUSTOMER }],
      standby: {
        messages: [{ from: CUSTOMER, id: 'wamid.AGENT-IN-1', timestamp: String(now - 50), type: 'text', text: { body: 'posso mandar a planilha confidencial por aqui?' } }],
        message_echoes: [{ from: DISPLAY, to: CUSTOMER, id: 'wamid.AGENT-OUT-1', timestamp: String(now - 40), type: 'text', text: { body: 'Claro, pode enviar.' } }],
      },
    }),
    envelope('history', {
      message_echoes: [
        { from: DISPLAY, to: CUSTOMER, id: 'wamid.HIST-ECHO-1', timestamp: String(now - 86_400 * 3), type: 'document', document: { id: 'media-hist-echo-1', mime_type: 'application/pdf', filename: 'proposta.pdf' } },
      ],
    }),
    envelope('calls', {
      calls: [
        { id: 'wacid.CALL-2026-1', from: CUSTOMER, to: DISPLAY, event: 'connect', direction: 'USER_INITIATED', timestamp: String(now - 30) },
        { id: 'wacid.CALL-2026-1', from: CUSTOMER, to: DISPLAY, event: 'terminate', direction: 'USER_INITIATED', status: 'COMPLETED', timestamp: String(now - 10), start_time: String(now - 28), end_time: String(now - 10), duration: 18 },
      ],
    }),
  ];
  for (const body of webhooks) expect((await stack.post(body)).status).toBe(200);
  await stack.stack.drained();
});
afterAll(() => stack?.stop());

it('lists the Business Agent conversation (source business_agent, the agent outbound) and the history echo with its file', async () => {
  const messages = (await json('messages', '--contact', CUSTOMER)) as unknown as MessageView[];
  expect(messages.map((message) => [message.id, message.source, message.direction])).toEqual([
    ['wamid.HIST-ECHO-1', 'history', 'outbound'],
    ['wamid.AGENT-IN-1', 'business_agent', 'inbound'],
    ['wamid.AGENT-OUT-1', 'business_agent', 'outbound'],
  ]);
  const echo = messages[0]!;
  expect(echo.media).toMatchObject({ mediaId: 'media-hist-echo-1', filename: 'proposta.pdf' });
  expect(echo.mediaFile).toMatchObject({ state: 'stored' });
});

it('checks the Business Agent chat like live traffic: the customer’s message raises an alert that reaches the manager', async () => {
  const alerts = await json('alerts');
  const alert = alerts.find((candidate) => candidate.messageId === 'wamid.AGENT-IN-1');
  expect(alert).toMatchObject({ policyId: 'confidential-terms', backfill: false, deliveredTo: ['ventas-carla-lima-email', 'ventas-carla-lima-sms'] });
  expect(alert!.notifiedAt).toEqual(expect.any(String));
  const notifications = await json('notifications');
  expect(notifications.filter((entry) => entry.alertId === alert!.id).map((entry) => entry.subscriptionId).sort()).toEqual(['ventas-carla-lima-email', 'ventas-carla-lima-sms']);
  // Both agent-chat messages were checked; the history echo (a document, checked as backfill) raised nothing.
  const messages = (await json('messages', '--contact', CUSTOMER)) as unknown as MessageView[];
  expect(messages.every((message) => message.compliance !== undefined)).toBe(true);
});

it('lists the call with both ends of it', async () => {
  expect(await json('calls')).toEqual([
    expect.objectContaining({ id: 'wacid.CALL-2026-1', lineId: LINE, contactId: CUSTOMER, direction: 'inbound', status: 'COMPLETED', durationSeconds: 18, startedAt: new Date((now - 28) * 1000).toISOString(), endedAt: new Date((now - 10) * 1000).toISOString() }),
  ]);
});
