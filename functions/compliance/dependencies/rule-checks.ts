import { configFromEnvironment } from '../../../shared/config/vigia-config';
import type { FingerprintKeyDependencies } from '../../../shared/compliance/flow-tasks';
import { piiFingerprintKeySource } from '../../../shared/compliance/policies/pii/fingerprint-key';

/** The RuleChecks function's composition root: the config's policies and the fingerprint key. */
export function ruleChecksDependencies(): FingerprintKeyDependencies {
  return { config: configFromEnvironment(), fingerprintKey: piiFingerprintKeySource() };
}
