import { fetchMediaForFlow } from '../../shared/compliance/flow-tasks';
import { fetchMediaDependencies } from './dependencies/fetch-media';
import { flowTask } from './task-handler';

const dependencies = fetchMediaDependencies();

/** FetchMedia: the same download as the media queue's function, inside the flow. */
export const handler = flowTask('FetchMedia', (state) => fetchMediaForFlow(state, dependencies));
