import { describe, expect, it } from 'vitest';
import { COMPREHEND_MAX_TEXT_BYTES, truncateUtf8 } from '../../shared/compliance/adapters/comprehend-sentiment';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** Throws on anything that is not valid UTF-8. */
const decodeStrict = (text: string) => new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(text));

function expectValidPrefix(result: string, input: string, limit: number) {
  expect(bytes(result)).toBeLessThanOrEqual(limit);
  expect(decodeStrict(result)).toBe(result);
  expect(input.startsWith(result)).toBe(true);
}

describe('truncateUtf8', () => {
  it('returns a text that fits unchanged, the limit included', () => {
    expect(truncateUtf8('Qual o prazo?', 100)).toBe('Qual o prazo?');
    const exact = `${'a'.repeat(4998)}é`;
    expect(bytes(exact)).toBe(COMPREHEND_MAX_TEXT_BYTES);
    expect(truncateUtf8(exact, COMPREHEND_MAX_TEXT_BYTES)).toBe(exact);
  });

  it('cuts ASCII at exactly the limit', () => {
    const result = truncateUtf8('a'.repeat(6000), COMPREHEND_MAX_TEXT_BYTES);
    expect(result).toBe('a'.repeat(5000));
  });

  it('does not split a 2-byte character at the boundary', () => {
    const input = `a${'ã'.repeat(3000)}`; // 1 + 6000 bytes: the limit falls inside an ã
    const result = truncateUtf8(input, 5000);
    expect(result).toBe(`a${'ã'.repeat(2499)}`);
    expect(bytes(result)).toBe(4999);
    expectValidPrefix(result, input, 5000);
  });

  it('does not split a 3-byte character at the boundary', () => {
    for (const limit of [4999, 5000, 5001]) {
      const input = `ab${'€'.repeat(2000)}`;
      const result = truncateUtf8(input, limit);
      expect(bytes(result)).toBe(2 + 3 * Math.floor((limit - 2) / 3));
      expectValidPrefix(result, input, limit);
    }
  });

  it('does not split a 4-byte emoji (a surrogate pair) at the boundary', () => {
    const input = `Péssimo ${'😡'.repeat(2000)}`;
    for (const limit of [4997, 4998, 4999, 5000]) {
      const result = truncateUtf8(input, limit);
      expect(result.endsWith('\uD83D')).toBe(false);
      expect(bytes(result)).toBeGreaterThan(limit - 4);
      expectValidPrefix(result, input, limit);
    }
  });

  it('keeps an emoji sequence, a flag and a combining accent whole', () => {
    const family = '👨‍👩‍👧'; // 18 bytes, 5 code points
    expect(truncateUtf8(`ok ${family}`, 3 + 17)).toBe('ok ');
    expect(truncateUtf8(`ok ${family}`, 3 + 18)).toBe(`ok ${family}`);
    expect(truncateUtf8('ok 👍🏽', 3 + 7)).toBe('ok ');
    expect(truncateUtf8('ok 🇧🇷', 3 + 7)).toBe('ok ');
    expect(truncateUtf8('cafe\u0301', 5)).toBe('caf');
  });

  it('replaces lone surrogates so the result is valid UTF-8', () => {
    const result = truncateUtf8('abc\uD83Ddef', 100);
    expect(result).toBe('abc\uFFFDdef');
    expect(decodeStrict(result)).toBe(result);
  });

  it('returns the longest valid prefix for any mix of 1- to 4-byte characters and any limit', () => {
    const alphabet = ['a', ' ', 'ç', 'ñ', 'é', '€', '語', '😀', '👍🏽', '👨‍👩‍👧', '🇦🇷', 'e\u0301'];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (let round = 0; round < 200; round += 1) {
      const input = Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const limit = Math.floor(random() * (bytes(input) + 5));
      const result = truncateUtf8(input, limit);
      expectValidPrefix(result, input, limit);
      if (result.length < input.length) {
        const next = segmenter.segment(input.slice(result.length))[Symbol.iterator]().next().value!.segment;
        expect(bytes(result) + bytes(next)).toBeGreaterThan(limit);
      }
    }
  });
});
