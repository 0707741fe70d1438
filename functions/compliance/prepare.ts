import { prepare } from '../../shared/compliance/flow-tasks';
import { prepareDependencies } from './dependencies/prepare';
import { flowTask } from './task-handler';

const dependencies = prepareDependencies();

export const handler = flowTask('Prepare', (state) => prepare(state, dependencies));
