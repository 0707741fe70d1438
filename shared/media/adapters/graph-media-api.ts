import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** Meta's Graph API, version pinned; `WHATSAPP_GRAPH_API_URL` overrides it (tests, proxies). */
export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com/v25.0';

export interface MediaInfo {
  /** Temporary download URL (expires after 5 minutes; never persisted). */
  url: string;
  mimeType?: string;
  sha256?: string;
  fileSize?: number;
}

/** A Graph API answer that is not a success; `retriable` for 5xx, 429 and network failures. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

export interface GraphMediaApi {
  getMediaInfo(mediaId: string, lineId?: string): Promise<MediaInfo>;
  /** Opens the download; throws GraphApiError on a non-2xx answer. */
  download(url: string): Promise<Readable>;
}

/** Graph API over fetch with the bearer token; bodies are streamed, never buffered whole. */
export class FetchGraphMediaApi implements GraphMediaApi {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: () => Promise<string>,
    private readonly timeoutMs = 15_000,
  ) {}

  async getMediaInfo(mediaId: string, lineId?: string): Promise<MediaInfo> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}/${encodeURIComponent(mediaId)}`);
    if (lineId) url.searchParams.set('phone_number_id', lineId);
    const response = await this.request(url.toString(), `media ${mediaId} metadata`);
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!body || typeof body.url !== 'string') throw new GraphApiError(`media ${mediaId} metadata has no url`, response.status, true);
    const size = Number(body.file_size);
    return {
      url: body.url,
      mimeType: typeof body.mime_type === 'string' ? body.mime_type : undefined,
      sha256: typeof body.sha256 === 'string' ? body.sha256 : undefined,
      fileSize: Number.isFinite(size) ? size : undefined,
    };
  }

  async download(url: string): Promise<Readable> {
    const response = await this.request(url, 'media download');
    if (!response.body) throw new GraphApiError('media download has no body', response.status, true);
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  }

  private async request(url: string, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${await this.accessToken()}` },
        // Only the wait for headers is bounded here; a slow body is bounded by the caller's idle timeout.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GraphApiError(`${what}: ${(error as Error).message}`, undefined, true);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retriable = response.status >= 500 || response.status === 429;
      throw new GraphApiError(`${what}: HTTP ${response.status}`, response.status, retriable);
    }
    return response;
  }
}
