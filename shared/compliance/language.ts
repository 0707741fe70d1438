/**
 * Offline language detection for the sentiment check: which of Spanish, Portuguese or English a
 * WhatsApp line is written in, without calling Comprehend's DetectDominantLanguage (which would
 * double the cost of every screened message).
 *
 * Two sources of evidence are combined:
 *
 * 1. nlp.js's trigram guesser (`@nlpjs/language`), restricted to es/pt/en. On its own it is
 *    unreliable on chat-length lines: "Buenas tardes, te mando la factura mañana" comes out
 *    Portuguese and "Thanks a lot, great service!" Spanish, with the right language a close second.
 *    Its scores (1 for the best language, lower for the others) are weighted by `TRIGRAM_WEIGHT`.
 * 2. Function words, frequent chat words and spelling that only one of the three languages uses
 *    (`não`, `você`, `pra`, `atendimento`, `ã`/`õ`, `nh`/`lh`; `el`, `los`, `y`, `muy`, `servicio`,
 *    `ñ`, `¿`/`¡`; `the`, `and`, `you`…), one point each, matched with and without accents because
 *    people often type without them.
 *
 * The language with the highest total wins if it leads the runner-up by at least `MIN_MARGIN`.
 * The result is `undefined` (never a guessed default) when:
 * - the text has fewer than `MIN_LETTERS` letters (`"ok"`, `"👍 blz"`), or is not mostly Latin script;
 * - the line looks like another language (French, Italian, German): no function word of the three
 *   and nlp.js's unrestricted guesser prefers another language (Galician and Catalan excepted: it
 *   confuses them with Portuguese and Spanish on short lines), or at least as many French/Italian/
 *   German function words as words of the best of the three. Restricting the guesser would
 *   otherwise force such a line into Spanish or Portuguese and send it to Comprehend with the
 *   wrong language code;
 * - the two best languages are too close to call.
 * Callers treat `undefined` as "no sentiment for this line" (skipped), which is the safe default.
 */
import nlpLanguage from '@nlpjs/language';

export type DetectedLanguage = 'es' | 'pt' | 'en';

interface NlpGuess {
  alpha2: string;
  alpha3: string;
  score: number;
}
interface NlpLanguageGuesser {
  guess(utterance: string, allowList?: string[], limit?: number): NlpGuess[];
}

const LANGUAGES: readonly DetectedLanguage[] = ['es', 'pt', 'en'];

/** Below this many letters a line is too short to tell Spanish from Portuguese. */
export const MIN_LETTERS = 8;
/** How much the trigram guesser's score (0–1) counts against one function word. */
const TRIGRAM_WEIGHT = 2;
/** Lead the winner needs over the runner-up (function words are worth 1). */
const MIN_MARGIN = 0.5;

/**
 * Words (lowercase, written as typed, with and without accents) used by only one of the three
 * languages in everyday chat. Words shared by Spanish and Portuguese (`que`, `de`, `para`, `por`,
 * `como`, `nada`, `pedido`, `no`, `me`, `se`…) and by English and the others (`a`) are left out.
 */
const FUNCTION_WORDS: Record<DetectedLanguage, ReadonlySet<string>> = {
  pt: new Set(
    (
      'não nao você voce vocês voces obrigado obrigada obg um uma uns umas com do da dos das na nas ao aos à às pra pro pelo pela ' +
      'é são sao estou estão estao muito muita muitos muitas também tambem isso esse essa isto já ainda meu minha meus minhas ' +
      'seu sua seus suas ele ela eles elas tem têm tenho vou vai vamos bom boa tudo ninguém ninguem agora hoje amanhã amanha ' +
      'qual quais quando onde posso pode podem poderia consegue consigo quero gostaria preciso prazo orçamento orcamento segue ' +
      'atendimento então entao até aí oi olá ola tá beleza blz vc vcs nós pq foi fui ficou ' +
      // frequent content words spelled differently in Spanish
      'serviço servico produto péssimo pessimo ruim ótimo otimo recomendo adorei gostei parabéns parabens chegou valeu ' +
      'loja frete boleto reclamação reclamacao quebrado'
    ).split(' '),
  ),
  es: new Set(
    (
      'el la los las del al y un una unos unas con es estoy están estan muy gracias usted ustedes vos pero también tambien ' +
      'eso esto ya hoy mañana manana ayer hola buenas buenos bueno nadie ningún ningun ninguna ahora cuándo cuando dónde ' +
      'donde cuál cual qué tengo tiene tienen tenés tenes quiero querés queres puedo puede pueden podés podes pasás pasas che mi ' +
      'su sus lo les acá aca allá alla señor señora envío envio cotización cotizacion presupuesto factura precio plata fue ' +
      'llegó llego hasta entonces mucho mucha muchas muchos nosotros ' +
      // frequent content words spelled differently in Portuguese
      'servicio producto pésimo pesimo malo recomiendo encantó encanto gustó gusto reclamo queja roto bárbaro barbaro ' +
      'atención atencion'
    ).split(' '),
  ),
  en: new Set(
    (
      'the and is are was were to of for you your i i\'m im my it it\'s this that with have has had not don\'t dont can ' +
      'will would please thanks thank hi hello what when where how order delivery price quote today tomorrow be been does ' +
      'did there here we our they on in at by from but or if just still yet very good great bad nobody anyone answer ' +
      'service product terrible awful thanks refund'
    ).split(' '),
  ),
};

