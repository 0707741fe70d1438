/**
 * Turns a WhatsApp webhook notification into the records Vigia archives (shared/capture/records.ts).
 *
 * Two passes per item:
 * 1. the strict schema (schema.ts) says whether the item is what Meta documents; a mismatch
 *    becomes a human-readable entry in `issues`;
 * 2. a tolerant reader (readers.ts) extracts whatever is usable, field by field, so a mismatching
 *    item is still archived. Only items that cannot be keyed at all (no id) fall back to a
 *    `change_event` carrying the raw item.
 *
 * Nothing throws for an input that passed `checkEnvelope`.
 */
import type { NormalizeResult } from '../../records';
import { checkEnvelope } from '../envelope';
import { KNOWN_FIELDS, MetadataSchema } from '../schema';
import { callItem, callStatusItem } from './calls';
import { type Change, changeErrors, changeEvent, check, isRecord, keepOtherKeys, type Output, present } from './change';
import { contactItem, dateWebhookContacts, stateSyncItem } from './contacts';
import { historyChunk } from './history';
import { echoMessage, inboundMessage } from './messages';
import { ContactReader } from './readers';
import { standbyChange } from './standby';
import { statusItem } from './statuses';

export type { NormalizeResult } from '../../records';

export function normalizeWebhook(envelope: unknown): NormalizeResult {
  const checked = checkEnvelope(envelope);
  if (!checked.ok) return { records: [], issues: [`envelope rejected: ${checked.reason}`], unprojectedFields: [] };

  const out: Output = { records: [], issues: [], links: new Set() };
  const unprojectedFields: string[] = [];
  checked.envelope.entry.forEach((entry, i) => {
    const wabaId = typeof entry.id === 'string' ? entry.id : undefined;
    entry.changes.forEach((change, j) => {
      const where = `entry[${i}].changes[${j}]`;
      const before = out.records.length;
      const linksBefore = new Set(out.links);
      try {
        normalizeChange(change.field, change.value, wabaId, where, out);
      } catch (err) {
        // Safety net: a bug in the mapping must not cost Meta's data. Keep the change whole.
        out.records.length = before;
        out.links = linksBefore;
        out.records.push(changeEvent(change.field, undefined, change.value));
        out.issues.push(`${where}: normalization failed (${String(err)}); kept as a change event`);
      }
      if (out.records.slice(before).every((record) => record.kind === 'change_event')) unprojectedFields.push(change.field);
    });
  });
  return { records: out.records, issues: out.issues, unprojectedFields };
}

function normalizeChange(field: string, value: unknown, wabaId: string | undefined, where: string, out: Output) {
  const metadata = isRecord(value) && isRecord(value.metadata) ? value.metadata : undefined;
  const lineId = typeof metadata?.phone_number_id === 'string' ? present(metadata.phone_number_id) : undefined;

  if (!KNOWN_FIELDS.has(field)) {
    out.records.push(changeEvent(field, lineId, value));
    return;
  }
  if (!isRecord(value) || lineId === undefined) {
    out.issues.push(`${where}: "${field}" change without value.metadata.phone_number_id; kept as a change event`);
    out.records.push(changeEvent(field, undefined, value));
    return;
  }
  check(MetadataSchema, metadata, `${where}.value.metadata`, out.issues);

  const before = out.records.length;
  let unreadable = false;
  const list = (key: string): unknown[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    out.issues.push(`${where}.value.${key} is not an array`);
    unreadable = true;
    return [];
  };

  const contacts = list('contacts');
  const change: Change = {
    field,
    wabaId,
    lineId,
    lineDisplayNumber: typeof metadata?.display_phone_number === 'string' ? metadata.display_phone_number : undefined,
    contacts: contacts.flatMap((c) => {
      const r = ContactReader.safeParse(c);
      return r.success ? [r.data] : [];
    }),
    out,
  };

  contacts.forEach((c, k) => contactItem(change, c, `${where}.value.contacts[${k}]`));

  switch (field) {
    case 'messages':
      list('messages').forEach((m, k) => inboundMessage(change, m, `${where}.value.messages[${k}]`, 'cloud_api'));
      list('statuses').forEach((s, k) => statusItem(change, s, `${where}.value.statuses[${k}]`));
      break;
    case 'smb_message_echoes':
      list('message_echoes').forEach((m, k) => echoMessage(change, m, `${where}.value.message_echoes[${k}]`, 'business_app'));
      break;
    case 'history':
      list('history').forEach((h, k) => historyChunk(change, h, `${where}.value.history[${k}]`));
      // Media follow-up of a backfill: media ids for placeholders of the last 14 days, the
      // customer's (`messages`) and the business's (`message_echoes`).
      list('messages').forEach((m, k) => inboundMessage(change, m, `${where}.value.messages[${k}]`, 'history'));
      list('message_echoes').forEach((m, k) => echoMessage(change, m, `${where}.value.message_echoes[${k}]`, 'history'));
      break;
    case 'smb_app_state_sync':
      list('state_sync').forEach((s, k) => stateSyncItem(change, s, `${where}.value.state_sync[${k}]`));
      break;
    case 'standby':
      standbyChange(change, value, where, list);
      break;
    case 'calls':
      list('calls').forEach((c, k) => callItem(change, c, `${where}.value.calls[${k}]`));
      list('statuses').forEach((s, k) => {
        if (isRecord(s) && s.type === 'call') callStatusItem(change, s, `${where}.value.statuses[${k}]`);
        else statusItem(change, s, `${where}.value.statuses[${k}]`);
      });
      keepOtherKeys(change, value, ['calls', 'statuses']);
      break;
  }
  changeErrors(change, list('errors'), `${where}.value.errors`);
  dateWebhookContacts(out.records.slice(before));

  if (unreadable || out.records.length === before) {
    if (!unreadable) out.issues.push(`${where}: "${field}" change carried nothing recognisable; kept as a change event`);
    out.records.push(changeEvent(field, lineId, value));
  }
}
