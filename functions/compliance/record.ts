import { record } from '../../shared/compliance/flow-tasks';
import { recordDependencies } from './dependencies/record';
import { flowTask } from './task-handler';

const dependencies = recordDependencies();

/** Record (and RecordFailure, which invokes this function with `failure` set). */
export const handler = flowTask('Record', (state) => record(state, dependencies));
