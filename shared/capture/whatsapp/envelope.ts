import type { WebhookEnvelope } from './schema';

export type { WebhookEnvelope } from './schema';

export type EnvelopeCheck = { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: string };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Cheap top-level check run by the webhook handler before acknowledging: is this a WhatsApp
 * Business Account notification at all? Only the envelope is inspected (`object`, `entry[]`,
 * `changes[]`, `field`); problems inside `value` are left to `normalizeWebhook`, which archives
 * what it can instead of rejecting. Hand-written rather than zod so it stays O(number of changes)
 * on a 3 MB payload and gives one short reason.
 */
export function checkEnvelope(json: unknown): EnvelopeCheck {
  if (!isObject(json)) {
    return { ok: false, reason: 'the payload must be a JSON object' };
  }
  if (json.object !== 'whatsapp_business_account') {
    return { ok: false, reason: '"object" must be "whatsapp_business_account"' };
  }
  if (!Array.isArray(json.entry)) {
    return { ok: false, reason: '"entry" must be an array' };
  }
  for (const [i, entry] of json.entry.entries()) {
    if (!isObject(entry)) {
      return { ok: false, reason: `entry[${i}] must be an object` };
    }
    if (!Array.isArray(entry.changes)) {
      return { ok: false, reason: `entry[${i}].changes must be an array` };
    }
    for (const [j, change] of entry.changes.entries()) {
      if (!isObject(change)) {
        return { ok: false, reason: `entry[${i}].changes[${j}] must be an object` };
      }
      if (typeof change.field !== 'string') {
        return { ok: false, reason: `entry[${i}].changes[${j}].field must be a string` };
      }
    }
  }
  // The checks above establish exactly the shape WebhookEnvelopeSchema describes.
  return { ok: true, envelope: json as WebhookEnvelope };
}
