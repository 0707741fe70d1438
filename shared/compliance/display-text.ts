/** Small text helpers for what people read: notifications, `vigia alerts`, `vigia policies check`. */

/** Whitespace and control characters collapsed to single spaces. */
export const oneLine = (text: string) => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/** At most `limit` characters, the cut marked with `ellipsis` (never splitting a surrogate pair). */
export function truncate(text: string, limit: number, ellipsis = '…'): string {
  if (text.length <= limit) return text;
  let cut = limit - ellipsis.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut).trimEnd()}${ellipsis}`;
}

/** `1 term`, `3 terms`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
