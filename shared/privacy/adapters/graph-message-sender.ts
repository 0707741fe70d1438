import type { WhatsAppTextSender } from '../ports/notices-and-disclosures';
import { GraphApiError } from '../../media/adapters/graph-media-api';

/**
 * Sends text messages through the WhatsApp Cloud API:
 * `POST {base}/{phone-number-id}/messages` with the bearer token, answered by Meta with
 * `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}`.
 * Errors carry Meta's status and error code, never the text sent.
 */
export class GraphWhatsAppSender implements WhatsAppTextSender {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: () => Promise<string>,
    private readonly timeoutMs = 10_000,
  ) {}

  async sendText(lineId: string, to: string, body: string): Promise<{ messageId: string }> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/${encodeURIComponent(lineId)}/messages`;
    const what = `message from line ${lineId}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.accessToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GraphApiError(`${what}: ${(error as Error).message}`, undefined, true);
    }
    const answer = (await response.json().catch(() => undefined)) as { messages?: Array<{ id?: unknown }>; error?: { code?: unknown; message?: unknown } } | undefined;
    if (!response.ok) {
      const code = answer?.error?.code !== undefined ? ` (Meta error ${String(answer.error.code)}${typeof answer.error.message === 'string' ? `: ${answer.error.message.slice(0, 200)}` : ''})` : '';
      throw new GraphApiError(`${what}: HTTP ${response.status}${code}`, response.status, response.status >= 500 || response.status === 429);
    }
    const id = answer?.messages?.[0]?.id;
    if (typeof id !== 'string' || id === '') throw new GraphApiError(`${what}: the answer has no message id`, response.status, false);
    return { messageId: id };
  }
}
