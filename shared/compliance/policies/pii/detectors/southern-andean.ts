import type { ShapeDetector } from './detector';
import { digitsOf, shapePattern } from './tokens';

const CUIT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

export function cuitCheckDigit(firstTen: string): number | undefined {
  let sum = 0;
  for (let index = 0; index < 10; index++) sum += Number(firstTen[index]) * CUIT_WEIGHTS[index];
  const digit = 11 - (sum % 11);
  // 10 is never issued: AFIP gives such people prefix 23 or 33 instead.
  return digit === 11 ? 0 : digit === 10 ? undefined : digit;
}

/** Argentine CUIT/CUIL: prefix 20, 23, 24, 27, 30, 33 or 34, eight digits and a mod-11 check digit; 20-12345678-6 or bare. */
export const cuit: ShapeDetector = {
  name: 'cuit',
  pattern: shapePattern(String.raw`(?:2[0347]|3[034])(?:-\d{8}-|\d{8})\d`),
  minDigits: 11,
  minRun: 8,
  validate(match) {
    const digits = digitsOf(match);
    return cuitCheckDigit(digits) === Number(digits[10]) ? { normalized: digits } : undefined;
  },
  mask: (digits) => `${digits.slice(0, 2)}-*****${digits.slice(7, 10)}-*`,
};

export function rutCheckCharacter(body: string): string {
  let sum = 0;
  for (let index = body.length - 1, weight = 2; index >= 0; index--, weight = weight === 7 ? 2 : weight + 1) sum += Number(body[index]) * weight;
  const digit = 11 - (sum % 11);
  return digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
}

/**
 * Chilean RUT/RUN: 12.345.678-5 or 12345678-5 (check character 0–9 or K). The hyphen is required:
 * without it any 8 or 9 digits would pass one time in eleven.
 */
export const rut: ShapeDetector = {
  name: 'rut',
  pattern: shapePattern(String.raw`\d{1,2}\.\d{3}\.\d{3}-[\dkK]|\d{7,8}-[\dkK]`),
  minDigits: 7,
  prefilter: (window) => window.includes('-'),
  validate(match) {
    const value = match.replace(/[.-]/g, '').toUpperCase();
    const body = value.slice(0, -1);
    return body.length >= 7 && rutCheckCharacter(body) === value.slice(-1) ? { normalized: value } : undefined;
  },
  mask: (value) => `**.***.${value.slice(-4, -1)}-*`,
};

const NIT_WEIGHTS = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];

export function nitCheckDigit(body: string): number {
  let sum = 0;
  for (let index = 0; index < body.length; index++) sum += Number(body[body.length - 1 - index]) * NIT_WEIGHTS[index];
  const remainder = sum % 11;
  return remainder < 2 ? remainder : 11 - remainder;
}

/**
 * Colombian NIT: nine digits and the DIAN check digit, written 900.123.456-8 or 900123456-8. The
 * hyphenated check digit is required: bare, it would be any ten digits one time in eleven.
 */
export const nit: ShapeDetector = {
  name: 'nit',
  pattern: shapePattern(String.raw`\d{3}\.\d{3}\.\d{3}-\d|\d{9}-\d`),
  minDigits: 10,
  prefilter: (window) => window.includes('-'),
  validate(match) {
    const digits = digitsOf(match);
    return nitCheckDigit(digits.slice(0, 9)) === Number(digits[9]) ? { normalized: digits } : undefined;
  },
  mask: (digits) => `***.***.${digits.slice(6, 9)}-*`,
};
