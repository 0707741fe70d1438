/**
 * Write-sharded index partitions (issue 19, docs/scale.md). A partition key that every message
 * would write — the day of the `byDay` index, the state of `byMediaState`, the status of
 * `byAlertStatus` and `byAlertStatusForCounts` — caps the whole archive
 * at one partition's 1,000 writes a second. Such keys carry a shard suffix taken from the item's
 * own id (`DAY#2026-12-03#07`), so the writes of a day spread over {@link INDEX_SHARDS} partitions;
 * readers query every shard (in parallel) and merge.
 *
 * Items written before sharding have the bare key (`DAY#2026-12-03`): readers query it too, until
 * `vigia migrate index-shards` has rewritten them (it is then empty, and costs one empty Query).
 */
export const INDEX_SHARDS = 16;

/**
 * Shards of an alert status (`ALERT_STATUS#open#03`), from the alert's id, so a status change
 * keeps the shard. Fewer than {@link INDEX_SHARDS}: alerts are a few percent of messages
 * (`ALERT_STATUS#open` took 127 WCU/s per 1,000 msg/s unsharded, docs/scale.md — 4 shards put
 * it at 16 % of a partition at 5,000 msg/s and 63 % at 20,000), and every page of the console's
 * queue and each of its counts read every shard of the statuses they show: 8 shards doubled the
 * console's local list latency. Raising the count later is safe for readers (an alert's shard
 * under 4 is its shard under 8 modulo 4, and readers query them all).
 */
export const ALERT_STATUS_SHARDS = 4;

/** The shard of an item, from its id: FNV-1a (32 bits), stable across processes and versions. */
export function shardOf(id: string, shards = INDEX_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

const suffix = (shard: number) => String(shard).padStart(2, '0');

/** The `byDay` partition of a message of that day. */
export const dayPartition = (day: string, messageId: string) => `DAY#${day}#${suffix(shardOf(messageId))}`;
/** The `byMediaState` partition of a media item in that state. */
export const mediaStatePartition = (state: string, mediaId: string) => `MEDIA_STATE#${state}#${suffix(shardOf(mediaId))}`;

/** The `byAlertStatus` (and `byAlertStatusForCounts`) partition of an alert in that status. */
export const alertStatusPartition = (status: string, alertId: string) => `ALERT_STATUS#${status}#${suffix(shardOf(alertId, ALERT_STATUS_SHARDS))}`;

/** Every partition a reader queries for the day: the shards, and the bare key of items written before sharding. */
export const dayPartitions = (day: string) => [`DAY#${day}`, ...shardKeys(`DAY#${day}`)];
export const mediaStatePartitions = (state: string) => [`MEDIA_STATE#${state}`, ...shardKeys(`MEDIA_STATE#${state}`)];
export const alertStatusPartitions = (status: string) => [bareAlertStatusKey(status), ...shardKeys(bareAlertStatusKey(status), ALERT_STATUS_SHARDS)];
/** The key of an alert status written before sharding. */
export const bareAlertStatusKey = (status: string) => `ALERT_STATUS#${status}`;

function shardKeys(base: string, shards = INDEX_SHARDS): string[] {
  return Array.from({ length: shards }, (_, shard) => `${base}#${suffix(shard)}`);
}

/**
 * A key written before sharding (`DAY#<day>`, `MEDIA_STATE#<state>`, `ALERT_STATUS#<status>`), and
 * its sharded form for the item's id (the message, media or alert id); undefined when already sharded.
 */
export function shardedForm(key: string, id: string): string | undefined {
  if (/^DAY#\d{4}-\d{2}-\d{2}$/.test(key)) return `${key}#${suffix(shardOf(id))}`;
  if (/^MEDIA_STATE#[a-z]+$/.test(key)) return `${key}#${suffix(shardOf(id))}`;
  if (/^ALERT_STATUS#[a-z]+$/.test(key)) return `${key}#${suffix(shardOf(id, ALERT_STATUS_SHARDS))}`;
  return undefined;
}
