import { fetchMedia } from '../../shared/media/fetch-media';
import { mediaFetchDependencies } from '../media-fetch/dependencies';
import { fetchMediaForFlow } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const deps = mediaFetchDependencies();

/** FetchMedia: the same download as the media queue's function, inside the flow. */
export const handler = flowTask('FetchMedia', (state) => fetchMediaForFlow(state, { media: deps.media, fetch: (mediaId) => fetchMedia(mediaId, deps) }));
