import { fileContentCheck } from '../../shared/compliance/file-content-check';
import { fileContentDependencies } from './dependencies/file-content-check';
import { flowTask } from './task-handler';

const dependencies = fileContentDependencies();

/** FileContentCheck: the keyword and pii policies over the text inside the message's file. */
export const handler = flowTask('FileContentCheck', (state) => fileContentCheck(state, dependencies));
