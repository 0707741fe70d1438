import { FilePolicySchema } from './file/schema';
import { KeywordPolicySchema } from './keyword/schema';
import { PiiPolicySchema } from './pii/schema';
import { SentimentPolicySchema } from './sentiment/schema';

/**
 * The kinds' config schemas alone, in the registry's order (registry.ts; a test checks they are the
 * same): what the config needs, without the kinds' matchers and detectors — every function loads
 * the config, and only the compliance flow runs the checks.
 */
export const POLICY_SCHEMAS = [KeywordPolicySchema, FilePolicySchema, SentimentPolicySchema, PiiPolicySchema] as const;
