/**
 * Which lines are worth a sentiment analysis: the gate every analyzer applies before spending any
 * work (or a paid call) on a line.
 */
import { type DetectedLanguage, languageEvidence } from '../language';
import type { SentimentSkipped } from './port';

/** Links with a scheme or `www.`, and bare `domain.tld/path` links (wa.me/…, bit.ly/…). */
const URL_PATTERN = /(?:\bhttps?:\/\/|\bwww\.)\S+|\b[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.\p{L}{2,24}\/\S*/giu;
const LETTER = /\p{L}/gu;
const DIGIT = /\p{Nd}/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

export type SentimentGate = { ok: true } | { ok: false; reason: string };

/** Default of `canCarrySentiment` and of the config's `sentiment.minLetters`. */
export const DEFAULT_MIN_LETTERS = 12;

/**
 * Whether a text has enough words to have a sentiment: at least `minLetters` Unicode letters once
 * links are removed. The reason names what the text is instead: `empty`, `only links`,
 * `only emoji`, `only numbers`, `no letters` (punctuation), or `too short (n letters, minimum m)`.
 */
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
