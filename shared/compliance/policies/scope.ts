import type { PolicyBase } from './policy-kind';

/** Where a message sits: policies apply by direction and, when they list teams, by the line's team. */
export interface PolicyScope {
  direction: 'inbound' | 'outbound';
  team?: string;
}

/** True when the policy applies to a message in this scope. */
export function appliesTo(policy: Pick<PolicyBase, 'teams' | 'direction'>, scope: PolicyScope): boolean {
  if (policy.direction !== 'both' && policy.direction !== scope.direction) return false;
  return policy.teams === undefined || (scope.team !== undefined && policy.teams.includes(scope.team));
}
