/**
 * Sentiment of a WhatsApp line for the compliance checks, in Amazon Comprehend's DetectSentiment
 * shape (`SentimentResult`), from three analyzers behind one port:
 *
 * - `OfflineSentimentAnalyzer`: nlp.js in the function itself, nothing leaves the account/region;
 * - `ComprehendSentimentAnalyzer` (shared/compliance/adapters/comprehend-sentiment.ts): Amazon Comprehend;
 * - `ScreenedSentimentAnalyzer`: the offline analyzer screens, Comprehend decides the lines that
 *   are not clearly neutral.
 *
 * Every analyzer first applies `canCarrySentiment` and detects the language offline
 * (shared/compliance/language.ts); a line that fails either is returned as `{ skipped: reason }`.
 */
import type { ComprehendClient } from '@aws-sdk/client-comprehend';
import nlpCore from '@nlpjs/core';
import nlpLangEn from '@nlpjs/lang-en';
import nlpLangEs from '@nlpjs/lang-es';
import nlpLangPt from '@nlpjs/lang-pt';
import nlpSentiment from '@nlpjs/sentiment';
import { SENTICON_MIN, SENTICON_TO_AFINN } from './senticon';
import { ComprehendSentimentAnalyzer } from './adapters/comprehend-sentiment';
import type { SentimentLabel, SentimentResult } from './model';
import { type DetectedLanguage, languageEvidence } from './language';

export { COMPREHEND_MAX_TEXT_BYTES, ComprehendSentimentAnalyzer, truncateUtf8 } from './adapters/comprehend-sentiment';
export type { DetectedLanguage } from './language';

export type SentimentMode = 'offline' | 'comprehend' | 'screened';

export interface SentimentSkipped {
  skipped: string;
}

export interface SentimentAnalyzer {
  /**
   * `wanted`: the sentiments the policies applying to this message look for. An analyzer may use
   * it to spare a paid call whose answer could not raise an alert (see ScreenedSentimentAnalyzer).
   * @default every sentiment
   */
  analyze(text: string, wanted?: readonly SentimentLabel[]): Promise<SentimentResult | SentimentSkipped>;
}

export function isSkipped(result: SentimentResult | SentimentSkipped): result is SentimentSkipped {
  return 'skipped' in result;
}

// ---------------------------------------------------------------------------------------------
// Which texts can carry a sentiment
// ---------------------------------------------------------------------------------------------

