import * as z from 'zod';
import { POLICY_SCHEMAS } from '../compliance/policies/schemas';

/** `policies`: one schema per policy kind, each from its folder under shared/compliance/policies/. */
export const PolicySchema = z.discriminatedUnion('kind', POLICY_SCHEMAS);

export type Policy = z.output<typeof PolicySchema>;
