import { ruleChecks } from '../../shared/compliance/flow-tasks';
import { ruleChecksDependencies } from './dependencies/rule-checks';
import { flowTask } from './task-handler';

const dependencies = ruleChecksDependencies();

export const handler = flowTask('RuleChecks', (state) => ruleChecks(state, dependencies));
