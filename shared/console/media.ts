import { recordAccess } from './audit';
import { notFound } from './errors';
import type { ConsoleDependencies, ConsoleRequest } from './ports';
import { canSeeLine } from './principal';
import type { MediaLinkJson } from './wire';

/** How long a download link works (S3 presigned GET). */
export const MEDIA_LINK_SECONDS = 300;

/** `GET /api/media/{mediaId}`: the archived file's facts and, once stored, a link valid for 5 minutes. Audited. */
export async function mediaLink(deps: ConsoleDependencies, request: ConsoleRequest, mediaId: string): Promise<MediaLinkJson> {
  const item = mediaId.length <= 200 ? await deps.media.get(mediaId) : undefined;
  if (!item || !canSeeLine(deps.config, request.principal, item.lineId)) {
    await recordAccess(deps, request, 'console-media-read', { outcome: 'not-found', detail: `media ${mediaId}` });
    throw notFound(`media ${mediaId}`);
  }
  const link = item.state === 'stored' && item.s3Key ? await deps.mediaLinks.link(item.s3Key, MEDIA_LINK_SECONDS, item.filename) : undefined;
  if (link) await recordAccess(deps, request, 'console-media-read', { lineId: item.lineId, detail: `media ${mediaId} (message ${item.messageId}, sha256 ${item.sha256})` });
  return {
    mediaId: item.mediaId,
    messageId: item.messageId,
    lineId: item.lineId,
    state: item.state,
    url: link?.url ?? null,
    expiresAt: link?.expiresAt ?? null,
    sha256: item.sha256 ?? null,
    hashVerified: item.hashVerified ?? null,
    mimeType: item.sniffedMime ?? item.declaredMime ?? null,
    declaredMime: item.declaredMime ?? null,
    sniffedMime: item.sniffedMime ?? null,
    filename: item.filename ?? null,
    size: item.size ?? null,
    storedAt: item.storedAt ?? null,
  };
}
