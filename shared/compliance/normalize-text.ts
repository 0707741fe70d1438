/**
 * Text folding for the keyword checks: case- and accent-insensitive, with a map from every
 * folded character back to the original text so hits can quote what the person really wrote.
 *
 * Folding is per code point: lowercase, NFKD (which also turns compatibility forms such as
 * full-width letters and ligatures into plain letters), then drop combining marks. So
 * "INFORMAÇÃO", "Informação" and "informacao" all fold to "informacao".
 */

export interface FoldedText {
  /** The original text. */
  readonly original: string;
  /** The folded text. */
  readonly text: string;
  /** For each folded UTF-16 unit: the offset in `original` of the code point it came from… */
  readonly sourceStart: Int32Array;
  /** …and the offset just after that code point. */
  readonly sourceEnd: Int32Array;
}

export interface Token {
  /** Folded word: a maximal run of Unicode letters and digits. */
  readonly word: string;
  /** Offsets in the folded text. */
  readonly start: number;
  readonly end: number;
}

const COMBINING_MARKS = /\p{M}/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Folded form of non-ASCII code points, memoized (bounded: an adversarial text cannot grow it forever). */
const foldCache = new Map<number, string>();
const FOLD_CACHE_LIMIT = 20_000;

function foldCodePoint(codePoint: number): string {
  let folded = foldCache.get(codePoint);
  if (folded === undefined) {
    folded = String.fromCodePoint(codePoint).toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
    if (foldCache.size < FOLD_CACHE_LIMIT) foldCache.set(codePoint, folded);
  }
  return folded;
}

/** Folds `original` and keeps the offset map. Linear in the length of the text. */
export function foldText(original: string): FoldedText {
  const length = original.length;
  let capacity = length + 16;
  let sourceStart = new Int32Array(capacity);
  let sourceEnd = new Int32Array(capacity);
  let out = '';
  let size = 0;
  // ASCII runs are appended as slices, which keeps the common case fast.
  let asciiRunStart = -1;
  const flushAscii = (end: number) => {
    if (asciiRunStart >= 0) {
      out += original.slice(asciiRunStart, end).toLowerCase();
      asciiRunStart = -1;
    }
  };
  const ensure = (extra: number) => {
    if (size + extra <= capacity) return;
    capacity = Math.max(capacity * 2, size + extra);
    const start = new Int32Array(capacity);
    start.set(sourceStart.subarray(0, size));
    const end = new Int32Array(capacity);
    end.set(sourceEnd.subarray(0, size));
    sourceStart = start;
    sourceEnd = end;
  };

  for (let index = 0; index < length; ) {
    const unit = original.charCodeAt(index);
    if (unit < 0x80) {
      if (asciiRunStart < 0) asciiRunStart = index;
      ensure(1);
      sourceStart[size] = index;
      sourceEnd[size] = index + 1;
      size++;
      index++;
      continue;
    }
    flushAscii(index);
    const codePoint = original.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const folded = foldCodePoint(codePoint);
    ensure(folded.length);
    for (let unitIndex = 0; unitIndex < folded.length; unitIndex++) {
      sourceStart[size] = index;
      sourceEnd[size] = index + width;
      size++;
    }
    out += folded;
    index += width;
  }
  flushAscii(length);
  return { original, text: out, sourceStart: sourceStart.subarray(0, size), sourceEnd: sourceEnd.subarray(0, size) };
}

/** The folded form only (for configured terms). */
export function fold(text: string): string {
  return foldText(text).text;
}

/** Words of a folded text, with their folded offsets. */
export function tokenize(folded: string): Token[] {
  const tokens: Token[] = [];
  for (const match of folded.matchAll(WORD)) tokens.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  return tokens;
}

/** The folded words of a configured term or phrase ("Planilha de Preços" → planilha, de, precos). */
export function wordsOf(term: string): string[] {
  return fold(term).match(WORD) ?? [];
}

/** Original offsets `[start, end)` of the folded range `[start, end)`. */
export function originalRange(folded: FoldedText, start: number, end: number): [number, number] {
  if (end <= start) {
    const at = start < folded.sourceStart.length ? folded.sourceStart[start] : folded.original.length;
    return [at, at];
  }
  return [folded.sourceStart[start], folded.sourceEnd[end - 1]];
}

const ELLIPSIS = '…';

/** A span of the text to show masked in an excerpt (personal data, as the pii detectors mask it). */
export interface Redaction {
  start: number;
  end: number;
  masked: string;
}

/**
 * About `width` characters of `text` around `[start, end)`, on one line, with "…" where it was
 * cut. Cuts fall on spaces when one is near, and never inside a surrogate pair. Each redaction
 * inside the excerpt is written masked; one the cut runs through is starred, so no part of it shows.
 */
export function excerptAround(text: string, start: number, end: number, width = 60, redactions: readonly Redaction[] = []): string {
  let from: number;
  let to: number;
  if (end - start >= width) {
    from = start;
    to = start + width;
  } else {
    const room = width - (end - start);
    from = Math.max(0, start - Math.floor(room / 2));
    to = Math.min(text.length, end + (room - (start - from)));
    from = Math.max(0, from - (width - (to - from)));
    // Prefer cutting at a space within a few characters, without eating into the match.
    from = snapForward(text, from, start);
    to = snapBackward(text, to, end);
  }
  from = avoidSplitPair(text, from);
  to = avoidSplitPair(text, to);
  const body = redactedSlice(text, from, to, redactions).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? ELLIPSIS : ''}${body}${to < text.length ? ELLIPSIS : ''}`;
}

/** `text` (or its slice [from, to)) with each redaction written masked, and what of one the slice cuts through starred. */
export function redactedSlice(text: string, from: number, to: number, redactions: readonly Redaction[]): string {
  let out = '';
  let at = from;
  for (const redaction of [...redactions].sort((a, b) => a.start - b.start)) {
    if (redaction.end <= at || redaction.start >= to) continue;
    out += text.slice(at, Math.max(at, redaction.start));
    const inside = redaction.start >= from && redaction.end <= to;
    out += inside ? redaction.masked : '*'.repeat(Math.min(to, redaction.end) - Math.max(at, redaction.start));
    at = Math.min(to, redaction.end);
  }
  return out + text.slice(at, to);
}

const SNAP = 12;

function snapForward(text: string, from: number, limit: number): number {
  if (from === 0 || /\s/.test(text[from - 1])) return from;
  for (let index = from; index < Math.min(limit, from + SNAP); index++) if (/\s/.test(text[index])) return index + 1;
  return from;
}

function snapBackward(text: string, to: number, limit: number): number {
  if (to >= text.length || /\s/.test(text[to])) return to;
  for (let index = to; index > Math.max(limit, to - SNAP); index--) if (/\s/.test(text[index - 1])) return index - 1;
  return to;
}

function avoidSplitPair(text: string, offset: number): number {
  if (offset <= 0 || offset >= text.length) return offset;
  const previous = text.charCodeAt(offset - 1);
  return previous >= 0xd800 && previous <= 0xdbff ? offset + 1 : offset;
}
