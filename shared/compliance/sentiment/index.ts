/**
 * Sentiment of a WhatsApp line for the compliance checks, in Amazon Comprehend's DetectSentiment
 * shape (`SentimentResult`), from three analyzers behind one port:
 *
 * - `OfflineSentimentAnalyzer`: nlp.js in the function itself, nothing leaves the account/region;
 * - `ComprehendSentimentAnalyzer` (../adapters/comprehend-sentiment.ts): Amazon Comprehend;
 * - `ScreenedSentimentAnalyzer`: the offline analyzer screens, Comprehend decides the lines that
 *   are not clearly neutral.
 *
 * Every analyzer first applies `canCarrySentiment` and detects the language offline
 * (../language.ts, gate.ts); a line that fails either is returned as `{ skipped: reason }`.
 * `sentimentAnalyzerFor` (../sentiment-analyzer.ts) picks the analyzer for the config's mode.
 */
export type { DetectedLanguage } from '../language';
export { canCarrySentiment, DEFAULT_MIN_LETTERS, type SentimentGate, sentimentLanguage } from './gate';
export { type OfflineExplanation, OfflineSentimentAnalyzer, offlineSentimentAnalyzer, scoresFromPolarity } from './offline';
export { type AnalyzerOptions, isSkipped, type SentimentAnalyzer, type SentimentAnalyzerOptions, type SentimentMode, type SentimentSkipped } from './port';
export { SCREEN_NEUTRAL_THRESHOLD, ScreenedSentimentAnalyzer } from './screened';
