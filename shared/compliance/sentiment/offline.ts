/** The offline analyzer: nlp.js in the function itself, nothing leaves the account/region. */
import nlpCore from '@nlpjs/core';
import nlpLangEn from '@nlpjs/lang-en';
import nlpLangEs from '@nlpjs/lang-es';
import nlpLangPt from '@nlpjs/lang-pt';
import nlpSentiment from '@nlpjs/sentiment';
import type { DetectedLanguage } from '../language';
import type { SentimentLabel, SentimentResult } from '../model';
import { SENTICON_MIN, SENTICON_TO_AFINN } from '../senticon';
import { DEFAULT_MIN_LETTERS, sentimentLanguage } from './gate';
import { EMOJI, EMOJI_PATTERN, GREETINGS, INTENSIFIERS, LEXICON, NEGATIONS, NEUTRAL_WORDS } from './lexicon';
import type { AnalyzerOptions, SentimentAnalyzer, SentimentSkipped } from './port';

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
 * - negations, intensifiers and greetings get their own lists.
 * The lists are in ./lexicon.ts. Words are written as typed; they are stemmed with nlp.js's stemmer
 * when the analyzer is built.
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

/** Comprehend-shaped scores from the positive and negative mass (see the comment at the top). */
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

let sharedOffline: OfflineSentimentAnalyzer | undefined;

/** The process-wide offline analyzer with the default minimum of letters. */
export function offlineSentimentAnalyzer(): OfflineSentimentAnalyzer {
  sharedOffline ??= new OfflineSentimentAnalyzer();
  return sharedOffline;
}
