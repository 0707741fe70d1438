import { describe, expect, it } from 'vitest';
import { canCarrySentiment, sentimentLanguage } from '../../shared/compliance/sentiment';

describe('canCarrySentiment', () => {
  it('accepts a chat line with at least 12 letters', () => {
    expect(canCarrySentiment('Qual o prazo de entrega?')).toEqual({ ok: true });
  });

  it.each([
    ['', 'empty'],
    ['   \n ', 'empty'],
    ['https://wa.me/5511999999999', 'only links'],
    ['www.loja.com.br/produto?id=12 https://bit.ly/3xYz', 'only links'],
    ['loja.com.br/promo', 'only links'],
    ['👍👍🙏', 'only emoji'],
    ['🇧🇷🇦🇷 ❤️', 'only emoji'],
    ['11 99999-9999', 'only numbers'],
    ['R$ 1.234,56', 'too short (1 letter, minimum 12)'],
    ['1234,56 👍', 'only numbers'],
    ['?!... ---', 'no letters'],
    ['ok obg', 'too short (5 letters, minimum 12)'],
    ['Sí, dale 👍', 'too short (6 letters, minimum 12)'],
    ['veja https://example.com/abcdefghijklmnop', 'too short (4 letters, minimum 12)'],
  ])('skips %j: %s', (text, reason) => {
    expect(canCarrySentiment(text)).toEqual({ ok: false, reason });
  });

  it('counts Unicode letters: accented letters count once, other scripts count', () => {
    expect(canCarrySentiment('ação ótima é')).toEqual({ ok: false, reason: 'too short (10 letters, minimum 12)' });
    expect(canCarrySentiment('Здравствуйте')).toEqual({ ok: true });
  });

  it('takes another minimum', () => {
    expect(canCarrySentiment('ok obg', 5)).toEqual({ ok: true });
    expect(canCarrySentiment('Qual o prazo?', 20)).toEqual({ ok: false, reason: 'too short (10 letters, minimum 20)' });
  });
});

describe('sentimentLanguage', () => {
  it('returns the offline language of a line that can carry sentiment', () => {
    expect(sentimentLanguage('Qual o prazo de entrega para São Paulo?')).toEqual({ language: 'pt' });
  });

  it('skips a line in a language other than es, pt and en', () => {
    expect(sentimentLanguage('Bonjour, je voudrais savoir le prix de la livraison')).toEqual({
      skipped: 'language not es, pt or en (other-language)',
    });
  });

  it('skips a text that cannot carry sentiment before detecting its language', () => {
    expect(sentimentLanguage('👍👍')).toEqual({ skipped: 'only emoji' });
  });
});
