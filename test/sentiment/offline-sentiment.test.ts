import nlpCore from '@nlpjs/core';
import nlpLangEs from '@nlpjs/lang-es';
import nlpLangPt from '@nlpjs/lang-pt';
import nlpSentiment from '@nlpjs/sentiment';
import { describe, expect, it } from 'vitest';
import type { SentimentResult } from '../../shared/compliance/model';
import {
  OfflineSentimentAnalyzer,
  type OfflineExplanation,
  type SentimentSkipped,
  offlineSentimentAnalyzer,
  scoresFromPolarity,
} from '../../shared/compliance/sentiment';

const analyzer = new OfflineSentimentAnalyzer();

async function analyzed(text: string): Promise<SentimentResult> {
  const result = await analyzer.analyze(text);
  if ('skipped' in result) throw new Error(`skipped: ${result.skipped}`);
  return result;
}
async function explained(text: string): Promise<OfflineExplanation> {
  const result = await analyzer.explain(text);
  if ('skipped' in result) throw new Error(`skipped: ${result.skipped}`);
  return result;
}

const NEUTRAL_BUSINESS_LINES = [
  'Qual o prazo de entrega para São Paulo?',
  '¿Me pasás la cotización del modelo X?',
  'Bom dia, segue o orçamento em anexo',
  'Oi, tudo bem? Queria saber o valor do frete pra Curitiba',
  'Pode me mandar a nota fiscal por favor',
  'Vou passar na loja amanhã de manhã para retirar',
  'Preciso de 3 unidades do modelo grande, tem em estoque?',
  'Nao recebi o pedido ainda, voces podem verificar?',
  'Obrigada pela atenção, até amanhã',
  'Buenas tardes, te mando la factura mañana',
  'Hola, queria saber si tienen stock del modelo que vi ayer',
  '¿Aceptan tarjeta de crédito o solo efectivo?',
  'Lo retiro el lunes a la mañana',
  'Can you send me the invoice please?',
  'When will my package arrive?',
];

describe('OfflineSentimentAnalyzer', () => {
  it('finds the Spanish complaint NEGATIVE with Negative ≥ 0.8', async () => {
    const result = await analyzed('Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio');
    expect(result).toMatchObject({ sentiment: 'NEGATIVE', languageCode: 'es', analyzer: 'offline' });
    expect(result.scores.Negative).toBeGreaterThanOrEqual(0.8);
  });

  it('finds the Portuguese complaint NEGATIVE with Negative ≥ 0.8', async () => {
    const result = await analyzed('Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada');
    expect(result).toMatchObject({ sentiment: 'NEGATIVE', languageCode: 'pt', analyzer: 'offline' });
    expect(result.scores.Negative).toBeGreaterThanOrEqual(0.8);
  });

  it('finds praise POSITIVE', async () => {
    const portuguese = await analyzed('Muito obrigado, o atendimento foi excelente!');
    expect(portuguese).toMatchObject({ sentiment: 'POSITIVE', languageCode: 'pt' });
    expect(portuguese.scores.Positive).toBeGreaterThan(0.8);
    expect(await analyzed('Genial, muy conformes con el trabajo, los recomiendo')).toMatchObject({ sentiment: 'POSITIVE', languageCode: 'es' });
    expect(await analyzed('Excellent, very happy with the product')).toMatchObject({ sentiment: 'POSITIVE', languageCode: 'en' });
  });

  it.each(NEUTRAL_BUSINESS_LINES)('finds the business line clearly NEUTRAL (Neutral ≥ 0.9): %s', async (text) => {
    const result = await analyzed(text);
    expect(result.sentiment).toBe('NEUTRAL');
    expect(result.scores.Neutral).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['Son una vergüenza, quiero que me devuelvan la plata'],
    ['El producto vino fallado y no funciona'],
    ['No me gustó nada el trato del vendedor'],
    ['Vocês são uma vergonha, quero meu dinheiro de volta'],
    ['Vou abrir reclamação no Procon'],
    ['Não gostei do atendimento'],
    ['This is terrible service, I want a refund'],
  ])('finds a one-complaint line NEGATIVE: %s', async (text) => {
    expect((await analyzed(text)).sentiment).toBe('NEGATIVE');
  });

  it('finds praise and complaint in one line MIXED', async () => {
    const result = await analyzed('O produto é bom mas a entrega atrasou muito');
    expect(result.sentiment).toBe('MIXED');
    expect(result.scores.Mixed).toBeGreaterThan(0.7);
  });

  it('limits a negation to the words after it, unlike nlp.js which flips the rest of the text', async () => {
    const explanation = await explained('No me responden, es un servicio horrible y malo');
    expect(explanation.nlpjs.vote).toBe('positive');
    expect(explanation.result.sentiment).toBe('NEGATIVE');
    expect(explanation.result.scores.Negative).toBeGreaterThan(0.9);
    expect((await analyzed('Não tive nenhum problema, tudo certo')).sentiment).not.toBe('NEGATIVE');
  });

  it('counts emoji with a clear polarity', async () => {
    expect((await analyzed('Não recebi nada até agora 😡😡')).sentiment).toBe('NEGATIVE');
    expect((await analyzed('Recebi o pedido hoje 😍👏')).sentiment).toBe('POSITIVE');
  });

  it('does not count greetings as praise', async () => {
    const result = await explained('Buenas tardes, buen día, te mando la factura mañana');
    expect(result.hits).toEqual([]);
  });

  it('returns Comprehend-shaped scores that sum to 1, the label being the largest', async () => {
    for (const text of [...NEUTRAL_BUSINESS_LINES, 'Estou muito insatisfeito, péssimo atendimento', 'O produto é bom mas a entrega atrasou muito', 'Adorei, chegou super rápido, parabéns']) {
      const { sentiment, scores } = await analyzed(text);
      const values = Object.values(scores);
      expect(values.every((value) => value >= 0 && value <= 1)).toBe(true);
      expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
      const largest = Object.entries(scores).sort((a, b) => b[1] - a[1])[0][0];
      expect(sentiment).toBe(largest.toUpperCase());
    }
  });

  it('skips what cannot carry sentiment, and languages other than es, pt and en', async () => {
    expect(await analyzer.analyze('ok 👍')).toEqual<SentimentSkipped>({ skipped: 'too short (2 letters, minimum 12)' });
    expect(await analyzer.analyze('https://wa.me/5511999999999')).toEqual<SentimentSkipped>({ skipped: 'only links' });
    expect(await analyzer.analyze('Bonjour, je voudrais savoir le prix de la livraison')).toEqual<SentimentSkipped>({
      skipped: 'language not es, pt or en (other-language)',
    });
  });

  it('is shared by the process', () => {
    expect(offlineSentimentAnalyzer()).toBe(offlineSentimentAnalyzer());
  });
});

