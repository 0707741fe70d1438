import type { ShapeDetector } from './detector';
import { isCalendarDate, shapePattern } from './tokens';

const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';
const CURP_STATES = 'AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE';

export function curpCheckDigit(firstSeventeen: string): number {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += CURP_ALPHABET.indexOf(firstSeventeen[index]) * (18 - index);
  return (10 - (sum % 10)) % 10;
}

/** YYMMDD is a real date in one of `centuries` (a CURP knows its century, an RFC does not). */
function isDateOfBirth(yymmdd: string, centuries: readonly number[]): boolean {
  const [year, month, day] = [Number(yymmdd.slice(0, 2)), Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6))];
  return centuries.some((century) => isCalendarDate(century + year, month, day));
}

/**
 * Mexican CURP: four letters, date of birth, sex (H, M or X), state, three consonants, a character
 * that is a digit for births before 2000 and a letter after, and the check digit.
 */
export const curp: ShapeDetector = {
  name: 'curp',
  pattern: shapePattern(String.raw`[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX](?:${CURP_STATES})[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d`, 'i'),
  minDigits: 7,
  minRun: 6,
  validate(match) {
    const value = match.toUpperCase();
    const century = /\d/.test(value[16]) ? 1900 : 2000;
    if (!isDateOfBirth(value.slice(4, 10), [century])) return undefined;
    return curpCheckDigit(value) === Number(value[17]) ? { normalized: value } : undefined;
  },
  mask: (value) => `${'*'.repeat(15)}${value.slice(15)}`,
};

const RFC_ALPHABET = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
/** The SAT's generic RFCs (general public, foreigners): not anyone's. */
const GENERIC_RFCS = new Set(['XAXX010101000', 'XEXX010101000']);

/** The SAT check character of the first 11 (company) or 12 (person) characters. */
export function rfcCheckCharacter(withoutCheck: string): string {
  const padded = withoutCheck.length === 11 ? ` ${withoutCheck}` : withoutCheck;
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += RFC_ALPHABET.indexOf(padded[index]) * (13 - index);
  const digit = 11 - (sum % 11);
  return digit === 11 ? '0' : digit === 10 ? 'A' : String(digit);
}

/**
 * Mexican RFC: persons 4 letters + YYMMDD + 3-character homoclave (13), companies 3 letters (12);
 * optionally GODE-561231-GR8 or GODE 561231 GR8. The date must exist and the last character is the
 * SAT check character.
 */
export const rfc: ShapeDetector = {
  name: 'rfc',
  pattern: shapePattern(String.raw`[A-ZÑ&]{3,4}[ -]?\d{6}[ -]?[A-Z\d]{2}[\dA]`, 'i'),
  minDigits: 6,
  minRun: 6,
  validate(match) {
    const value = match.replace(/[ -]/g, '').toUpperCase();
    if (GENERIC_RFCS.has(value)) return undefined;
    if (!isDateOfBirth(value.slice(-9, -3), [1900, 2000])) return undefined;
    return rfcCheckCharacter(value.slice(0, -1)) === value.slice(-1) ? { normalized: value } : undefined;
  },
  mask: (value) => `${'*'.repeat(value.length - 3)}${value.slice(-3)}`,
};
