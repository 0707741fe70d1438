import { describe, expect, it } from 'vitest';
import type { KeywordPolicy } from '../../shared/config/vigia-config';
import { compileKeywordPolicies, pluralForms } from '../../shared/compliance/keyword-engine';
import { excerptAround, foldText, originalRange, wordsOf } from '../../shared/compliance/normalize-text';

const policy = (fields: Partial<KeywordPolicy> & Pick<KeywordPolicy, 'id'>): KeywordPolicy => ({ kind: 'keyword', severity: 'high', direction: 'both', plurals: false, ...fields });
const inbound = { direction: 'inbound' } as const;

/** The matched term of the single policy `p`, or undefined. */
function matchOf(terms: string[], text: string, extra: Partial<KeywordPolicy> = {}): string | undefined {
  const hits = compileKeywordPolicies([policy({ id: 'p', terms, ...extra })]).match(text, inbound);
  expect(hits.length).toBeLessThanOrEqual(1);
  return hits[0]?.matched;
}

describe('foldText', () => {
  it('folds case and accents and maps folded offsets back to the original', () => {
    const folded = foldText('Olá, INFORMAÇÃO ﬁnal');
    expect(folded.text).toBe('ola, informacao final');
    const start = folded.text.indexOf('informacao');
    expect(folded.original.slice(...originalRange(folded, start, start + 'informacao'.length))).toBe('INFORMAÇÃO');
    const ligature = folded.text.indexOf('final');
    expect(folded.original.slice(...originalRange(folded, ligature, ligature + 5))).toBe('ﬁnal');
  });

  it('keeps offsets right across decomposed accents and astral characters', () => {
    const folded = foldText('😀 informac\u0327a\u0303o');
    expect(folded.text).toBe('😀 informacao');
    const start = folded.text.indexOf('informacao');
    expect(folded.original.slice(...originalRange(folded, start, start + 10))).toBe('informac\u0327a\u0303o');
  });

  it('splits terms into folded words', () => {
    expect(wordsOf('Planilha de Preços')).toEqual(['planilha', 'de', 'precos']);
  });
});