describe('scoresFromPolarity', () => {
  it('is fully NEUTRAL without polar words and within the dead zone of one weak cue', () => {
    expect(scoresFromPolarity(0, 0)).toEqual({ sentiment: 'NEUTRAL', scores: { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 } });
    expect(scoresFromPolarity(1, 0).scores.Neutral).toBe(1);
    expect(scoresFromPolarity(0, 1).scores.Neutral).toBe(1);
  });

  it('reaches Negative 0.8 at a negative mass of 1 + 2·ln 5', () => {
    expect(scoresFromPolarity(0, 1 + 2 * Math.log(5)).scores.Negative).toBeCloseTo(0.8, 10);
    expect(scoresFromPolarity(0, 3)).toMatchObject({ sentiment: 'NEGATIVE' });
    expect(scoresFromPolarity(0, 2)).toMatchObject({ sentiment: 'NEUTRAL' });
  });

  it('moves mass to Mixed as the two sides balance, and breaks a tie towards NEGATIVE', () => {
    expect(scoresFromPolarity(3, 3).sentiment).toBe('MIXED');
    expect(scoresFromPolarity(1, 4).sentiment).toBe('NEGATIVE');
    expect(scoresFromPolarity(2, 4).scores.Mixed).toBeCloseTo(scoresFromPolarity(2, 4).scores.Negative, 10);
    expect(scoresFromPolarity(2, 4).sentiment).toBe('NEGATIVE');
  });
});

describe('nlp.js as shipped (why the offline analyzer corrects its lexicons and negation)', () => {
  async function shipped(locale: 'es' | 'pt', text: string): Promise<number> {
    const container = new nlpCore.Container();
    container.use(locale === 'es' ? nlpLangEs.LangEs : nlpLangPt.LangPt);
    const output = await new nlpSentiment.SentimentAnalyzer({ container }).process({ locale, text });
    return output.sentiment.score;
  }

  it('scores the Portuguese complaint positive and a business question negative', async () => {
    expect(await shipped('pt', 'Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada')).toBeGreaterThan(0);
    expect(await shipped('pt', 'Qual o prazo de entrega para São Paulo?')).toBeLessThan(0);
  });

  it('flips every word after a Spanish negation', async () => {
    expect(await shipped('es', 'Es un servicio horrible y malo')).toBeLessThan(0);
    expect(await shipped('es', 'No me responden, es un servicio horrible y malo')).toBeGreaterThan(0);
  });
});
