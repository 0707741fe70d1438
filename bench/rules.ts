import { compileKeywordPolicies } from '../shared/compliance/keyword-engine';
import type { KeywordPolicy } from '../shared/config/vigia-config';
import { mulberry32 } from '../local/traffic';

/**
 * Keyword engine throughput on one core: a realistic corpus of Portuguese and Spanish chat lines
 * against 10, 1,000 and 10,000 configured terms (the real compliance terms plus generated
 * vocabulary, as a large company's list of client names, products and codes would be).
 */
const OPENINGS = ['Bom dia', 'Boa tarde', 'Oi', 'Olá', 'Hola', 'Buenas', 'Buen día', 'Perfeito', 'Dale', 'Obrigado'];
const BODIES = [
  'vocês têm o modelo {p} em estoque para entrega em {c}?',
  'segue a proposta do pedido {n} com desconto de {d}%',
  'pode me mandar a nota fiscal do pedido {n} por favor',
  'me pasás la cotización del {p} para {c}?',
  'el envío a {c} llegó con la caja abierta, qué hacemos?',
  'a entrega do {p} atrasou, o cliente está reclamando',
  'te confirmo el pago de la factura {n} mañana temprano',
  'o boleto vence dia {d}, consegue prorrogar?',
  'necesito el manual del {p}, no lo encuentro en la web',
  'fechamos o contrato, envio a minuta amanhã cedo',
];
const PRODUCTS = ['X200', 'Turbo Max', 'Linha Prata', 'Modelo Ágil', 'Serie Ñandú', 'Kit Verão'];
const CITIES = ['São Paulo', 'Córdoba', 'Belo Horizonte', 'Rosario', 'Curitiba', 'Mendoza'];
const REAL_TERMS = ['confidencial', 'senha', 'planilha de preços', 'informação sigilosa', 'contraseña', 'no se lo digas a nadie', 'dados bancários', 'cpf', 'propina', 'por fora'];

export function chatCorpus(size: number, seed = 1): string[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  return Array.from({ length: size }, () =>
    `${pick(OPENINGS)}, ${pick(BODIES)}`
      .replace('{p}', pick(PRODUCTS))
      .replace('{c}', pick(CITIES))
      .replace('{n}', String(10000 + Math.floor(random() * 90000)))
      .replace('{d}', String(1 + Math.floor(random() * 30))),
  );
}

/** `count` terms: the real ones first, then pronounceable generated words and two-word phrases. */
export function termList(count: number, seed = 2): string[] {
  const random = mulberry32(seed);
  const syllables = ['ba', 'ca', 'da', 'fe', 'go', 'la', 'mi', 'no', 'pa', 'que', 'ra', 'sa', 'ta', 'vi', 'xo', 'zu', 'ção', 'ñe', 'lho', 'rre'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join('');
  const terms = new Set(REAL_TERMS.slice(0, count));
  for (let attempts = 0; terms.size < count; attempts++) {
    if (attempts > count * 100) throw new Error(`termList: could not generate ${count} distinct terms`);
    terms.add(random() < 0.2 ? `${word()} ${word()}` : word());
  }
  return [...terms];
}

export interface RulesFigure {
  terms: number;
  perSec: number;
}

/** Messages per second through `engine.match` for each term count (at least `minMs` of work each). */
export function measureRules(options: { termCounts?: number[]; corpusSize?: number; minMs?: number; onProgress?: (message: string) => void } = {}): {
  rules: RulesFigure[];
  rulesRatio: number;
} {
  const corpus = chatCorpus(options.corpusSize ?? 5_000);
  const rules: RulesFigure[] = [];
  for (const terms of options.termCounts ?? [10, 1_000, 10_000]) {
    options.onProgress?.(`rules: ${terms} terms`);
    const policy = { id: `bench-${terms}`, kind: 'keyword', severity: 'high', direction: 'both', plurals: false, terms: termList(terms) } as KeywordPolicy;
    const engine = compileKeywordPolicies([policy]);
    const scope = { direction: 'inbound' as const };
    for (const text of corpus.slice(0, 500)) engine.match(text, scope); // warm-up (JIT)
    let processed = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < (options.minMs ?? 1_000)) {
      for (const text of corpus) engine.match(text, scope);
      processed += corpus.length;
      elapsed = performance.now() - started;
    }
    rules.push({ terms, perSec: Math.round((processed / elapsed) * 1000) });
  }
  const first = rules[0].perSec;
  const last = rules[rules.length - 1].perSec;
  return { rules, rulesRatio: Number((last / first).toFixed(3)) };
}
