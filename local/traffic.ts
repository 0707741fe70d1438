import { escapeNonAscii } from '../shared/capture/whatsapp/signature';

/**
 * Realistic synthetic WhatsApp traffic for the simulator, tests and benchmarks: several corporate
 * lines, customers writing in Portuguese and Spanish, employees answering from the Business app
 * (echoes, edits, deletes), reactions, media, statuses for the business's messages, a history
 * chunk and contact-book sync. Deterministic for a given seed.
 */
export interface TrafficOptions {
  /** Conversation turns to generate (each yields one or more webhooks). */
  turns: number;
  seed?: number;
  /**
   * Base Unix time (seconds) of the first message. @default now - 36 hours: old enough that the
   * conversations left waiting pass `unanswered_conversations`' default of 24 hours, so the demo shows them.
   */
  startTime?: number;
}

export interface Webhook {
  /** The exact bytes to POST, serialized like Meta (compact, non-ASCII as \uXXXX). */
  body: string;
  /** Message ids (wamid) carried as messages/echoes/history in this webhook. */
  messageIds: string[];
}

export const SIMULATED_LINES = [
  { phoneNumberId: '106540352242922', display: '5511940000001', employee: 'Ana Souza' },
  { phoneNumberId: '106540352242923', display: '5511940000002', employee: 'Bruno Lima' },
  { phoneNumberId: '106540352242924', display: '5491140000003', employee: 'Carla Gómez' },
];

const CUSTOMER_LINES = [
  'Bom dia! Vocês têm o modelo X em estoque?',
  'Qual o prazo de entrega para São Paulo?',
  'Pode me mandar a planilha de preços atualizada?',
  'Obrigado pela atenção, fico no aguardo.',
  'Hola, ¿me podés pasar la cotización?',
  '¿Cuánto sale el envío a Córdoba?',
  'Estoy muy molesto, el pedido llegó roto.',
  'Perfeito, pode fechar o pedido.',
];
const EMPLOYEE_LINES = [
  'Bom dia! Temos sim, posso reservar para você?',
  'A entrega leva de 2 a 3 dias úteis.',
  'Segue a proposta em anexo.',
  '¡Hola! Te paso la cotización en un momento.',
  'Lamentamos mucho, ya gestionamos el cambio.',
];

