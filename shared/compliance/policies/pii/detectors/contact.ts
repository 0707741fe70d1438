import type { PiiFinding, ShapeDetector } from './detector';
import { shapePattern } from './tokens';

/** Brazilian area codes (DDD) in use. */
const BRAZILIAN_AREA_CODES = new Set(
  '11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46 47 48 49 51 53 54 55 61 62 63 64 65 66 67 68 69 71 73 74 75 77 79 81 82 83 84 85 86 87 88 89 91 92 93 94 95 96 97 98 99'.split(' '),
);

/** National numbers after the country code, for the countries whose chats Vigia reads most. */
const NATIONAL_LENGTHS: Readonly<Record<string, readonly number[]>> = { '1': [10], '34': [9], '351': [9], '52': [10], '54': [10, 11], '56': [9], '57': [10] };

function isBrazilianNumber(national: string): boolean {
  if (!BRAZILIAN_AREA_CODES.has(national.slice(0, 2))) return false;
  if (national.length === 11) return national[2] === '9';
  return national.length === 10 && national[2] >= '2' && national[2] <= '5';
}

function isInternationalNumber(digits: string): boolean {
  if (digits.startsWith('55')) return isBrazilianNumber(digits.slice(2));
  for (const [countryCode, lengths] of Object.entries(NATIONAL_LENGTHS)) {
    if (digits.startsWith(countryCode)) return lengths.includes(digits.length - countryCode.length);
  }
  return digits.length >= 8 && digits.length <= 15;
}

/**
 * National numbers by their digit groups ("(11) 91234-5678" → 2-5-4): Brazil (2-4-4 landline, 2-5-4
 * and 2-1-4-4 mobile, valid area code), Argentina/Mexico (2-4-4), Colombia/Argentina (3-3-4),
 * Chile (1-4-4, mobile 9 or Santiago 2), Spain (3-3-3, 3-2-2-2, starting 6–9).
 */
function isNationalNumber(groups: readonly string[]): boolean {
  const shape = groups.map((group) => group.length).join('-');
  const [first, second] = groups;
  switch (shape) {
    case '2-4-4':
      return first[0] !== '0';
    case '2-5-4':
      return BRAZILIAN_AREA_CODES.has(first) && second[0] === '9';
    case '2-1-4-4':
      return BRAZILIAN_AREA_CODES.has(first) && second === '9';
    case '3-3-4':
      return first[0] !== '0';
    case '1-4-4':
      return first === '9' || first === '2';
    case '3-3-3':
    case '3-2-2-2':
      return first[0] >= '6';
    default:
      return false;
  }
}

/** Separators a written number uses between its groups. */
const SEPARATOR_RUN = /^(?:[ .-]|\(|\)|\) |\)-| \()$/;
const DIGIT_GROUP = /\d+/g;

/** At most one "(", closed once after it. */
function hasBalancedParentheses(candidate: string): boolean {
  const opening = candidate.indexOf('(');
  const closing = candidate.indexOf(')');
  if (opening === -1 || closing === -1) return opening === closing;
  return opening < closing && opening === candidate.lastIndexOf('(') && closing === candidate.lastIndexOf(')');
}

/**
 * Phone numbers: international with + (E.164, 8–15 digits, Brazilian ones checked like national
 * ones), or national numbers with an area code written with separators or parentheses (not when
 * they follow "+55 ": that is an international number, valid or not). A bare run of digits is never
 * a phone: 11 bare digits are judged as a CPF, and nothing when they are not one. When the shape
 * runs on ("+55 11 91234-5678 12"), the longest prefix of whole digit groups that is a phone is taken.
 */
export const phone: ShapeDetector = {
  name: 'phone',
  pattern: shapePattern(String.raw`\+\d(?:[ .\-()]{0,2}\d){7,14}|(?<!\+\d{1,4}[ .\-(]{0,2})(?:\(\d{2,3}\) ?|\d{1,3}[ .\-])\d{1,5}(?:[ .\-]\d{1,5}){0,2}`),
  minDigits: 8,
  validate(match) {
    if (match.replace(/\D/g, '').length < 8) return undefined;
    const groups: { digits: string; end: number }[] = [];
    DIGIT_GROUP.lastIndex = 0;
    for (let group = DIGIT_GROUP.exec(match); group; group = DIGIT_GROUP.exec(match)) groups.push({ digits: group[0], end: group.index + group[0].length });
    const international = match.startsWith('+');
    for (let count = groups.length; count >= 2 || (international && count === 1); count--) {
      const kept = groups.slice(0, count);
      const candidate = match.slice(0, kept[count - 1].end);
      const isNumber = international ? isInternationalNumber(kept.map((group) => group.digits).join('')) : isNationalNumber(kept.map((group) => group.digits));
      if (!isNumber || !hasBalancedParentheses(candidate)) continue;
      if (!(candidate.match(/[^\d+]+/g) ?? []).every((separator) => SEPARATOR_RUN.test(separator))) continue;
      const digits = candidate.replace(/\D/g, '');
      return { normalized: international ? `+${digits}` : digits, length: candidate.length };
    }
    return undefined;
  },
  mask: (normalized) => `${normalized.startsWith('+') ? '+' : ''}${'*'.repeat(normalized.replace('+', '').length - 4)}${normalized.slice(-4)}`,
};

const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 253;
const NON_ASCII_WORD = /[\p{L}\p{N}]/u;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9\p{L}-]{1,63}(?<!-)$/u;
const TOP_LEVEL_DOMAIN = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

function isLocalPartCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code >= 128) return NON_ASCII_WORD.test(character);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || '._%+-'.includes(character);
}

function isDomainCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code >= 128) return NON_ASCII_WORD.test(character);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || character === '.' || character === '-';
}

/**
 * E-mail addresses, found from each "@" outwards without a regular expression over the text (so no
 * backtracking): a local part of letters, digits and . _ % + - (no leading, trailing or double dot,
 * at most 64), and a domain of at least two labels ending in an alphabetic top-level domain.
 */
export function findEmails(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    // Scanning stops one character past the limits: a longer run is not an address.
    let start = at;
    while (start > 0 && at - start <= MAX_LOCAL_PART && isLocalPartCharacter(text[start - 1])) start--;
    while (text[start] === '.') start++;
    let end = at + 1;
    while (end < text.length && end - at <= MAX_DOMAIN + 1 && isDomainCharacter(text[end])) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const local = text.slice(start, at);
    const domain = text.slice(at + 1, end);
    if (!isLocalPart(local) || !isDomain(domain)) continue;
    const normalized = `${local}@${domain}`.toLowerCase();
    findings.push({ detector: 'email', start, end, normalized, masked: maskEmail(normalized) });
    at = end - 1;
  }
  return findings;
}

function isLocalPart(local: string): boolean {
  return local.length > 0 && local.length <= MAX_LOCAL_PART && !local.endsWith('.') && !local.includes('..');
}

function isDomain(domain: string): boolean {
  if (domain.length > MAX_DOMAIN) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LEVEL_DOMAIN.test(labels[labels.length - 1]);
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  return `${String.fromCodePoint(address.codePointAt(0) ?? 0)}***${address.slice(at)}`;
}
