import { mediaDownloadDependencies } from '../../../shared/media/adapters/media-dependencies';
import { fetchMedia } from '../../../shared/media/fetch-media';

/** The FetchMedia function's composition root: the same download as the media queue's function. */
export function fetchMediaDependencies() {
  const download = mediaDownloadDependencies();
  return { media: download.media, fetch: (mediaId: string) => fetchMedia(mediaId, download) };
}
