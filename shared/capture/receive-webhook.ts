import { timingSafeEqual, createHash } from 'node:crypto';
import type { RawArchive } from './ports/raw-archive';
import { MAX_WEBHOOK_BYTES } from '../resources/definitions';
import { checkEnvelope } from './whatsapp/envelope';
import { verifySignature } from './whatsapp/signature';
import { json, problem, text, type HttpResult } from '../platform/http-responses';
import type { WhatsAppSecrets } from '../platform/secrets';

export interface WebhookDependencies {
  secrets: () => Promise<WhatsAppSecrets>;
  archive: RawArchive;
  now?: () => Date;
}

/** What happened to a POST, for metrics and logs (never the body). */
export type WebhookOutcome = 'archived' | 'too_large' | 'bad_signature' | 'rejected_archived';

/** Changes of an archived webhook per line (Meta's phone number ID): the capture-gap metric. */
export type LineEvents = Record<string, number>;

/**
 * Meta's verification handshake: `GET /webhook?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
 * The challenge is echoed as plain text (JSON-encoding it would add quotes and fail verification).
 */
export async function verifySubscription(
  query: Record<string, string | undefined>,
  deps: Pick<WebhookDependencies, 'secrets'>,
): Promise<HttpResult> {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || token === undefined || challenge === undefined) {
    return problem(403, 'verification_failed', 'expected hub.mode=subscribe with hub.verify_token and hub.challenge');
  }
  const { verifyToken } = await deps.secrets();
  if (!constantTimeEquals(token, verifyToken)) {
    return problem(403, 'verification_failed', 'hub.verify_token does not match');
  }
  return text(200, challenge);
}

/**
 * `POST /webhook`. Order matters: size, then signature (nothing unsigned is stored), then the
 * raw bytes are made durable, and only then does Meta get its 200 (a signed body that is not a
 * usable webhook too, once kept under rejected/). Parsing and projection
 * happen after the ack, driven by the archived object.
 */
export async function receiveWebhook(
  request: { body: Buffer; signature: string | undefined },
  deps: WebhookDependencies,
): Promise<{ response: HttpResult; outcome: WebhookOutcome; lineEvents?: LineEvents }> {
  if (request.body.length > MAX_WEBHOOK_BYTES) {
    return {
      outcome: 'too_large',
      response: problem(413, 'payload_too_large', `body is ${request.body.length} bytes; the limit is ${MAX_WEBHOOK_BYTES} (3 MB)`),
    };
  }
  const { appSecret } = await deps.secrets();
  const check = verifySignature(request.body, request.signature, appSecret);
  if (!check.valid) {
    return { outcome: 'bad_signature', response: problem(401, 'invalid_signature', check.reason) };
  }

  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const metadata = { signature: request.signature!, receivedAt };
  const { reason, parsed } = checkBody(request.body);
  if (reason) {
    // Signed by Meta but unusable: the bytes are kept under rejected/, so the delivery is done.
    // A non-200 would make Meta resend the same bytes for 7 days (archived again each time);
    // the Webhook_rejected_archived metric and its alarm make it visible instead.
    await deps.archive.putRejected(request.body, { ...metadata, reason });
    return { outcome: 'rejected_archived', response: json(200, { received: true, rejected: reason }) };
  }
  const key = await deps.archive.putRaw(request.body, metadata);
  return {
    outcome: 'archived',
    response: json(200, { received: true, id: createHash('sha1').update(key).digest('hex').slice(0, 12) }),
    lineEvents: lineEventsOf(parsed),
  };
}

function checkBody(body: Buffer): { reason?: string; parsed?: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { reason: `body is not valid JSON (${(error as Error).message})` };
  }
  const check = checkEnvelope(parsed);
  return check.ok ? { parsed } : { reason: `not a WhatsApp Business Account webhook: ${check.reason}` };
}

/**
 * Counts the changes of a valid envelope per `value.metadata.phone_number_id` (messages, echoes,
 * statuses, history, app state: any of them shows the line is captured). Changes without one are
 * not counted. O(number of changes), like the envelope check.
 */
export function lineEventsOf(envelope: unknown): LineEvents {
  const counts: LineEvents = {};
  const entries = (envelope as { entry?: Array<{ changes?: Array<{ value?: unknown }> }> }).entry ?? [];
  for (const entry of entries) {
    for (const change of entry.changes ?? []) {
      const lineId = (change.value as { metadata?: { phone_number_id?: unknown } } | undefined)?.metadata?.phone_number_id;
      if (typeof lineId === 'string' && /^\d{1,30}$/.test(lineId)) counts[lineId] = (counts[lineId] ?? 0) + 1;
    }
  }
  return counts;
}

function constantTimeEquals(a: string, b: string): boolean {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