describe('keyword engine', () => {
  it('ignores case and accents in both directions', () => {
    expect(matchOf(['informação'], 'a INFORMACAO vazou')).toBe('informação');
    expect(matchOf(['informação'], 'a Informação vazou')).toBe('informação');
    expect(matchOf(['informacao'], 'a INFORMAÇÃO vazou')).toBe('informacao');
    expect(matchOf(['SENHA'], 'a senha é 123')).toBe('SENHA');
  });

  it('matches whole words only', () => {
    expect(matchOf(['senha'], 'troquei as senhas')).toBeUndefined();
    expect(matchOf(['senha'], 'vou assenhar o documento')).toBeUndefined();
    expect(matchOf(['senha'], 'senha123')).toBeUndefined();
    expect(matchOf(['senha'], '(senha)')).toBe('senha');
    expect(matchOf(['senha'], 'senha')).toBe('senha');
  });

  it('matches phrases across punctuation and runs of whitespace', () => {
    expect(matchOf(['planilha de preços'], 'manda a planilha   de\n preços hoje')).toBe('planilha de preços');
    expect(matchOf(['planilha de preços'], 'PLANILHA-DE-PRECOS.xlsx')).toBe('planilha de preços');
    expect(matchOf(['planilha de preços'], 'planilha com preços')).toBeUndefined();
    expect(matchOf(['planilha de preços'], 'planilha de')).toBeUndefined();
  });

  it('matches plurals only when the policy asks for them', () => {
    expect(matchOf(['senha'], 'as senhas')).toBeUndefined();
    expect(matchOf(['senha'], 'as senhas', { plurals: true })).toBe('senha');
    expect(matchOf(['informação'], 'informações sigilosas', { plurals: true })).toBe('informação');
    expect(matchOf(['informação'], 'informações sigilosas')).toBeUndefined();
    expect(matchOf(['pão'], 'dois pães', { plurals: true })).toBe('pão');
    expect(matchOf(['confidencial'], 'dados confidenciais', { plurals: true })).toBe('confidencial');
    expect(matchOf(['lápiz'], 'los lápices', { plurals: true })).toBe('lápiz');
    expect(matchOf(['mensagem'], 'três mensagens', { plurals: true })).toBe('mensagem');
    expect(matchOf(['planilha de preço'], 'planilhas de preços', { plurals: true })).toBe('planilha de preço');
  });

  it('generates the Portuguese and Spanish plural forms', () => {
    expect(pluralForms('informacao')).toEqual(expect.arrayContaining(['informacoes', 'informacaes', 'informacaos']));
    expect(pluralForms('papel')).toEqual(expect.arrayContaining(['papeis', 'papeles']));
    expect(pluralForms('de')).toEqual([]);
  });

  it('matches a CPF with a regex on the original text', () => {
    const engine = compileKeywordPolicies([policy({ id: 'cpf', regex: ['\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b'] })]);
    expect(engine.match('meu CPF é 123.456.789-09, ok?', inbound)).toEqual([
      { policyId: 'cpf', severity: 'high', matched: '\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b', excerpt: 'meu CPF é 123.456.789-09, ok?' },
    ]);
    expect(engine.match('pedido 123456789-09', inbound)).toEqual([]);
  });

  it('runs regexes on the folded text too, case-insensitively', () => {
    const engine = compileKeywordPolicies([policy({ id: 're', regex: ['acao confidencial'] })]);
    expect(engine.match('Uma AÇÃO CONFIDENCIAL', inbound).map((hit) => hit.excerpt)).toEqual(['Uma AÇÃO CONFIDENCIAL']);
  });

  it('gives one hit per policy, its first match, in config order', () => {
    const engine = compileKeywordPolicies([policy({ id: 'a', terms: ['zeta', 'alfa'] }), policy({ id: 'b', severity: 'low', terms: ['alfa'], regex: ['\\d+'] })]);
    const hits = engine.match('alfa 42 zeta alfa', inbound);
    expect(hits.map((hit) => [hit.policyId, hit.severity, hit.matched])).toEqual([
      ['a', 'high', 'alfa'],
      ['b', 'low', 'alfa'],
    ]);
    expect(engine.match('x 42 alfa', inbound).find((hit) => hit.policyId === 'b')?.matched).toBe('\\d+');
  });

  it('applies policies by direction', () => {
    const engine = compileKeywordPolicies([policy({ id: 'out', terms: ['senha'], direction: 'outbound' }), policy({ id: 'any', terms: ['senha'] })]);
    expect(engine.match('a senha', { direction: 'inbound' }).map((hit) => hit.policyId)).toEqual(['any']);
    expect(engine.match('a senha', { direction: 'outbound' }).map((hit) => hit.policyId)).toEqual(['out', 'any']);
  });

  it('applies team-scoped policies only to lines of those teams', () => {
    const engine = compileKeywordPolicies([policy({ id: 'ventas-only', terms: ['senha'], teams: ['ventas'] }), policy({ id: 'all', regex: ['senha'] })]);
    expect(engine.match('a senha', { direction: 'inbound', team: 'ventas' }).map((hit) => hit.policyId)).toEqual(['ventas-only', 'all']);
    expect(engine.match('a senha', { direction: 'inbound', team: 'soporte' }).map((hit) => hit.policyId)).toEqual(['all']);
    expect(engine.match('a senha', { direction: 'inbound' }).map((hit) => hit.policyId)).toEqual(['all']);
  });

  it('quotes the original text, with accents, around the match', () => {
    const text = `${'Bom dia, tudo bem com você? '.repeat(4)}A INFORMAÇÃO sigilosa do contrato está anexa. ${'Abraços e até amanhã. '.repeat(4)}`;
    const [hit] = compileKeywordPolicies([policy({ id: 'p', terms: ['informacao'] })]).match(text, inbound);
    expect(hit.excerpt).toContain('A INFORMAÇÃO sigilosa');
    expect(hit.excerpt.startsWith('…')).toBe(true);
    expect(hit.excerpt.endsWith('…')).toBe(true);
    expect(hit.excerpt.length).toBeLessThanOrEqual(62);
    expect(hit.excerpt.length).toBeGreaterThan(40);
  });

  it('finds a term among 10,000 and agrees with a 10-term engine on the shared terms', () => {
    const many = Array.from({ length: 10_000 }, (_, index) => `código${index}`);
    const few = [...many.slice(0, 9), 'planilha de preços'];
    const big = compileKeywordPolicies([policy({ id: 'p', terms: [...many, 'planilha de preços'], plurals: true })]);
    const small = compileKeywordPolicies([policy({ id: 'p', terms: few, plurals: true })]);
    expect(big.patternCount).toBeGreaterThan(10_000);
    expect(big.match('o CODIGO9999 chegou', inbound)).toEqual([{ policyId: 'p', severity: 'high', matched: 'código9999', excerpt: 'o CODIGO9999 chegou' }]);
    for (const text of ['veja o código3 e a planilha de preços', 'PLANILHAS DE PREÇOS anexas', 'nada aqui', 'codigo7 codigo8']) {
      expect(big.match(text, inbound)).toEqual(small.match(text, inbound));
    }
    expect(small.match('PLANILHAS DE PREÇOS anexas', inbound)[0].matched).toBe('planilha de preços');
  });

  it('returns nothing for empty text or when no policy applies', () => {
    const engine = compileKeywordPolicies([policy({ id: 'p', terms: ['senha'], direction: 'outbound' })]);
    expect(engine.match('', { direction: 'outbound' })).toEqual([]);
    expect(engine.match('senha', inbound)).toEqual([]);
    expect(compileKeywordPolicies([]).match('senha', inbound)).toEqual([]);
  });
});

