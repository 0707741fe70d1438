import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attributesBytes } from './cost';
import { DynamoDbArchiveRepository } from '../shared/capture/adapters/dynamodb-archive-repository';
import { normalizeWebhook } from '../shared/capture/whatsapp/normalize';
import { DynamoDbPrivacyRepository } from '../shared/privacy/adapters/dynamodb-privacy-repository';
import { findSubjectItems } from '../shared/privacy/subject';
import { createDynamoDbClient } from '../shared/platform/clients';
import { createTableInput } from '../shared/resources/local-provisioning';
import { startDynalite } from '../local/servers';
import { subjectPartition } from '../shared/resources/subject-index';

export interface SubjectFigure {
  /** Items in the table (the generated archive plus the subject's). */
  tableItems: number;
  /** What a full read of the table costs in read units (consistent, 4 KB each): what the Scan of before read per request. */
  tableReadUnits: number;
  /** The subject's items found (messages, statuses, profile, contact-book entry, change event, call, receipt, links). */
  subjectItems: number;
  /** Items the lookup read (index entries and items by key), and its read units as DynamoDB reports them. */
  itemsRead: number;
  readUnits: number;
  /** `readUnits / tableReadUnits`: the share of the table one request reads (target < 0.001). */
  shareOfTable: number;
  lookupMs: number;
  requests: Record<string, number>;
  generateSeconds: number;
}

const LINE = '106540352242922';
const DISPLAY = '5511940000001';
const SUBJECT = '5511900009999';
const SUBJECT_USER = 'BR.BENCHSUBJECT';
const T0 = Math.floor(Date.parse('2026-11-20T10:00:00Z') / 1000);

/** A payload of about the size of a text message item (its `payloadJson` and fields). */
const FILLER_TEXT = 'Bom dia, segue o pedido conforme combinado. '.repeat(8);

function envelope(field: string, value: Record<string, unknown>) {
  return { object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: LINE }, ...value } }] }] };
}

/** The subject's traffic, of every kind a subject request must find. */
function subjectWebhooks() {
  const ts = (offset: number) => String(T0 + offset);
  const webhooks = [];
  for (let i = 0; i < 40; i++) {
    webhooks.push(envelope('messages', { contacts: [{ profile: { name: 'Titular' }, wa_id: SUBJECT, user_id: SUBJECT_USER }], messages: [{ from: SUBJECT, from_user_id: SUBJECT_USER, id: `wamid.BENCH-S${i}`, timestamp: ts(i * 60), type: 'text', text: { body: FILLER_TEXT } }] }));
    webhooks.push(envelope('messages', { statuses: ['sent', 'delivered', 'read'].map((status, s) => ({ id: `wamid.BENCH-API${i}`, status, timestamp: ts(i * 60 + 10 + s), recipient_id: SUBJECT, recipient_user_id: SUBJECT_USER })) }));
  }
  webhooks.push(envelope('smb_app_state_sync', { state_sync: [{ type: 'contact', action: 'add', contact: { full_name: 'Titular', phone_number: SUBJECT }, metadata: { timestamp: ts(5000) } }] }));
  webhooks.push(envelope('user_preferences', { user_preferences: [{ wa_id: SUBJECT, user_id: SUBJECT_USER, category: 'marketing_messages', value: 'stop', timestamp: T0 + 5001 }] }));
  webhooks.push(envelope('calls', { calls: [{ id: 'wacid.BENCH-1', from: SUBJECT, from_user_id: SUBJECT_USER, to: DISPLAY, direction: 'USER_INITIATED', event: 'connect', timestamp: ts(5002), session: { sdp_type: 'offer', sdp: 'v=0' } }] }));
  return webhooks;
}

/**
 * Issue 19's subject-request target: on an archive of `items` items generated locally (dynalite
 * on disk), one contact's lookup — what export, erasure and holds all run — reads through the
 * contact index, and its read units are compared with a read of the whole table (what the Scan of
 * before cost per request). The generated items are other people's messages of about a text
 * message's size, in the contact index under a million other contacts.
 */
