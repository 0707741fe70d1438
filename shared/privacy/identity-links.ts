import type { IdentityLinkRecord, NormalizedRecord } from '../capture/records';
import type { ItemKey, ProjectionPrivacy } from './ports/subject-rights';
import type { LegalHold } from './retention';

/**
 * Identity links (issue 14; docs/privacy.md): two identifiers — phone number or
 * business-scoped user id (BSUID) — of the same person, from a `user_changed_user_id` or
 * `user_changed_number` system message or a contact seen with both. Stored twice,
 * `IDENTITY#<id>` / `LINK#<other id>` (docs/data-model.md), so a `Query` on either finds the other.
 *
 * - Subject requests and holds follow them transitively (shared/privacy/subject.ts): export,
 *   erasure and `vigia hold add --contact` by any of the identifiers cover all of them, and the
 *   link items are the subject's data (exported, erased with it).
 * - Erasure going forward (`propagateErasureToLinks`): a link projected after one side was erased
 *   extends the erasure to the other side — it is the same person who asked to be erased. The
 *   other side gets a tombstone with the erased side's erasure time, so every projection skips its
 *   records up to that time (retries, replays, and the rest of the same webhook), the link itself
 *   included when it is that old; what happens afterwards is new data, as for any erased contact.
 *   Items of the other side already archived before the link arrived are not deleted by the
 *   projection: `vigia subject erase` by either identifier removes them.
 * - Holds going forward (`extendHoldsToLinks`): a contact or conversation hold covering one side
 *   gets the other side in its `contactIds`, so its later records are written held.
 */

export const identityPartition = (contactId: string): string => `IDENTITY#${contactId}`;

/** The two items of a link: one under each identifier. */
export function identityLinkKeys(from: string, to: string): ItemKey[] {
  return [
    { pk: identityPartition(from), sk: `LINK#${to}` },
    { pk: identityPartition(to), sk: `LINK#${from}` },
  ];
}

export function identityLinksOf(records: readonly NormalizedRecord[]): IdentityLinkRecord[] {
  return records.filter((record): record is IdentityLinkRecord => record.kind === 'identity_link' && record.from !== '' && record.to !== '' && record.from !== record.to);
}

/** The identifiers these links connect, in groups (transitively: A→B and B→C make one group). */
export function linkedGroups(links: readonly { from: string; to: string }[]): string[][] {
  const parent = new Map<string, string>();
  const root = (id: string): string => {
    let at = id;
    while (parent.get(at) !== undefined && parent.get(at) !== at) at = parent.get(at)!;
    parent.set(id, at);
    return at;
  };
  for (const { from, to } of links) {
    if (!parent.has(from)) parent.set(from, from);
    if (!parent.has(to)) parent.set(to, to);
    parent.set(root(from), root(to));
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) groups.set(root(id), [...(groups.get(root(id)) ?? []), id]);
  return [...groups.values()].map((group) => group.sort());
}

/**
 * Before the erased contacts' records are dropped from a projection: the identifiers linked (in
 * these records) to an erased one get its tombstone too, with the latest erasure time of their
 * group. `known`: the tombstones already read for these records' identifiers (read here when not
 * given). Returns the tombstones written (identifier → erasure time), to add to `known`.
 */
export async function propagateErasureToLinks(
  records: readonly NormalizedRecord[],
  privacy: Pick<ProjectionPrivacy, 'tombstones' | 'putTombstones'>,
  known?: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const groups = linkedGroups(identityLinksOf(records));
  if (groups.length === 0) return written;
  const tombstones = known ?? (await privacy.tombstones(groups.flat()));
  if (tombstones.size === 0) return written;
  for (const group of groups) {
    const erasedAt = group.map((id) => tombstones.get(id)).filter((at): at is string => at !== undefined).sort().at(-1);
    if (erasedAt === undefined) continue;
    for (const id of group) if ((tombstones.get(id) ?? '') < erasedAt) written.set(id, erasedAt);
  }
  for (const erasedAt of new Set(written.values())) await privacy.putTombstones([...written].filter(([, at]) => at === erasedAt).map(([id]) => id), erasedAt);
  return written;
}

/**
 * Once the holds in force are read for a projection: a contact or conversation hold covering one
 * identifier of a link in these records is extended (stored, and in the holds returned) with the
 * others, so this webhook's and later webhooks' records about them are written held.
 */
export async function extendHoldsToLinks(records: readonly NormalizedRecord[], privacy: Pick<ProjectionPrivacy, 'extendHold'>, holds: LegalHold[]): Promise<LegalHold[]> {
  if (holds.length === 0) return holds;
  const groups = linkedGroups(identityLinksOf(records));
  if (groups.length === 0) return holds;
  return Promise.all(
    holds.map(async (hold) => {
      if (hold.scope === 'line') return hold;
      const ids = new Set(hold.contactIds ?? (hold.contactId ? [hold.contactId] : []));
      const missing = groups.filter((group) => group.some((id) => ids.has(id))).flatMap((group) => group.filter((id) => !ids.has(id)));
      if (missing.length === 0) return hold;
      await privacy.extendHold(hold, missing);
      return { ...hold, contactIds: [...ids, ...missing] };
    }),
  );
}
