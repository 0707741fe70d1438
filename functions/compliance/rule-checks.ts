import { configFromEnvironment } from '../../shared/config/vigia-config';
import { ruleChecks } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const config = configFromEnvironment();

export const handler = flowTask('RuleChecks', (state) => ruleChecks(state, config));
