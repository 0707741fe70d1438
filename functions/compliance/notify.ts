import { notify } from '../../shared/compliance/flow-tasks';
import { notifyDependencies } from './dependencies/notify';
import { flowTask } from './task-handler';

const dependencies = notifyDependencies();

export const handler = flowTask('Notify', (state) => notify(state, dependencies));
