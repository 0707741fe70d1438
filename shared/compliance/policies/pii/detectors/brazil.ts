import type { ShapeDetector } from './detector';
import { allSameCharacter, digitsOf, shapePattern } from './tokens';

/** CPF: 123.456.789-09, 123456789-09 or 11 digits; two mod-11 check digits. */
export const cpf: ShapeDetector = {
  name: 'cpf',
  pattern: shapePattern(String.raw`\d{3}\.\d{3}\.\d{3}-\d{2}|\d{9}-\d{2}|\d{11}`),
  minDigits: 11,
  minRun: 3,
  validate(match) {
    const digits = digitsOf(match);
    return isValidCpf(digits) ? { normalized: digits } : undefined;
  },
  mask: (digits) => `***.${digits.slice(3, 6)}.${digits.slice(6, 9)}-**`,
};

export function isValidCpf(digits: string): boolean {
  if (digits.length !== 11 || allSameCharacter(digits)) return false;
  return cpfCheckDigit(digits, 9) === Number(digits[9]) && cpfCheckDigit(digits, 10) === Number(digits[10]);
}

function cpfCheckDigit(digits: string, length: number): number {
  let sum = 0;
  for (let index = 0; index < length; index++) sum += Number(digits[index]) * (length + 1 - index);
  return ((sum * 10) % 11) % 10;
}

/**
 * CNPJ, numeric or alphanumeric (Receita Federal, from July 2026): 12 characters [0-9A-Z] and two
 * numeric check digits, each character worth its ASCII code − 48, mod 11 with the weights below.
 * Letters are upper-case, as the Receita writes them. A bare 14-digit number that reads as a
 * timestamp (20261203104513) is a timestamp.
 */
export const cnpj: ShapeDetector = {
  name: 'cnpj',
  pattern: shapePattern(String.raw`[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-\d{2}|[0-9A-Z]{12}\d{2}`),
  // The alphanumeric form needs only its two check digits, but either 14 digits, "/XXXX-9" or, bare,
  // a letter followed by a digit (its last letter, before the check digits).
  minDigits: 2,
  prefilter: (window, digits) => digits >= 14 || CNPJ_HINT.test(window),
  validate(match) {
    const value = match.replace(/[./-]/g, '');
    if (match.length === 14 && looksLikeTimestamp(value)) return undefined;
    return isValidCnpj(value) ? { normalized: value } : undefined;
  },
  mask: (value) => `${value.slice(0, 2)}.***.***/****-${value.slice(12)}`,
};

const CNPJ_HINT = /\/[0-9A-Z]{4}-\d|[A-Z]\d/;
const CNPJ_FIRST_WEIGHTS = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_SECOND_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidCnpj(value: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(value) || allSameCharacter(value)) return false;
  return cnpjCheckDigit(value, CNPJ_FIRST_WEIGHTS) === Number(value[12]) && cnpjCheckDigit(value, CNPJ_SECOND_WEIGHTS) === Number(value[13]);
}

function cnpjCheckDigit(value: string, weights: readonly number[]): number {
  let sum = 0;
  for (let index = 0; index < weights.length; index++) sum += (value.charCodeAt(index) - 48) * weights[index];
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/** YYYYMMDDhhmmss between 1970 and 2099: about 1 in 100,000 CNPJs reads like this. */
const TIMESTAMP = /^(?:19[7-9]\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d$/;

export function looksLikeTimestamp(digits: string): boolean {
  return TIMESTAMP.test(digits);
}

/** PIX random key ("chave aleatória"): a version-4 UUID, either case. */
export const pix: ShapeDetector = {
  name: 'pix',
  pattern: shapePattern('[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', 'i'),
  minDigits: 1,
  prefilter: (window) => window.includes('-4'),
  validate: (match) => ({ normalized: match.toLowerCase() }),
  mask: (key) => `${key.slice(0, -4).replace(/[0-9a-f]/g, '*')}${key.slice(-4)}`,
};
