import { randomUUID } from 'node:crypto';
import type { DisclosureSettings } from '../config/vigia-config';
import type { CheckResults } from '../compliance/model';
import type { ArchiveRepository } from '../capture/ports/archive-repository';
import type { DisclosureRepository, WhatsAppTextSender } from './ports/notices-and-disclosures';
import { DISCLOSURE_CLAIM_STALE_MS, insideServiceWindow, isDisclosureCandidate, textHash } from './disclosure';
import { chooseDisclosureLanguage, disclosureText } from './disclosure-language';

export interface DisclosureDependencies {
  settings: DisclosureSettings;
  messages: Pick<ArchiveRepository, 'getMessage'>;
  disclosures: DisclosureRepository;
  sender: WhatsAppTextSender;
  now?: () => Date;
  newClaimId?: () => string;
}

export type DisclosureOutcome =
  /** Sent now; the evidence is recorded. */
  | 'sent'
  /** The message is not in the archive (should not happen: ingest writes it first). */
  | 'not_found'
  /** Not a customer's own Cloud API message (echo, history, outbound, reaction…). */
  | 'not_eligible'
  /** Older than the customer service window allows (a webhook Meta retried late): never sent. */
  | 'outside_window'
  /** Told already within renewDays, or being told by a concurrent run. */
  | 'already_disclosed'
  /** The Cloud API refused or failed: the claim is released, the contact's next message retries. */
  | 'failed';

export interface DisclosureResult {
  messageId: string;
  outcome: DisclosureOutcome;
  lineId?: string;
  language?: string;
  wamid?: string;
  error?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Sends the first-contact disclosure for the new inbound messages ingest hands over:
 *
 * 1. Reads each message; only a customer's own Cloud API message inside the 24-hour customer
 *    service window qualifies (the window is checked against now, so a late webhook retry sends nothing).
 * 2. Claims the (line, contact) pair with a conditional write: it succeeds only when no disclosure
 *    was sent in the last `renewDays` and nobody else is sending, so concurrent retries send once.
 * 3. Sends the configured text in the contact's language through the Cloud API.
 * 4. Keeps the evidence (sent at, language, text hash, Meta's wamid); on failure releases the
 *    claim without evidence, so the contact's next message tries again.
 *
 * Messages are handled one after the other: several messages of one contact in a webhook claim once.
 * Infrastructure errors (DynamoDB) propagate, so the invocation is retried.
 */
export async function sendDisclosures(messageIds: string[], deps: DisclosureDependencies): Promise<DisclosureResult[]> {
  const results: DisclosureResult[] = [];
  for (const messageId of messageIds) results.push(await sendOne(messageId, deps));
  return results;
}

async function sendOne(messageId: string, deps: DisclosureDependencies): Promise<DisclosureResult> {
  const clock = deps.now ?? (() => new Date());
  const message = await deps.messages.getMessage(messageId);
  if (!message) return { messageId, outcome: 'not_found' };
  const result = { messageId, lineId: message.lineId };
  if (!isDisclosureCandidate(message)) return { ...result, outcome: 'not_eligible' };
  const now = clock();
  if (!insideServiceWindow(message.timestamp, now)) return { ...result, outcome: 'outside_window' };

  const contactId = message.contactId!;
  const claimId = (deps.newClaimId ?? randomUUID)();
  const claimed = await deps.disclosures.claim(
    message.lineId,
    contactId,
    { claimId, claimedAt: now.toISOString(), messageId },
    {
      renewBefore: new Date(now.getTime() - deps.settings.renewDays * DAY_MS).toISOString(),
      staleBefore: new Date(now.getTime() - DISCLOSURE_CLAIM_STALE_MS).toISOString(),
    },
  );
  if (!claimed) return { ...result, outcome: 'already_disclosed' };

  const detectedLanguage = (message.compliance as CheckResults | undefined)?.sentiment?.result?.languageCode;
  const { language, source } = chooseDisclosureLanguage(deps.settings, { text: message.text, contactId, detectedLanguage });
  const text = disclosureText(deps.settings, language);
  let wamid: string;
  try {
    wamid = (await deps.sender.sendText(message.lineId, contactId, text)).messageId;
  } catch (error) {
    const reason = (error as Error).message;
    await deps.disclosures.release(message.lineId, contactId, claimId, { at: clock().toISOString(), error: reason });
    return { ...result, outcome: 'failed', language, error: reason };
  }
  await deps.disclosures.recordSent(message.lineId, contactId, claimId, {
    messageId,
    sentAt: clock().toISOString(),
    language,
    languageSource: source,
    textHash: textHash(text),
    wamid,
  });
  return { ...result, outcome: 'sent', language, wamid };
}