describe('excerptAround', () => {
  it('returns short texts whole and on one line', () => {
    expect(excerptAround('a\nsenha\t aqui', 2, 7)).toBe('a senha aqui');
  });

  it('cuts long matches to the width', () => {
    const text = 'x'.repeat(200);
    expect(excerptAround(text, 50, 180)).toBe(`…${'x'.repeat(60)}…`);
  });

  it('writes personal data masked, and stars what of it the cut leaves in', () => {
    const text = `CPF 529.982.247-25 e a senha confidencial do portal${' fica aqui'.repeat(6)}, cartão 4111 1111 1111 1111`;
    const cpf = { start: 4, end: 18, masked: '***.982.247-**' };
    expect(excerptAround(text, 23, 28, 60, [cpf])).toBe('CPF ***.982.247-** e a senha confidencial do portal fica…');
    // The excerpt starts inside the CPF: its visible digits are starred, not shown.
    const cut = excerptAround(text, 23, 28, 20, [cpf]);
    expect(cut).not.toMatch(/\d/);
    expect(cut).toContain('senha');
    const card = { start: text.indexOf('4111'), end: text.length, masked: '**** **** **** 1111' };
    expect(excerptAround(text, text.indexOf('cartão'), text.indexOf('cartão') + 6, 60, [cpf, card]).endsWith('cartão **** **** **** 1111')).toBe(true);
  });
});

describe('keyword hits and personal data', () => {
  it('asks for the redactions only when a policy matched, and masks them in the excerpt', () => {
    const engine = compileKeywordPolicies([{ id: 'k', kind: 'keyword', severity: 'high', direction: 'both', terms: ['senha'] } as KeywordPolicy]);
    let asked = 0;
    const redactionsOf = (text: string) => {
      asked += 1;
      const start = text.indexOf('529');
      return start < 0 ? [] : [{ start, end: start + 14, masked: '***.982.247-**' }];
    };
    expect(engine.match('nada aqui 529.982.247-25', { direction: 'inbound' }, redactionsOf)).toEqual([]);
    expect(asked).toBe(0);
    const [hit] = engine.match('a senha e o CPF 529.982.247-25', { direction: 'inbound' }, redactionsOf);
    expect(hit.excerpt).toBe('a senha e o CPF ***.982.247-**');
    expect(asked).toBe(1);
  });
});
