/** The sentiment port: what the compliance flow asks of an analyzer, whichever one the config picks. */
import type { SentimentLabel, SentimentResult } from '../model';

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

export interface AnalyzerOptions {
  /** Texts with fewer letters are skipped (config `sentiment.minLetters`). @default 12 */
  minLetters?: number;
}

export interface SentimentAnalyzerOptions extends AnalyzerOptions {
  /** Screened mode: offline Neutral at or above which Comprehend is not called. @default 0.9 */
  neutralThreshold?: number;
}