/** Links with a scheme or `www.`, and bare `domain.tld/path` links (wa.me/…, bit.ly/…). */
const URL_PATTERN = /(?:\bhttps?:\/\/|\bwww\.)\S+|\b[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.\p{L}{2,24}\/\S*/giu;
const LETTER = /\p{L}/gu;
const DIGIT = /\p{Nd}/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

export type SentimentGate = { ok: true } | { ok: false; reason: string };

/**
 * Whether a text has enough words to have a sentiment: at least `minLetters` Unicode letters once
 * links are removed. The reason names what the text is instead: `empty`, `only links`,
 * `only emoji`, `only numbers`, `no letters` (punctuation), or `too short (n letters, minimum m)`.
 */
/** Default of `canCarrySentiment` and of the config's `sentiment.minLetters`. */
export const DEFAULT_MIN_LETTERS = 12;

export function canCarrySentiment(text: string, minLetters = DEFAULT_MIN_LETTERS): SentimentGate {
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  const links = text.match(URL_PATTERN)?.length ?? 0;
  const withoutLinks = text.replace(URL_PATTERN, ' ');
  const letters = withoutLinks.match(LETTER)?.length ?? 0;
  if (letters === 0) {
    const digits = DIGIT.test(withoutLinks);
    if (links > 0 && !digits) return { ok: false, reason: 'only links' };
    if (digits) return { ok: false, reason: 'only numbers' };
    if (PICTOGRAPH.test(withoutLinks)) return { ok: false, reason: 'only emoji' };
    return { ok: false, reason: 'no letters' };
  }
  if (letters < minLetters) return { ok: false, reason: `too short (${letters} letter${letters === 1 ? '' : 's'}, minimum ${minLetters})` };
  return { ok: true };
}

/**
 * The gate every analyzer applies: `canCarrySentiment`, then offline language detection.
 * Returns the language, or the reason to skip.
 */
export function sentimentLanguage(text: string, minLetters = DEFAULT_MIN_LETTERS): { language: DetectedLanguage } | SentimentSkipped {
  const gate = canCarrySentiment(text, minLetters);
  if (!gate.ok) return { skipped: gate.reason };
  const evidence = languageEvidence(text);
  if (!evidence.language) return { skipped: `language not es, pt or en (${evidence.reason ?? 'undetermined'})` };
  return { language: evidence.language };
}

// ---------------------------------------------------------------------------------------------
// Offline analyzer (nlp.js)
// ---------------------------------------------------------------------------------------------

/*
 * From nlp.js output to Comprehend's shape
 * ========================================
 *
 * nlp.js (@nlpjs/sentiment with @nlpjs/lang-xx) normalises, tokenises and stems the text and sums
 * lexicon values over the tokens: `score` is an unbounded sum (AFINN integers -5..5 for es/pt,
 * SentiCon fractions -1..1 for en), `vote` its sign. It is not a probability, and as shipped it is
 * not usable on chat lines (measured in test/sentiment):
 * - its negation flips every later word of the message: "No me responden, es un servicio horrible
 *   y malo" scores +1.3 (positive); its Portuguese negation list is accented ("não") while the
 *   tokens are not ("nao"), so it never matches there;
 * - its lexicons miss the words of complaints ("péssimo", "insatisfeito", "ruim" are not in the
 *   Portuguese one: "Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada" scores +1)
 *   and score business vocabulary ("para" -1, "querer" +2, Spanish "con" -5, "ir" -3, "esperar" +2).
 *
 * So each language gets one nlp.js SentimentAnalyzer (its own container, created on first use and
 * reused) whose lexicon is nlp.js's own, corrected:
 * - Spanish and Portuguese use nlp.js's AFINN lexicon; English (lang-en ships only SentiCon) uses
 *   the SentiCon entries of magnitude ≥ 0.5 except stopwords, × 5 to AFINN units (5 is the median
 *   AFINN/SentiCon ratio, 4.8, over the 420 stems both Spanish lexicons score);
 * - `NEUTRAL_WORDS` are removed (business vocabulary and politeness, see the lists);
 * - `LEXICON` (customer-service vocabulary of Brazilian and Argentinian chats, AFINN units) is
 *   added or overrides;
 * - negations, intensifiers and greetings get their own lists (below).
 * Words are written as typed; they are stemmed with nlp.js's stemmer when the analyzer is built.
 *
 * Over nlp.js's tokens the analyzer tallies P (positive mass) and N (negative mass, positive
 * number): a word's value, × 1.5 after an intensifier ("muito", "muy", "re", "very") within two
 * tokens, flipped when a negation ("não", "no", "nadie", "ninguém", "never"…) precedes it within
 * three tokens; a negation with no scored word in its window counts -1 ("não chegou", "nadie me
 * responde"). Emoji with a clear polarity (😡 👎 / 😍 👏…) add their value, capped at 6 per side.
 * nlp.js's own `score`/`vote` (same lexicon, its negation rule) are kept in `explain()` only.
 *
 * Then, with total = P + N:
 *
 *   intensity  i = 1 − exp(−max(0, total − DEAD_ZONE) / SCALE)   DEAD_ZONE = 1, SCALE = 2
 *   conflict   c = min(P, N) / max(P, N)                           (0 when total = 0)
 *   Neutral = 1 − i      Mixed = i · c      Positive | Negative (the larger side) = i · (1 − c)
 *
 * The four sum to 1; the label is the argmax (ties go to NEGATIVE, then MIXED, POSITIVE, NEUTRAL:
 * for compliance a missed complaint costs more than a false alarm).
 * - DEAD_ZONE = 1: one weak cue alone ("obrigado", "gracias", a lone "não") leaves a line fully
 *   neutral, so in screened mode it is not sent to Comprehend.
 * - SCALE = 2: one strong word in a line ("vergonha", -3) is NEGATIVE 0.63; Negative ≥ 0.8 needs
 *   N ≥ 1 + 2·ln 5 ≈ 4.2, i.e. two clear complaint words or an intensified one; a single mild
 *   word (±2, "demora") stays NEUTRAL 0.61 offline but is not clearly neutral, so screened mode asks
 *   Comprehend. The clearly-neutral screen (Neutral ≥ 0.9) holds while total ≤ 1.2.
 * - Mixed grows with the balance of the two sides: "O produto é bom mas a entrega atrasou muito"
 *   (P = 2, N = 2) is MIXED 0.78.
 * Measured (test/sentiment/offline-sentiment.test.ts): the Spanish and Portuguese complaints of
 * the brief come out NEGATIVE 0.99, the business questions NEUTRAL 1.0, "Muito obrigado, o
 * atendimento foi excelente!" POSITIVE 0.89.
 */

const DEAD_ZONE = 1;
const SCALE = 2;
const INTENSIFIER_FACTOR = 1.5;
const INTENSIFIER_WINDOW = 2;
const NEGATION_WINDOW = 3;
const UNPAIRED_NEGATION = 1;
const EMOJI_CAP = 6;

/** Customer-service vocabulary, AFINN units (−5…5). Added to nlp.js's lexicon or overriding it. */
const LEXICON: Record<DetectedLanguage, Record<string, number>> = {
  pt: {
    // negative
    péssimo: -4, péssima: -4, horrível: -4, horroroso: -4, terrível: -4, ruim: -3, pior: -3,
    insatisfeito: -3, insatisfeita: -3, insatisfação: -3, descontente: -3, decepcionado: -3, decepcionada: -3,
    decepção: -3, absurdo: -3, vergonha: -3, ridículo: -3, lixo: -4, porcaria: -4, golpe: -4, fraude: -4,
    enganado: -3, enganada: -3, enganação: -3, mentira: -3, mentiroso: -3, descaso: -3, desrespeito: -3,
    palhaçada: -4, enrolação: -3, enrolando: -3, raiva: -3, irritado: -3, irritada: -3, revoltado: -3,
    chateado: -2, chateada: -2, cansado: -2, quebrado: -2, quebrada: -2, defeito: -2, defeituoso: -2,
    estragado: -2, errado: -2, errada: -2, atraso: -2, atrasado: -2, atrasou: -2, demora: -2, demorou: -2,
    reclamação: -2, reclamar: -2, procon: -3, processar: -3, advogado: -2, problema: -2, inadmissível: -4,
    inaceitável: -4, incompetente: -4, incompetência: -4, merda: -4, desgraça: -4, sumiu: -2, cancelar: -1,
    cancelamento: -1, reembolso: -1, devolução: -1,
    // positive
    excelente: 4, ótimo: 3, ótima: 3, maravilhoso: 4, incrível: 4, perfeito: 3, perfeita: 3, adorei: 3, amei: 3,
    gostei: 3, satisfeito: 3, satisfeita: 3, parabéns: 3, recomendo: 3, eficiente: 3, atencioso: 3, atenciosa: 3,
    educado: 2, agradeço: 2, feliz: 3, contente: 2, bom: 2, boa: 2, show: 2, top: 2, resolvido: 2,
    obrigado: 1, obrigada: 1,
  },
  es: {
    // negative
    pésimo: -4, pésima: -4, horrible: -4, terrible: -4, malísimo: -4, malo: -3, mala: -3, peor: -3,
    molesto: -3, molesta: -3, enojado: -3, enojada: -3, furioso: -4, indignado: -3, insatisfecho: -3,
    disconforme: -3, decepcionado: -3, decepción: -3, vergüenza: -3, vergonzoso: -4, ridículo: -3, lamentable: -3,
    estafa: -4, estafador: -4, chanta: -3, chantada: -3, basura: -4, mentira: -3, mentiroso: -3, desastre: -4,
    harto: -3, harta: -3, cansado: -2, roto: -2, rota: -2, fallado: -2, defectuoso: -2, defecto: -2,
    atraso: -2, atrasado: -2, demora: -2, demorado: -2, reclamo: -2, queja: -2, denuncia: -3, abogado: -2,
    problema: -2, inaceptable: -4, inadmisible: -4, incompetente: -4, mierda: -4, desprolijo: -2,
    cancelar: -1, devolución: -1, reembolso: -1,
    // positive
    excelente: 4, genial: 3, bárbaro: 3, buenísimo: 3, espectacular: 4, maravilloso: 4, increíble: 4,
    perfecto: 3, perfecta: 3, encantó: 3, encanta: 3, gustó: 3, conforme: 2, conformes: 2, satisfecho: 3, recomiendo: 3,
    eficiente: 3, amable: 3, felicitaciones: 3, contento: 2, feliz: 3, agradezco: 2, bueno: 2, buena: 2,
    gracias: 1,
  },
  en: {
    // negative
    terrible: -4, awful: -4, horrible: -4, worst: -4, bad: -3, poor: -2, upset: -3, angry: -3, furious: -4,
    annoyed: -3, frustrated: -3, disappointed: -3, disappointing: -3, unacceptable: -4, ridiculous: -3,
    scam: -4, fraud: -4, useless: -3, rude: -3, incompetent: -4, shame: -3, disgrace: -4, broken: -2,
    damaged: -2, defective: -2, late: -2, delay: -2, delayed: -2, complaint: -2, complain: -2, problem: -2,
    issue: -1, lawyer: -2, refund: -1, cancel: -1,
    // positive
    excellent: 4, amazing: 4, wonderful: 4, fantastic: 4, great: 3, awesome: 3, perfect: 3, love: 3, loved: 3,
    happy: 3, satisfied: 3, recommend: 3, helpful: 3, good: 2, nice: 2, kind: 2, appreciate: 2, thanks: 1,
    thank: 1,
  },
};

/** Lexicon entries removed: business vocabulary and politeness that carry no sentiment in chat. */
const NEUTRAL_WORDS: Record<DetectedLanguage, string[]> = {
  pt: [
    'para', 'querer', 'queria', 'quero', 'saber', 'favor', 'grande', 'modelo', 'retirar', 'dinheiro', 'chegar',
    'chegou', 'esperar', 'espero', 'peço', 'pedir', 'pagar', 'pagamento', 'sim', 'livre', 'valor', 'preço',
  ],
  es: [
    'con', 'ir', 'voy', 'querer', 'quiero', 'quería', 'saber', 'sábado', 'si', 'que', 'ser', 'modelo', 'grande',
    'solo', 'efectivo', 'aceptar', 'favor', 'esperar', 'espero', 'llegar', 'llegó', 'pagar', 'pago', 'retirar',
    'porque', 'mandar', 'precio', 'plata', 'pedido',
  ],
  en: [
    'please', 'order', 'price', 'quote', 'invoice', 'delivery', 'package', 'arrive', 'credit', 'accept', 'hour',
    'open', 'will', 'want', 'need', 'pick', 'send', 'service', 'product', 'model', 'large', 'big',
  ],
};

const NEGATIONS: Record<DetectedLanguage, string[]> = {
  pt: ['não', 'nao', 'nunca', 'jamais', 'nem', 'nenhum', 'nenhuma', 'ninguém', 'ninguem', 'nada', 'sem'],
  es: ['no', 'nunca', 'jamás', 'jamas', 'ni', 'ningún', 'ninguno', 'ninguna', 'nadie', 'nada', 'sin'],
  en: ['not', 'no', 'never', 'nobody', 'nothing', 'none', 'without', 'nor'],
};

const INTENSIFIERS: Record<DetectedLanguage, string[]> = {
  pt: ['muito', 'muita', 'muitíssimo', 'super', 'tão', 'extremamente', 'totalmente', 'completamente', 'realmente', 'mega', 'hiper'],
  es: ['muy', 'súper', 'super', 'tan', 're', 'demasiado', 'extremadamente', 'totalmente', 'completamente', 'realmente', 'bastante'],
  en: ['very', 'so', 'too', 'really', 'extremely', 'totally', 'completely', 'super', 'absolutely'],
};

/** Greetings removed before analysis: "bom dia" and "buenas tardes" are not praise. */
const GREETINGS: Record<DetectedLanguage, RegExp> = {
  pt: /(?<![\p{L}])(?:bom dia|boa tarde|boa noite|tudo bem|tudo bom|td bem|tudo certo)(?![\p{L}])/giu,
  es: /(?<![\p{L}])(?:buen d[ií]a|buenos d[ií]as|buenas tardes|buenas noches|buenas|qu[eé] tal|todo bien)(?![\p{L}])/giu,
  en: /(?<![\p{L}])(?:good morning|good afternoon|good evening|good night)(?![\p{L}])/giu,
};

/** Emoji with a clear polarity, any language (AFINN units). */
const EMOJI: Record<string, number> = {
  '😡': -3, '🤬': -4, '😠': -3, '👎': -2, '😤': -2, '😒': -2, '😞': -2, '😢': -2, '😭': -2, '💩': -3, '🙄': -2,
  '😍': 3, '🥰': 3, '😊': 2, '😀': 2, '😃': 2, '😄': 2, '😁': 2, '👏': 2, '❤️': 3, '❤': 3, '👍': 1, '🙂': 1,
};
const EMOJI_PATTERN = new RegExp(
  Object.keys(EMOJI)
    .sort((a, b) => b.length - a.length)
    .map((emoji) => emoji.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);

// The parts of nlp.js used here.
interface NlpContainer {
  use(plugin: unknown): void;
  get(name: string): any;
  register(name: string, value: unknown, isSingleton?: boolean): void;
}
interface NlpSentimentOutput {
  tokens: string[];
  sentiment: { score: number; numWords: number; numHits: number; vote: 'positive' | 'negative' | 'neutral'; type: string };
}
interface NlpSentimentAnalyzer {
  process(input: { locale: string; text: string }): Promise<NlpSentimentOutput>;
}
const { Container } = nlpCore as { Container: new () => NlpContainer };
const { SentimentAnalyzer: NlpAnalyzer } = nlpSentiment as {
  SentimentAnalyzer: new (settings: { container: NlpContainer }) => NlpSentimentAnalyzer;
};
const LANG_PLUGINS: Record<DetectedLanguage, unknown> = {
  es: (nlpLangEs as { LangEs: unknown }).LangEs,
  pt: (nlpLangPt as { LangPt: unknown }).LangPt,
  en: (nlpLangEn as { LangEn: unknown }).LangEn,
};

interface LanguageEngine {
  analyzer: NlpSentimentAnalyzer;
  lexicon: Map<string, number>;
  negations: Set<string>;
  intensifiers: Set<string>;
}

function buildEngine(language: DetectedLanguage): LanguageEngine {
  const container = new Container();
  container.use(LANG_PLUGINS[language]);
  const stemmer = container.get(`stemmer-${language}`) as { tokenizeAndStem(text: string): string[] };
  const stems = (words: string[]): string[] => words.flatMap((word) => stemmer.tokenizeAndStem(word));
  const shipped = container.get(`sentiment-${language}`) as { afinn?: Record<string, number>; senticon?: Record<string, number> };

  const lexicon = new Map<string, number>();
  if (shipped.afinn) {
    for (const [stem, value] of Object.entries(shipped.afinn)) lexicon.set(stem, value);
  } else {
    const stopwords = container.get(`stopwords-${language}`) as { dictionary: Record<string, boolean> };
    const stopStems = new Set(stems(Object.keys(stopwords.dictionary)));
    for (const [stem, value] of Object.entries(shipped.senticon ?? {})) {
      if (Math.abs(value) >= SENTICON_MIN && !stopStems.has(stem)) lexicon.set(stem, value * SENTICON_TO_AFINN);
    }
  }
  for (const stem of stems(NEUTRAL_WORDS[language])) lexicon.delete(stem);
  for (const [word, value] of Object.entries(LEXICON[language])) for (const stem of stems([word])) lexicon.set(stem, value);
  const negations = new Set(stems(NEGATIONS[language]));
  const intensifiers = new Set(stems(INTENSIFIERS[language]));
  for (const stem of [...negations, ...intensifiers]) lexicon.delete(stem);

  // nlp.js scores with the same lexicon (its `score` is reported by explain()).
  container.register(`sentiment-${language}`, {
    afinn: Object.fromEntries(lexicon),
    senticon: undefined,
    pattern: undefined,
    negations: { words: [...negations] },
    stemmed: true,
  });
  return { analyzer: new NlpAnalyzer({ container }), lexicon, negations, intensifiers };
}

/** What the offline analyzer saw: for tests, tuning and debugging. */
export interface OfflineExplanation {
  language: DetectedLanguage;
  tokens: string[];
  /** Scored tokens (and emoji) with the value they contributed, sign included. */
  hits: Array<{ token: string; value: number }>;
  positive: number;
  negative: number;
  /** nlp.js's own sum and vote over the same lexicon (its negation flips the rest of the text). */
  nlpjs: { score: number; vote: string; numHits: number; numWords: number };
  result: SentimentResult;
}

/** Comprehend-shaped scores from the positive and negative mass (see the comment above). */
export function scoresFromPolarity(positive: number, negative: number): Pick<SentimentResult, 'sentiment' | 'scores'> {
  const total = positive + negative;
  const intensity = 1 - Math.exp(-Math.max(0, total - DEAD_ZONE) / SCALE);
  const conflict = total > 0 ? Math.min(positive, negative) / Math.max(positive, negative) : 0;
  const dominant = intensity * (1 - conflict);
  const scores = {
    Positive: positive > negative ? dominant : 0,
    Negative: negative > positive ? dominant : 0,
    Neutral: 1 - intensity,
    Mixed: intensity * conflict,
  };
  const order: Array<[SentimentLabel, number]> = [
    ['NEGATIVE', scores.Negative],
    ['MIXED', scores.Mixed],
    ['POSITIVE', scores.Positive],
    ['NEUTRAL', scores.Neutral],
  ];
  const [sentiment] = order.reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return { sentiment, scores };
}

/** One nlp.js SentimentAnalyzer per language, built on first use, shared by the process. */
const engines = new Map<DetectedLanguage, LanguageEngine>();
function engineFor(language: DetectedLanguage): LanguageEngine {
  let engine = engines.get(language);
  if (!engine) {
    engine = buildEngine(language);
    engines.set(language, engine);
  }
  return engine;
}

export interface AnalyzerOptions {
  /** Texts with fewer letters are skipped (config `sentiment.minLetters`). @default 12 */
  minLetters?: number;
}

/**
 * nlp.js in the function: no call leaves the account/region. The nlp.js analyzers (one per
 * language) are built on first use and reused for the life of the process, whatever the instance.
 */
export class OfflineSentimentAnalyzer implements SentimentAnalyzer {
  private readonly minLetters: number;

  constructor(options: AnalyzerOptions = {}) {
    this.minLetters = options.minLetters ?? DEFAULT_MIN_LETTERS;
  }

  async analyze(text: string): Promise<SentimentResult | SentimentSkipped> {
    const gate = sentimentLanguage(text, this.minLetters);
    if ('skipped' in gate) return gate;
    return (await this.explainIn(text, gate.language)).result;
  }

  /** The tally behind `analyze`, or the skip reason. */
  async explain(text: string): Promise<OfflineExplanation | SentimentSkipped> {
    const gate = sentimentLanguage(text, this.minLetters);
    if ('skipped' in gate) return gate;
    return this.explainIn(text, gate.language);
  }

  private async explainIn(text: string, language: DetectedLanguage): Promise<OfflineExplanation> {
    const engine = engineFor(language);
    const cleaned = text.replace(GREETINGS[language], ' ');
    const output = await engine.analyzer.process({ locale: language, text: cleaned });
    const tokens = output.tokens;

    const hits: Array<{ token: string; value: number }> = [];
    let negationLeft = 0;
    let intensifierLeft = 0;
    for (const token of tokens) {
      if (engine.negations.has(token)) {
        if (negationLeft > 0) hits.push({ token: '(negation)', value: -UNPAIRED_NEGATION });
        negationLeft = NEGATION_WINDOW;
        continue;
      }
      if (engine.intensifiers.has(token)) {
        intensifierLeft = INTENSIFIER_WINDOW;
        continue;
      }
      const value = engine.lexicon.get(token);
      if (value !== undefined) {
        let contribution = intensifierLeft > 0 ? value * INTENSIFIER_FACTOR : value;
        if (negationLeft > 0) contribution = -contribution;
        hits.push({ token, value: contribution });
        negationLeft = 0;
        intensifierLeft = 0;
        continue;
      }
      if (intensifierLeft > 0) intensifierLeft -= 1;
      if (negationLeft > 0) {
        negationLeft -= 1;
        if (negationLeft === 0) hits.push({ token: '(negation)', value: -UNPAIRED_NEGATION });
      }
    }
    if (negationLeft > 0) hits.push({ token: '(negation)', value: -UNPAIRED_NEGATION });

    let positive = 0;
    let negative = 0;
    for (const hit of hits) {
      if (hit.value > 0) positive += hit.value;
      else negative -= hit.value;
    }
    let emojiPositive = 0;
    let emojiNegative = 0;
    for (const emoji of text.match(EMOJI_PATTERN) ?? []) {
      const value = EMOJI[emoji];
      hits.push({ token: emoji, value });
      if (value > 0) emojiPositive += value;
      else emojiNegative -= value;
    }
    positive += Math.min(EMOJI_CAP, emojiPositive);
    negative += Math.min(EMOJI_CAP, emojiNegative);

    const { score, vote, numHits, numWords } = output.sentiment;
    return {
      language,
      tokens,
      hits,
      positive,
      negative,
      nlpjs: { score, vote, numHits, numWords },
      result: { ...scoresFromPolarity(positive, negative), languageCode: language, analyzer: 'offline' },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Screening and choice of analyzer
// ---------------------------------------------------------------------------------------------

/** Offline Neutral at or above this: the line is clearly neutral and Comprehend is not called. */
export const SCREEN_NEUTRAL_THRESHOLD = 0.9;

/**
 * The offline analyzer screens; Comprehend decides only the lines the offline analyzer does not
 * find clearly neutral (offline Neutral < `neutralThreshold`). Most business chat is neutral
 * ("qual o prazo?", "te paso el comprobante"), so most lines never reach Comprehend, which bills
 * at least 3 units of 100 characters per call even for a 20-character line.
 *
 * Trade-off: a line the lexicon does not recognise as emotional (irony, slang, a complaint made
 * of neutral words: "Faz duas semanas que espero e ninguém me dá retorno") is decided offline as
 * NEUTRAL and Comprehend never sees it, so recall on such lines is the offline analyzer's. A
 * threshold of 1 sends every line with any polar mass beyond the dead zone (one weak cue);
 * `comprehend` mode sends every line that passes the gate, at several times the cost.
 *
 * Given the sentiments the applicable policies look for (`wanted`), it also spares the lines whose
 * offline polarity cannot become one of them: with only NEGATIVE policies, a purely positive line
 * is decided offline; with no applicable policy at all (`wanted` empty), every line is.
 */
export class ScreenedSentimentAnalyzer implements SentimentAnalyzer {
  constructor(
    private readonly offline: SentimentAnalyzer,
    private readonly comprehend: SentimentAnalyzer,
    private readonly neutralThreshold = SCREEN_NEUTRAL_THRESHOLD,
  ) {}

  async analyze(text: string, wanted?: readonly SentimentLabel[]): Promise<SentimentResult | SentimentSkipped> {
    const screened = await this.offline.analyze(text);
    if (isSkipped(screened) || screened.scores.Neutral >= this.neutralThreshold) return screened;
    if (wanted && !wanted.some((label) => mayBe(label, screened.scores))) return screened;
    return this.comprehend.analyze(text);
  }
}

/**
 * Could Comprehend find `label` in a line the offline analyzer scored so? Only if the offline
 * analyzer found some mass of that polarity (alone or mixed). A line with purely positive cues
 * ("Perfeito, pode fechar o pedido.") is not sent to Comprehend when the policies only look for
 * NEGATIVE, and the reverse; MIXED is possible in any non-neutral line.
 */
function mayBe(label: SentimentLabel, scores: SentimentResult['scores']): boolean {
  if (label === 'NEGATIVE') return scores.Negative + scores.Mixed > 0;
  if (label === 'POSITIVE') return scores.Positive + scores.Mixed > 0;
  return label !== 'NEUTRAL';
}

let sharedOffline: OfflineSentimentAnalyzer | undefined;

/** The process-wide offline analyzer with the default minimum of letters. */
export function offlineSentimentAnalyzer(): OfflineSentimentAnalyzer {
  sharedOffline ??= new OfflineSentimentAnalyzer();
  return sharedOffline;
}

export interface SentimentAnalyzerOptions extends AnalyzerOptions {
  /** Screened mode: offline Neutral at or above which Comprehend is not called. @default 0.9 */
  neutralThreshold?: number;
}

/**
 * The analyzer for the config's `sentiment.analyzer` (and `sentiment.minLetters`); the Comprehend
 * modes need the client.
 */
export function sentimentAnalyzerFor(mode: SentimentMode, comprehend?: ComprehendClient, options: SentimentAnalyzerOptions = {}): SentimentAnalyzer {
  const offline =
    options.minLetters === undefined || options.minLetters === DEFAULT_MIN_LETTERS
      ? offlineSentimentAnalyzer()
      : new OfflineSentimentAnalyzer({ minLetters: options.minLetters });
  if (mode === 'offline') return offline;
  if (!comprehend) throw new Error(`sentiment analyzer '${mode}' needs a ComprehendClient`);
  const viaComprehend = new ComprehendSentimentAnalyzer(comprehend, { minLetters: options.minLetters });
  if (mode === 'comprehend') return viaComprehend;
  if (mode === 'screened') return new ScreenedSentimentAnalyzer(offline, viaComprehend, options.neutralThreshold);
  throw new Error(`unknown sentiment analyzer '${String(mode)}'`);
}
