import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDisclosures } from '../../shared/privacy/send-disclosures';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbDisclosureRepository } from '../../shared/privacy/adapters/dynamodb-disclosure-repository';
import { GraphWhatsAppSender } from '../../shared/privacy/adapters/graph-message-sender';
import { createDynamoDbClient } from '../../shared/platform/clients';
import type { DisclosureSettings } from '../../shared/config/vigia-config';
import type { MessageRecord } from '../../shared/capture/records';
import { textHash } from '../../shared/privacy/disclosure';
import { LOCAL_TABLE } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { deliver, DISCLOSURE_TEXT, echo, history, inbound, LINE, newContact, OTHER_LINE, privacyConfigFile, status, text } from './notice-disclosure-fixtures';

let stack: TestStack;
let db: ReturnType<typeof createDynamoDbClient>;
let disclosures: DynamoDbDisclosureRepository;

beforeAll(async () => {
  const config = privacyConfigFile(`privacy:
  disclosure:
    renewDays: 365
    defaultLanguage: pt
    text:
      pt: "${DISCLOSURE_TEXT.pt}"
      es: "${DISCLOSURE_TEXT.es}"
      en: "${DISCLOSURE_TEXT.en}"
`);
  stack = await startTestStack({ env: { VIGIA_CONFIG: config } });
  db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
  disclosures = new DynamoDbDisclosureRepository(db, LOCAL_TABLE);
});
afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

const sentTo = (contact: string) => stack.graph.sentMessages().filter((message) => message.to === contact);

describe('first-contact disclosure through the local stack', () => {
  it('sends exactly one disclosure when a new contact writes, and keeps the evidence', async () => {
    const contact = newContact();
    const first = text(contact, 'Bom dia! Vocês têm o modelo X em estoque para entrega amanhã?');
    await deliver(stack, first);

    const sent = sentTo(contact);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ phoneNumberId: LINE, to: contact, type: 'text', body: DISCLOSURE_TEXT.pt });
    const record = await disclosures.get(LINE, contact);
    expect(record).toMatchObject({ lineId: LINE, contactId: contact, messageId: first.id, language: 'pt', textHash: textHash(DISCLOSURE_TEXT.pt), wamid: sent[0].wamid, sends: 1, failures: 0 });
    expect(record!.claimId).toBeUndefined();
    expect(Date.now() - Date.parse(record!.sentAt!)).toBeLessThan(60_000);
    expect(await disclosures.history(LINE, contact)).toEqual([expect.objectContaining({ wamid: sent[0].wamid, messageId: first.id })]);

    // Meta retries the same webhook: the message is a duplicate, nothing is handed over again.
    await deliver(stack, first);
    // The contact writes again: already told.
    await deliver(stack, text(contact, 'Qual o prazo de entrega para São Paulo?'));
    expect(sentTo(contact)).toHaveLength(1);
  });

  it('tells the same contact again on another line (once per line and contact)', async () => {
    const contact = newContact();
    await deliver(stack, text(contact, 'Oi, tudo bem? Queria um orçamento.'));
    await deliver(stack, text(contact, 'Oi, tudo bem? Queria um orçamento.', { lineId: OTHER_LINE }));
    expect(sentTo(contact).map((message) => message.phoneNumberId).sort()).toEqual([LINE, OTHER_LINE].sort());
  });

  it('answers in the contact’s language: Spanish text gets the es notice, even from a Brazilian number', async () => {
    const spanish = newContact('54911');
    await deliver(stack, text(spanish, 'Hola, buenas tardes. ¿Me podés pasar la cotización del envío a Córdoba?'));
    expect(sentTo(spanish).map((message) => message.body)).toEqual([DISCLOSURE_TEXT.es]);
    expect(await disclosures.get(LINE, spanish)).toMatchObject({ language: 'es', languageSource: 'text', textHash: textHash(DISCLOSURE_TEXT.es) });

    const brazilianWritingSpanish = newContact('55119');
    await deliver(stack, text(brazilianWritingSpanish, 'Hola, ¿cuánto sale el envío a Córdoba? Muchas gracias.'));
    expect(sentTo(brazilianWritingSpanish).map((message) => message.body)).toEqual([DISCLOSURE_TEXT.es]);

    // Too short to tell: the country code decides (+54 → es), and without one the default (pt).
    const shortFromArgentina = newContact('54911');
    await deliver(stack, text(shortFromArgentina, 'ok'));
    expect(sentTo(shortFromArgentina).map((message) => message.body)).toEqual([DISCLOSURE_TEXT.es]);
    expect(await disclosures.get(LINE, shortFromArgentina)).toMatchObject({ language: 'es', languageSource: 'phone' });
    const shortFromFrance = newContact('33612');
    await deliver(stack, inbound(shortFromFrance, { type: 'image', image: { id: 'media-privacy-1', mime_type: 'image/jpeg' } }));
    expect(sentTo(shortFromFrance).map((message) => message.body)).toEqual([DISCLOSURE_TEXT.pt]);
    expect(await disclosures.get(LINE, shortFromFrance)).toMatchObject({ language: 'pt', languageSource: 'default' });
  });

  it('never answers echoes, history, statuses, reactions or the business’s own messages', async () => {
    const contact = newContact();
    await deliver(stack, echo(contact, 'Oi! Aqui é a Ana, da equipe de vendas. Posso ajudar?'));
    await deliver(stack, history(contact, 'Boa tarde, qual o prazo de implantação para 30 usuários?'));
    await deliver(stack, status(contact));
    await deliver(stack, inbound(contact, { type: 'reaction', reaction: { message_id: 'wamid.privacy-anything', emoji: '👍' } }));
    expect(sentTo(contact)).toEqual([]);
    expect(await disclosures.get(LINE, contact)).toBeUndefined();
  });

  it('sends nothing for a message older than the 24-hour window (a webhook Meta retried late)', async () => {
    const contact = newContact();
    await deliver(stack, text(contact, 'Bom dia, vocês entregam no sábado?', { timestamp: Math.floor(Date.now() / 1000) - 2 * 86_400 }));
    expect(sentTo(contact)).toEqual([]);
    expect(await disclosures.get(LINE, contact)).toBeUndefined();
  });

  it('records no evidence when the Cloud API fails, releases the claim, and the next message retries', async () => {
    const contact = newContact();
    stack.graph.sendFailures = 1;
    const first = text(contact, 'Bom dia, gostaria de falar com um vendedor.');
    await deliver(stack, first);
    expect(stack.graph.sendFailures).toBe(0);
    expect(sentTo(contact)).toEqual([]);
    const failed = await disclosures.get(LINE, contact);
    expect(failed).toMatchObject({ sends: 0, failures: 1 });
    expect(failed!.lastError).toMatch(/HTTP 503/);
    expect(failed!.claimId).toBeUndefined();
    expect(failed!.sentAt).toBeUndefined();
    expect(failed!.wamid).toBeUndefined();
    expect(await disclosures.history(LINE, contact)).toEqual([]);

    const second = text(contact, 'Alguém pode me atender?');
    await deliver(stack, second);
    expect(sentTo(contact)).toHaveLength(1);
    expect(await disclosures.get(LINE, contact)).toMatchObject({ messageId: second.id, sends: 1, failures: 1, wamid: sentTo(contact)[0].wamid });
  });
});

