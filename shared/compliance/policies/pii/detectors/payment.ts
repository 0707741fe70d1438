import type { ShapeDetector } from './detector';
import { allSameCharacter, digitsOf, shapePattern } from './tokens';

interface Issuer {
  name: string;
  /** Inclusive prefix ranges, both ends with the same number of digits. */
  prefixes: readonly (readonly [string, string])[];
  lengths: readonly number[];
}

const single = (prefix: string) => [prefix, prefix] as const;

/** The issuers' published IIN ranges (Elo's and Hipercard's own BINs included: they are not all inside another range). */
const ISSUERS: readonly Issuer[] = [
  { name: 'visa', prefixes: [single('4')], lengths: [13, 16, 19] },
  { name: 'mastercard', prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { name: 'amex', prefixes: [single('34'), single('37')], lengths: [15] },
  { name: 'discover', prefixes: [single('6011'), ['644', '649'], single('65'), ['622126', '622925']], lengths: [16, 17, 18, 19] },
  { name: 'diners', prefixes: [['300', '305'], single('3095'), single('36'), ['38', '39']], lengths: [14, 15, 16, 17, 18, 19] },
  { name: 'jcb', prefixes: [['3528', '3589']], lengths: [16, 17, 18, 19] },
  {
    name: 'elo',
    prefixes: [['401178', '401179'], single('431274'), single('438935'), single('451416'), single('457393'), ['457631', '457632'], single('504175'), ['506699', '506778'], ['509000', '509999'], single('627780'), single('636297'), single('636368'), ['650031', '650033'], ['650035', '650051'], ['650405', '650439'], ['650485', '650538'], ['650541', '650598'], ['650700', '650718'], ['650720', '650727'], ['650901', '650978'], ['651652', '651679'], ['655000', '655019'], ['655021', '655058']],
    lengths: [16],
  },
  { name: 'hipercard', prefixes: [single('606282'), single('384100'), single('384140'), single('384160')], lengths: [16, 19] },
  { name: 'unionpay', prefixes: [single('62')], lengths: [16, 17, 18, 19] },
];

export function cardIssuer(digits: string): string | undefined {
  for (const issuer of ISSUERS) {
    if (!issuer.lengths.includes(digits.length)) continue;
    for (const [from, to] of issuer.prefixes) {
      const prefix = digits.slice(0, from.length);
      if (prefix >= from && prefix <= to) return issuer.name;
    }
  }
  return undefined;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = digits.length - 1, double = false; index >= 0; index--, double = !double) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) digit = digit > 4 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export function isValidCard(digits: string): boolean {
  return !allSameCharacter(digits) && cardIssuer(digits) !== undefined && passesLuhn(digits);
}

/**
 * Payment cards: 13–19 digits bare, or in the printed groups with spaces or hyphens (4-4-4-4, 4-4-4-4-3,
 * Amex 4-6-5, Diners 4-6-4); Luhn and a known issuer prefix with one of its lengths. "4111 1111 1111
 * 1111 123" is tried as 19 digits, then as the 16 before the last group.
 */
export const card: ShapeDetector = {
  name: 'card',
  pattern: shapePattern(String.raw`\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5}|\d{13,19}`),
  minDigits: 13,
  minRun: 4,
  validate(match) {
    const digits = digitsOf(match);
    if (isValidCard(digits)) return { normalized: digits };
    const sixteen = digits.slice(0, 16);
    if (digits.length === 19 && match.length === 23 && isValidCard(sixteen)) return { normalized: sixteen, length: 19 };
    return undefined;
  },
  mask: (digits) => `**** **** **** ${digits.slice(-4)}`,
};

/** IBAN lengths: the SEPA countries, Brazil and the Latin American countries that issue IBANs. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28,
  IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27,
  VA: 22, BR: 29, CR: 22, DO: 28, GT: 28, SV: 28,
};

export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index++) {
    const code = rearranged.charCodeAt(index);
    remainder = code <= 57 ? (remainder * 10 + code - 48) % 97 : (remainder * 100 + code - 55) % 97;
  }
  return remainder;
}

/**
 * IBAN: country code, two check digits and the country's length, mod 97 = 1; bare or in groups of 4
 * separated by single spaces. The shape takes what follows too ("… 0130 00 ok"): the country's length
 * says where the IBAN ends.
 */
export const iban: ShapeDetector = {
  name: 'iban',
  pattern: shapePattern(String.raw`[A-Z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}`),
  minDigits: 10,
  validate(match) {
    const length = IBAN_LENGTHS[match.slice(0, 2)];
    if (length === undefined) return undefined;
    const grouped = match[4] === ' ';
    const rawLength = grouped ? length + Math.floor((length - 1) / 4) : length;
    const raw = match.slice(0, rawLength);
    if (raw.length < rawLength || !(grouped ? /^(?:[A-Za-z0-9]{4} )*[A-Za-z0-9]{1,4}$/ : /^[A-Za-z0-9]+$/).test(raw)) return undefined;
    const compact = raw.replaceAll(' ', '').toUpperCase();
    return ibanMod97(compact) === 1 ? { normalized: compact, length: rawLength } : undefined;
  },
  mask(compact) {
    const hidden = `${compact.slice(0, 2)}${'*'.repeat(compact.length - 6)}${compact.slice(-4)}`;
    return hidden.replace(/(.{4})(?=.)/g, '$1 ');
  },
};
