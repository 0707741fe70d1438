import type { SentimentLabel, SentimentResult } from '../model';
import { isSkipped, type SentimentAnalyzer, type SentimentSkipped } from './port';

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
