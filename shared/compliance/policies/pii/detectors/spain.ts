import type { ShapeDetector } from './detector';
import { shapePattern } from './tokens';

const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const NIE_PREFIX_VALUE: Readonly<Record<string, string>> = { X: '0', Y: '1', Z: '2' };

export function dniControlLetter(eightDigits: string): string {
  return CONTROL_LETTERS[Number(eightDigits) % 23];
}

/**
 * Spanish DNI (12345678Z) and NIE (X1234567L), with or without a hyphen before the letter. Masked as
 * the Spanish data protection authority prescribes for publication: only four central digits.
 */
export const dni: ShapeDetector = {
  name: 'dni',
  pattern: shapePattern(String.raw`\d{8}-?[A-Za-z]|[XYZxyz]-?\d{7}-?[A-Za-z]`),
  minDigits: 7,
  minRun: 7,
  validate(match) {
    const value = match.replaceAll('-', '').toUpperCase();
    const number = value.length === 9 && value[0] in NIE_PREFIX_VALUE ? NIE_PREFIX_VALUE[value[0]] + value.slice(1, 8) : value.slice(0, 8);
    return dniControlLetter(number) === value[8] ? { normalized: value } : undefined;
  },
  mask: (value) => (value[0] in NIE_PREFIX_VALUE ? `****${value.slice(4, 8)}*` : `***${value.slice(3, 7)}**`),
};