describe('sendDisclosures (the use case, on the stack’s table and fake Graph API, with a clock)', () => {
  const settings: DisclosureSettings = { enabled: true, renewDays: 365, defaultLanguage: 'pt', text: DISCLOSURE_TEXT };
  const day = 86_400_000;
  const t0 = Date.parse('2027-03-01T12:00:00Z');
  let archive: DynamoDbArchiveRepository;
  let counter = 0;
  const dependencies = (now: number) => ({
    settings,
    messages: archive,
    disclosures,
    sender: new GraphWhatsAppSender(stack.graph.url, async () => 'test-access-token'),
    now: () => new Date(now),
  });
  /** A customer message written straight to the archive, one minute before `at`. */
  const message = async (contact: string, at: number, body = 'Olá, bom dia, preciso de ajuda com meu pedido.'): Promise<string> => {
    const record: MessageRecord = {
      kind: 'message',
      id: `wamid.usecase-${++counter}`,
      lineId: LINE,
      contactId: contact,
      direction: 'inbound',
      source: 'cloud_api',
      type: 'text',
      timestamp: new Date(at - 60_000).toISOString(),
      text: body,
      payload: { id: `wamid.usecase-${counter}`, body },
    };
    await archive.save(record, { rawKey: `raw/test-${counter}.json` }, 0);
    return record.id;
  };
  beforeAll(() => {
    archive = new DynamoDbArchiveRepository(db, LOCAL_TABLE);
  });

  it('sends again after renewDays, not before, and keeps every evidence item', async () => {
    const contact = newContact();
    const first = await message(contact, t0);
    expect(await sendDisclosures([first], dependencies(t0))).toEqual([expect.objectContaining({ messageId: first, outcome: 'sent', language: 'pt' })]);

    const later = await message(contact, t0 + 364 * day);
    expect(await sendDisclosures([later], dependencies(t0 + 364 * day))).toEqual([expect.objectContaining({ outcome: 'already_disclosed' })]);

    const renewal = await message(contact, t0 + 366 * day);
    expect(await sendDisclosures([renewal], dependencies(t0 + 366 * day))).toEqual([expect.objectContaining({ outcome: 'sent' })]);

    expect(sentTo(contact)).toHaveLength(2);
    const evidence = await disclosures.history(LINE, contact);
    expect(evidence.map((item) => item.messageId)).toEqual([first, renewal]);
    expect(evidence.map((item) => item.wamid)).toEqual(sentTo(contact).map((sent) => sent.wamid));
    expect(await disclosures.get(LINE, contact)).toMatchObject({ messageId: renewal, sends: 2 });
  });

  it('refuses a message outside the window against the injected clock', async () => {
    const contact = newContact();
    const old = await message(contact, t0);
    expect(await sendDisclosures([old], dependencies(t0 + day))).toEqual([expect.objectContaining({ outcome: 'outside_window' })]);
    expect(sentTo(contact)).toEqual([]);
  });

  it('sends once when concurrent runs handle messages of the same new contact (the claim)', async () => {
    const contact = newContact();
    const ids = await Promise.all([message(contact, t0), message(contact, t0), message(contact, t0)]);
    const results = (await Promise.all(ids.map((id) => sendDisclosures([id], dependencies(t0))))).flat();
    expect(results.map((result) => result.outcome).sort()).toEqual(['already_disclosed', 'already_disclosed', 'sent']);
    expect(sentTo(contact)).toHaveLength(1);
  });
});