/**
 * Frequent words of French, Italian and German (Comprehend supports them, Vigia does not): a line
 * with at least as many of these as of the best language's words is another language.
 */
const OTHER_LANGUAGE_WORDS: ReadonlySet<string> = new Set(
  (
    'je vous nous est les des du une et pour avec pas suis bonjour merci oui qui c\'est le ' +
    'il della sono per non grazie buongiorno vorrei gli questo ' +
    'ich und der die das nicht ist bitte danke guten'
  ).split(' '),
);

/** Spelling only one of the three uses: points per occurrence. */
const SPELLING: Array<{ language: DetectedLanguage; pattern: RegExp; points: number }> = [
  { language: 'pt', pattern: /[ãõ]/giu, points: 1 },
  { language: 'pt', pattern: /ç[aãoõu]/giu, points: 0.5 },
  { language: 'pt', pattern: /\p{L}*(?:nh|lh)\p{L}*/giu, points: 0.5 },
  { language: 'pt', pattern: /\p{L}+(?:cao|coes)\b/giu, points: 1 },
  { language: 'es', pattern: /[ñ¿¡]/giu, points: 1 },
  { language: 'es', pattern: /\p{L}+(?:ción|cion|ciones)\b/giu, points: 1 },
];

/**
 * Languages nlp.js's unrestricted guesser confuses with Spanish or Portuguese on short lines
 * ("Adorei, chegou super rápido" comes out Galician): not a sign of another language.
 */
const CLOSE_RELATIVES: ReadonlySet<string> = new Set(['gl', 'ca', 'oc', 'an', 'ast', 'glg', 'cat', 'oci', 'arg']);

const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const WORD = /[\p{L}']+/gu;

let guesser: NlpLanguageGuesser | undefined;
function nlpGuesser(): NlpLanguageGuesser {
  guesser ??= new (nlpLanguage as { Language: new () => NlpLanguageGuesser }).Language();
  return guesser;
}

/** The evidence behind `detectLanguage`, for tests and tuning. */
export interface LanguageEvidence {
  letters: number;
  words: Record<DetectedLanguage, number>;
  trigrams: Record<DetectedLanguage, number>;
  totals: Record<DetectedLanguage, number>;
  /** nlp.js's best guess among all the languages it knows (ISO 639-1 when it has one). */
  unrestricted?: string;
  language?: DetectedLanguage;
  reason?: 'too-short' | 'not-latin' | 'other-language' | 'ambiguous';
}

export function languageEvidence(text: string): LanguageEvidence {
  const zero = (): Record<DetectedLanguage, number> => ({ es: 0, pt: 0, en: 0 });
  const letters = text.match(LETTER)?.length ?? 0;
  const evidence: LanguageEvidence = { letters, words: zero(), trigrams: zero(), totals: zero() };
  if (letters < MIN_LETTERS) return { ...evidence, reason: 'too-short' };
  if ((text.match(LATIN_LETTER)?.length ?? 0) < letters * 0.8) return { ...evidence, reason: 'not-latin' };

  let otherWords = 0;
  for (const word of text.toLowerCase().replace(/[’`´]/g, "'").match(WORD) ?? []) {
    for (const language of LANGUAGES) if (FUNCTION_WORDS[language].has(word)) evidence.words[language] += 1;
    if (OTHER_LANGUAGE_WORDS.has(word)) otherWords += 1;
  }
  for (const { language, pattern, points } of SPELLING) {
    evidence.words[language] += (text.match(pattern)?.length ?? 0) * points;
  }

  const guess = nlpGuesser();
  for (const { alpha2, score } of guess.guess(text, [...LANGUAGES])) {
    if ((LANGUAGES as readonly string[]).includes(alpha2)) evidence.trigrams[alpha2 as DetectedLanguage] = score;
  }
  const best = guess.guess(text, undefined, 1)[0];
  evidence.unrestricted = best?.alpha2 ?? best?.alpha3;

  for (const language of LANGUAGES) evidence.totals[language] = evidence.words[language] + TRIGRAM_WEIGHT * evidence.trigrams[language];
  const noFunctionWords = LANGUAGES.every((language) => evidence.words[language] === 0);
  const unrestricted = evidence.unrestricted;
  if (noFunctionWords && unrestricted && !(LANGUAGES as readonly string[]).includes(unrestricted) && !CLOSE_RELATIVES.has(unrestricted)) {
    return { ...evidence, reason: 'other-language' };
  }
  const [first, second] = [...LANGUAGES].sort((a, b) => evidence.totals[b] - evidence.totals[a]);
  if (otherWords > 0 && otherWords >= evidence.words[first]) return { ...evidence, reason: 'other-language' };
  if (evidence.totals[first] - evidence.totals[second] < MIN_MARGIN) return { ...evidence, reason: 'ambiguous' };
  return { ...evidence, language: first };
}

/**
 * `'es' | 'pt' | 'en'` for a line written in one of them, `undefined` when the line is too short,
 * in another language or script, or too ambiguous to tell (see the module comment).
 */
export function detectLanguage(text: string): DetectedLanguage | undefined {
  return languageEvidence(text).language;
}