export function generateTraffic(options: TrafficOptions): Webhook[] {
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  let clock = options.startTime ?? Math.floor(Date.now() / 1000) - 36 * 3600;
  let counter = 0;
  const wamid = () => `wamid.SIM${(options.seed ?? 42).toString(36)}${(++counter).toString(36).padStart(8, '0')}`;
  const tick = () => String((clock += 1 + Math.floor(random() * 30)));
  const contacts = Array.from({ length: 12 }, (_, i) => ({
    waId: `55119${String(81000000 + i * 7919).padStart(8, '0')}`,
    name: pick(['Maria Silva', 'João Pereira', 'Lucía Fernández', 'Pedro Alves', 'Sofía Díaz', 'José Núñez']),
  }));

  const webhooks: Webhook[] = [];
  const outboundIds: { id: string; line: (typeof SIMULATED_LINES)[number]; to: string }[] = [];
  for (let turn = 0; turn < options.turns; turn++) {
    const line = pick(SIMULATED_LINES);
    const contact = pick(contacts);
    const roll = random();
    if (roll < 0.45) {
      const id = wamid();
      const message =
        random() < 0.85
          ? { from: contact.waId, id, timestamp: tick(), type: 'text', text: { body: pick(CUSTOMER_LINES) } }
          : {
              from: contact.waId,
              id,
              timestamp: tick(),
              type: 'document',
              document: { filename: 'pedido-março.pdf', mime_type: 'application/pdf', sha256: 'q2xK1qOb8cKxw0Xy8xX0rS2p4hQ0tXc1oY2t0cZ9Yb0=', id: String(900000 + counter) },
            };
      webhooks.push(messagesWebhook(line, [message], [{ profile: { name: contact.name }, wa_id: contact.waId }], [id]));
    } else if (roll < 0.75) {
      const id = wamid();
      outboundIds.push({ id, line, to: contact.waId });
      webhooks.push(
        change(line, 'smb_message_echoes', { message_echoes: [{ from: line.display, to: contact.waId, id, timestamp: tick(), type: 'text', text: { body: pick(EMPLOYEE_LINES) } }] }, [id]),
      );
    } else if (roll < 0.9 && outboundIds.length > 0) {
      const target = pick(outboundIds);
      const statuses = ['sent', 'delivered', 'read'].slice(0, 1 + Math.floor(random() * 3)).map((status) => ({
        id: target.id,
        status,
        timestamp: tick(),
        recipient_id: target.to,
        ...(status === 'sent' ? { pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' } } : {}),
      }));
      webhooks.push(change(target.line, 'messages', { statuses }, []));
    } else if (roll < 0.95 && outboundIds.length > 0) {
      const target = pick(outboundIds);
      const id = wamid();
      const kind = random() < 0.5 ? 'edit' : 'revoke';
      const echo =
        kind === 'edit'
          ? { from: target.line.display, to: target.to, id, timestamp: tick(), type: 'edit', edit: { original_message_id: target.id, message: { type: 'text', text: { body: pick(EMPLOYEE_LINES) } } } }
          : { from: target.line.display, to: target.to, id, timestamp: tick(), type: 'revoke', revoke: { original_message_id: target.id } };
      webhooks.push(change(target.line, 'smb_message_echoes', { message_echoes: [echo] }, [id]));
    } else if (outboundIds.length > 0) {
      const target = pick(outboundIds);
      const id = wamid();
      const reaction = { from: target.to, id, timestamp: tick(), type: 'reaction', reaction: { message_id: target.id, emoji: pick(['👍', '❤️', '🙏', '']) } };
      webhooks.push(messagesWebhook(target.line, [reaction], [{ profile: { name: 'Cliente' }, wa_id: target.to }], [id]));
    }
  }

  // Coexistence extras: a history chunk and a contact-book sync on the first line.
  const line = SIMULATED_LINES[0];
  const historyIds = [wamid(), wamid()];
  webhooks.push(
    change(line, 'history', {
      history: [
        {
          metadata: { phase: 1, chunk_order: 1, progress: 55 },
          threads: [
            {
              id: contacts[0].waId,
              messages: [
                { from: contacts[0].waId, id: historyIds[0], timestamp: String(clock - 5_000_000), type: 'text', text: { body: 'Oi, ainda têm aquele produto?' }, history_context: { status: 'READ' } },
                { from: line.display, to: contacts[0].waId, id: historyIds[1], timestamp: String(clock - 4_999_000), type: 'text', text: { body: 'Temos sim!' }, history_context: { status: 'DELIVERED' } },
              ],
            },
          ],
        },
      ],
    }, historyIds),
  );
  webhooks.push(
    change(line, 'smb_app_state_sync', {
      state_sync: [{ type: 'contact', contact: { full_name: contacts[1].name, first_name: contacts[1].name.split(' ')[0], phone_number: contacts[1].waId }, action: 'add', metadata: { timestamp: String(clock) } }],
    }, []),
  );
  return webhooks;
}

function messagesWebhook(line: (typeof SIMULATED_LINES)[number], messages: object[], contacts: object[], ids: string[]): Webhook {
  return change(line, 'messages', { contacts, messages }, ids);
}

function change(line: (typeof SIMULATED_LINES)[number], field: string, value: object, ids: string[]): Webhook {
  const envelope = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: line.display, phone_number_id: line.phoneNumberId }, ...value }, field }],
      },
    ],
  };
  return { body: serializeLikeMeta(envelope), messageIds: ids };
}

/** Compact JSON with non-ASCII escaped as lowercase \uXXXX and `/` as `\/`, as Meta delivers it. */
export function serializeLikeMeta(value: unknown): string {
  return escapeNonAscii(JSON.stringify(value)).replace(/\//g, '\\/');
}

/** mulberry32: a small seeded generator (full 2^32 period), for deterministic synthetic data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
