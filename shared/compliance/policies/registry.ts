import type * as z from 'zod';
import { filePolicies } from './file';
import { keywordPolicies } from './keyword';
import { piiPolicies } from './pii';
import type { PolicyBase, PolicyKindDefinition } from './policy-kind';
import { sentimentPolicies } from './sentiment';

/**
 * The policy kinds, each a folder beside this file. A new kind is one more folder and one more
 * entry here (docs/compliance.md, "Adding a policy kind"). The order is the order of the config's
 * "must be one of" message, of a message's alerts, and of `vigia policies check`.
 */
const KINDS = [keywordPolicies, filePolicies, sentimentPolicies, piiPolicies] as const;

type Kind = (typeof KINDS)[number];
export type PolicyKindName = Kind['kind'];

/** A kind as code that treats every kind alike sees it. */
export type AnyPolicyKind = PolicyKindDefinition<z.ZodType<PolicyBase & { kind: PolicyKindName }>>;

export const POLICY_KINDS: readonly AnyPolicyKind[] = KINDS;

export { POLICY_SCHEMAS } from './schemas';

/** The config's policies of one kind. */
export type PolicyOf<Name extends PolicyKindName> = z.output<Extract<Kind, { kind: Name }>['schema']>;

/** The check results of a message, under each kind's name: the record's `compliance` (with `errors`). */
export type CheckResultsByKind = { [K in Kind as K['kind']]?: K['evidence'] extends (hit: never, result: infer Result) => unknown ? Result : never };

const byName = new Map<string, AnyPolicyKind>(POLICY_KINDS.map((kind) => [kind.kind, kind]));

/** The kind of that name; undefined for a name no kind has (an alert of a kind since removed). */
export function policyKind(name: string): AnyPolicyKind | undefined {
  return byName.get(name);
}

/** The policies of one kind, in config order. */
export function policiesOf<Name extends PolicyKindName>(policies: readonly PolicyBase[], kind: Name): Array<PolicyOf<Name>> {
  return policies.filter((policy) => policy.kind === kind) as Array<PolicyOf<Name>>;
}
