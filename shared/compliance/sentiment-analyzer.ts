/**
 * Picks the sentiment analyzer the config asks for. It is the one module that knows both the
 * analyzers of ./sentiment and the Comprehend adapter, so neither has to import the other.
 */
import type { ComprehendClient } from '@aws-sdk/client-comprehend';
import { ComprehendSentimentAnalyzer } from './adapters/comprehend-sentiment';
import { DEFAULT_MIN_LETTERS } from './sentiment/gate';
import { OfflineSentimentAnalyzer, offlineSentimentAnalyzer } from './sentiment/offline';
import type { SentimentAnalyzer, SentimentAnalyzerOptions, SentimentMode } from './sentiment/port';
import { ScreenedSentimentAnalyzer } from './sentiment/screened';

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
