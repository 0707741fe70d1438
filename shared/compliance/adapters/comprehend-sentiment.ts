/**
 * Sentiment through Amazon Comprehend's DetectSentiment (the `SentimentAnalyzer` port of
 * shared/compliance/sentiment/port.ts).
 *
 * What is sent: the message text alone, truncated to `COMPREHEND_MAX_TEXT_BYTES` of UTF-8, with
 * the language code detected offline (es, pt or en). No message, line or contact ids, no names or
 * phone numbers besides what the text itself contains. The language is not asked of Comprehend
 * (DetectDominantLanguage is billed like DetectSentiment and would double the cost per line).
 *
 * Errors of the SDK (ThrottlingException, InternalServerException, TextSizeLimitExceededException…)
 * are not caught: the Lambda rethrows them with their `name`, which the Step Functions Retry of the
 * SentimentCheck state matches (COMPREHEND_RETRYABLE_ERRORS in infra/constructs/compliance-flow.ts).
 */
import { type ComprehendClient, DetectSentimentCommand, type DetectSentimentCommandOutput } from '@aws-sdk/client-comprehend';
import type { SentimentLabel, SentimentResult } from '../model';
import type { DetectedLanguage } from '../language';
import { DEFAULT_MIN_LETTERS, sentimentLanguage } from '../sentiment/gate';
import type { AnalyzerOptions, SentimentAnalyzer, SentimentSkipped } from '../sentiment/port';

/** DetectSentiment's limit on `Text` ("5 KB" of UTF-8; 5,000 bytes to be safe). */
export const COMPREHEND_MAX_TEXT_BYTES = 5000;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut between user-perceived
 * characters (grapheme clusters): never inside a multi-byte sequence or a surrogate pair, nor
 * between an emoji and its skin tone / ZWJ sequence, nor a letter and its combining accent.
 * Lone surrogates (not valid UTF-16) are replaced by U+FFFD first, so the result always encodes to
 * valid UTF-8.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const wellFormed = text.toWellFormed();
  if (Buffer.byteLength(wellFormed, 'utf8') <= maxBytes) return wellFormed;
  let bytes = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(wellFormed)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end = index + segment.length;
  }
  return wellFormed.slice(0, end);
}

const LABELS: ReadonlySet<string> = new Set<SentimentLabel>(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED']);

/** DetectSentiment's response as a `SentimentResult` (analyzer `comprehend`). */
export function sentimentFromComprehend(output: Pick<DetectSentimentCommandOutput, 'Sentiment' | 'SentimentScore'>, languageCode: string): SentimentResult {
  if (!output.Sentiment || !LABELS.has(output.Sentiment)) {
    throw new Error(`Comprehend DetectSentiment returned no usable sentiment (${String(output.Sentiment)})`);
  }
  const score = output.SentimentScore ?? {};
  return {
    sentiment: output.Sentiment as SentimentLabel,
    scores: { Positive: score.Positive ?? 0, Negative: score.Negative ?? 0, Neutral: score.Neutral ?? 0, Mixed: score.Mixed ?? 0 },
    languageCode,
    analyzer: 'comprehend',
  };
}

export class ComprehendSentimentAnalyzer implements SentimentAnalyzer {
  private readonly minLetters: number;

  constructor(
    private readonly client: ComprehendClient,
    options: AnalyzerOptions = {},
  ) {
    this.minLetters = options.minLetters ?? DEFAULT_MIN_LETTERS;
  }

  async analyze(text: string): Promise<SentimentResult | SentimentSkipped> {
    const gate = sentimentLanguage(text, this.minLetters);
    if ('skipped' in gate) return gate;
    const language: DetectedLanguage = gate.language;
    const output = await this.client.send(
      new DetectSentimentCommand({ Text: truncateUtf8(text, COMPREHEND_MAX_TEXT_BYTES), LanguageCode: language }),
    );
    return sentimentFromComprehend(output, language);
  }
}