export async function measureSubject(options: { items?: number; onProgress?: (message: string) => void } = {}): Promise<SubjectFigure> {
  const total = options.items ?? 10_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-subject-'));
  // dynalite in a thread of its own: the generator and the emulator each get a core.
  mkdirSync(join(dir, 'dynamodb'));
  const server = await startDynalite(join(dir, 'dynamodb'), true);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const table = 'vigia-bench-subject';
  try {
    const db = createDynamoDbClient(endpoint);
    await db.send(new CreateTableCommand(createTableInput(table)));
    const archive = new DynamoDbArchiveRepository(db, table);
    let subjectWrites = 0;
    for (const [n, webhook] of subjectWebhooks().entries()) {
      const { records } = normalizeWebhook(webhook);
      for (const [index, record] of records.entries()) {
        await archive.save(record, { rawKey: `raw/h=0/dt=2026-11-20/bench-${n}.json`, receivedAt: new Date((T0 + n) * 1000).toISOString() }, index);
        subjectWrites += 1;
      }
    }
    const started = Date.now();
    let tableBytes = 0;
    let written = 0;
    const filler = (i: number) => {
      const id = `wamid.BENCH-F${i.toString(36)}`;
      const at = new Date((T0 - (i % 86_400) * 30) * 1000).toISOString();
      const contact = `55119${String(i % 1_000_000).padStart(8, '0')}`;
      const item = {
        pk: `MSG#${id}`,
        sk: 'MSG',
        entity: 'message',
        id,
        lineId: LINE,
        contactId: contact,
        direction: 'inbound',
        timestamp: at,
        payloadJson: JSON.stringify({ from: contact, id, timestamp: at, type: 'text', text: { body: FILLER_TEXT } }),
        // The contact index key only: the lookup reads no other index, and each index written
        // would slow the generation of ten million items (dynalite writes a few thousand a second).
        subjectPk: subjectPartition(contact),
      };
      tableBytes += attributesBytes(item);
      return item;
    };
    const fillerCount = Math.max(0, total - subjectWrites);
    let next = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < fillerCount) {
          const start = next;
          const end = Math.min(fillerCount, start + 25);
          next = end;
          await batchPut(db, table, Array.from({ length: end - start }, (_, k) => filler(start + k)));
          const before = written;
          written += end - start;
          if (Math.floor(written / 500_000) > Math.floor(before / 500_000)) options.onProgress?.(`subject: ${written.toLocaleString('en')} of ${fillerCount.toLocaleString('en')} archive items written`);
        }
      }),
    );
    const generateSeconds = (Date.now() - started) / 1000;

    // The lookup, metered: every command and what DynamoDB reports it consumed.
    const lookupDb = createDynamoDbClient(endpoint);
    const requests: Record<string, number> = {};
    let readUnits = 0;
    let itemsRead = 0;
    lookupDb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        requests[String(context.commandName)] = (requests[String(context.commandName)] ?? 0) + 1;
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[]; Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
        const consumed = Array.isArray(output.ConsumedCapacity) ? output.ConsumedCapacity : output.ConsumedCapacity ? [output.ConsumedCapacity] : [];
        readUnits += consumed.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        itemsRead += (output.Items?.length ?? 0) + (output.Item ? 1 : 0) + Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
        return result;
      },
      { step: 'initialize', name: 'benchMeter' },
    );
    const lookupStarted = performance.now();
    const subject = await findSubjectItems(new DynamoDbPrivacyRepository(lookupDb, table), { contactIds: [SUBJECT] });
    const lookupMs = performance.now() - lookupStarted;
    if (requests.ScanCommand) throw new Error('the subject lookup sent a Scan');
    const tableItems = subjectWrites + fillerCount;
    // A consistent read of every item, 4 KB per unit (rounded up per item, as a Scan sums them): at least the bytes generated.
    const tableReadUnits = Math.ceil(tableBytes / 4096) + subjectWrites;
    return {
      tableItems,
      tableReadUnits,
      subjectItems: subject.all.length,
      itemsRead,
      readUnits,
      shareOfTable: readUnits / tableReadUnits,
      lookupMs: Math.round(lookupMs),
      requests,
      generateSeconds: Math.round(generateSeconds),
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function batchPut(db: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> {
  let requests: Record<string, unknown[]> | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
  while (requests && Object.keys(requests).length > 0) {
    const response = await db.send(new BatchWriteCommand({ RequestItems: requests as never }));
    requests = response.UnprocessedItems as Record<string, unknown[]> | undefined;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const items = Number(process.argv[2] ?? 10_000_000);
  measureSubject({ items, onProgress: (message) => process.stderr.write(`${message}\n`) }).then((figure) => process.stdout.write(`${JSON.stringify(figure)}\n`));
}
