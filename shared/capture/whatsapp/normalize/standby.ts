import { type Change, changeErrors, changeEvent, isRecord, type Json, keepOtherKeys } from './change';
import { contactItem } from './contacts';
import { echoMessage, inboundMessage } from './messages';
import { ContactReader } from './readers';
import { statusItem } from './statuses';

/**
 * `standby`: the conversation while Meta Business Agent holds it. The customer's messages are
 * inbound, the agent's replies (`message_echoes`) outbound, both with source `business_agent`.
 * Accepted in a `standby` object, a list of them, or directly on the value; control changes
 * (`messaging_handovers`) are kept as change events.
 */
export function standbyChange(change: Change, value: Json, where: string, list: (key: string) => unknown[]) {
  const containers: { at: string; content: Json }[] = [{ at: `${where}.value`, content: value }];
  const standby = value.standby;
  if (isRecord(standby)) containers.push({ at: `${where}.value.standby`, content: standby });
  else if (Array.isArray(standby)) {
    standby.forEach((item, k) => {
      if (isRecord(item)) containers.push({ at: `${where}.value.standby[${k}]`, content: item });
      else {
        change.out.issues.push(`${where}.value.standby[${k}] is not an object; kept as a change event`);
        change.out.records.push(changeEvent(change.field, change.lineId, item));
      }
    });
  } else if (standby !== undefined) {
    change.out.issues.push(`${where}.value.standby is not an object; kept as a change event`);
    change.out.records.push(changeEvent(change.field, change.lineId, { standby }));
  }
  for (const { at, content } of containers) {
    const items = (key: string): unknown[] => {
      if (content === value) return list(key);
      const v = content[key];
      if (v === undefined) return [];
      if (Array.isArray(v)) return v;
      change.out.issues.push(`${at}.${key} is not an array; kept as a change event`);
      change.out.records.push(changeEvent(change.field, change.lineId, { [key]: v }));
      return [];
    };
    if (content !== value && Array.isArray(content.contacts)) {
      content.contacts.forEach((c, k) => {
        contactItem(change, c, `${at}.contacts[${k}]`);
        const r = ContactReader.safeParse(c);
        if (r.success) change.contacts.push(r.data);
      });
    }
    items('messages').forEach((m, k) => inboundMessage(change, m, `${at}.messages[${k}]`, 'business_agent'));
    items('message_echoes').forEach((m, k) => echoMessage(change, m, `${at}.message_echoes[${k}]`, 'business_agent'));
    items('statuses').forEach((s, k) => statusItem(change, s, `${at}.statuses[${k}]`));
    items('messaging_handovers').forEach((h) => change.out.records.push(changeEvent('messaging_handovers', change.lineId, h)));
    if (content !== value) {
      if (Array.isArray(content.errors)) changeErrors(change, content.errors, `${at}.errors`);
      keepOtherKeys(change, content, ['messages', 'message_echoes', 'statuses', 'messaging_handovers']);
    }
  }
  keepOtherKeys(change, value, ['standby', 'messages', 'message_echoes', 'statuses', 'messaging_handovers']);
}
