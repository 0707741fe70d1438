/*
 * The keys of the archived webhook bodies (raw/ and rejected/), and how to list them.
 *
 * Current layout (issue 19): `<area>h=<h>/dt=YYYY-MM-DD/<sha256 of the body>.json`, where `<h>` is
 * the first hex digit of that sha256. The key stays a function of the bytes and the receive day
 * (a retry of the same delivery on the same day writes the same key: idempotent), and a day's
 * writes are spread over 16 key ranges (`raw/h=0/` … `raw/h=f/`) that S3 can serve from 16
 * partitions, 3,500 PUT/s each — instead of every write of a new day landing after all of
 * yesterday's keys, in one tail partition, as with the first layout.
 *
 * First layout: `<area>dt=YYYY-MM-DD/<sha256>.json`. Objects written with it stay where they are
 * (they are evidence, sealed by key: never copied or renamed); every reader lists both.
 *
 * Key byte order, which the evidence seal relies on (no sort): `dt=` < `h=` ('d' < 'h'), and
 * `h=0` < … < `h=9` < `h=a` < … < `h=f` in ASCII; so the first layout's days in order, then each
 * shard 0…f with its days in order, is the byte order of the keys.
 */

/** The 16 shards of the current layout, in key byte order. */
export const RAW_KEY_SHARDS: readonly string[] = [...'0123456789abcdef'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The key of a body whose sha256 (lowercase hex) is `sha256`, received at `receivedAt` (ISO 8601), under `area` (`raw/`, `rejected/`). */
export function rawKeyFor(area: string, sha256: string, receivedAt: string): string {
  const day = receivedAt.slice(0, 10);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`rawKeyFor: not a lowercase hex sha256: ${JSON.stringify(sha256)}`);
  if (!DAY.test(day)) throw new Error(`rawKeyFor: not an ISO 8601 time: ${JSON.stringify(receivedAt)}`);
  return `${area}h=${sha256[0]}/dt=${day}/${sha256}.json`;
}

/** The receive day (YYYY-MM-DD) in a key of either layout, or undefined. */
export function receiveDayOfKey(key: string): string | undefined {
  return /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}

/**
 * The prefixes that hold one layout's run of days each, in key byte order: `<area>dt=` (the first
 * layout), then `<area>h=0/` … `<area>h=f/`. Listed one after the other, they give every key of
 * both layouts in byte order; within each, keys are in receive-day order.
 */
export function layoutPrefixes(area: string): string[] {
  return [`${area}dt=`, ...RAW_KEY_SHARDS.map((shard) => `${area}h=${shard}/`)];
}

/**
 * The prefixes of the given days (ascending) in both layouts, in key byte order: the first
 * layout's days, then for each shard 0…f its days. What the evidence seal lists, period by period.
 */
export function dayPrefixesInKeyOrder(area: string, days: readonly string[]): string[] {
  return layoutPrefixes(area).flatMap((layout) => days.map((day) => (layout.endsWith('dt=') ? `${layout}${day}/` : `${layout}dt=${day}/`)));
}

/** Where a listing of `layoutPrefix` (from `layoutPrefixes`) starts to skip the days before `sinceDay` (ListObjectsV2 StartAfter). */
export function startAfterDay(layoutPrefix: string, sinceDay: string): string {
  return layoutPrefix.endsWith('dt=') ? `${layoutPrefix}${sinceDay}` : `${layoutPrefix}dt=${sinceDay}`;
}
