/**
 * Where a token starts and ends. A candidate is an identifier only when it is a whole token: not a
 * piece of a longer number ("R$ 1.234.567,89", "10:45:12"), of a code or path ("SKU-12345678909",
 * "example.com/12345678909"), of a handle or order number ("@5511912345678", "#12345678901"), or
 * of an international number ("+12345678909" is a phone, not a CPF).
 */

const WORD_CHARACTER = /[\p{L}\p{N}_]/u;
const NUMBER_JOINERS = '.,:';
const CODE_JOINERS = '-/_\\';
const ALWAYS_JOINED_BEFORE = '#@+$';

function isWord(character: string | undefined): boolean {
  return character !== undefined && WORD_CHARACTER.test(character);
}

function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9';
}

export function isTokenStart(text: string, start: number): boolean {
  const before = text[start - 1];
  if (before === undefined) return true;
  if (isWord(before) || ALWAYS_JOINED_BEFORE.includes(before)) return false;
  if (CODE_JOINERS.includes(before)) return !isWord(text[start - 2]);
  if (NUMBER_JOINERS.includes(before)) return !isDigit(text[start - 2]);
  return true;
}

export function isTokenEnd(text: string, end: number): boolean {
  const after = text[end];
  if (after === undefined) return true;
  if (isWord(after) || after === '@') return false;
  if (CODE_JOINERS.includes(after)) return !isWord(text[end + 1]);
  if (NUMBER_JOINERS.includes(after)) return !isDigit(text[end + 1]);
  return true;
}

/**
 * A global pattern for the alternatives in `source`, not touching an ASCII letter or digit on either
 * side. isTokenStart and isTokenEnd check the rest (other letters, joiners) on the whole text: a
 * Unicode lookbehind here would be evaluated at every position and cost more than the search.
 */
export function shapePattern(source: string, flags = ''): RegExp {
  return new RegExp(`(?<![0-9A-Za-z_])(?:${source})(?![0-9A-Za-z_])`, `g${flags}`);
}

export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

export function allSameCharacter(value: string): boolean {
  for (let index = 1; index < value.length; index++) if (value[index] !== value[0]) return false;
  return true;
}

/** Valid year/month/day, where `year` is the full year (for 29 February). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
