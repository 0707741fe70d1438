import type { MessageView } from '../capture/ports/archive-repository';
import type { Alert } from '../compliance/model';
import { foldText, originalRange } from '../compliance/normalize-text';
import type { AlertHit } from './wire';

export type { AlertHit };

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** The hit of an alert: matched term and where in the text, declared vs sniffed type, score and analyzer. */
export function hitOf(alert: Alert, message: MessageView | undefined): AlertHit | undefined {
  const evidence = alert.evidence ?? {};
  if (alert.kind === 'keyword' && typeof evidence.matched === 'string') {
    // A term found in the text inside the file is not in the message's text.
    if (evidence.source === 'file') return { kind: 'keyword', matched: evidence.matched, source: 'file', ...defined({ excerpt: str(evidence.excerpt) }) };
    const offsets = message?.text ? locate(message.text, evidence.matched) : undefined;
    return { kind: 'keyword', matched: evidence.matched, ...defined({ excerpt: str(evidence.excerpt), offsets }) };
  }
  if (alert.kind === 'pii' && Array.isArray(evidence.found)) {
    const found = (evidence.found as Record<string, unknown>[]).map((each) => ({
      detector: String(each.detector),
      count: num(each.count) ?? 0,
      masked: Array.isArray(each.masked) ? each.masked.map(String) : [],
    }));
    return { kind: 'pii', source: evidence.source === 'file' ? 'file' : 'text', count: num(evidence.count) ?? 0, found };
  }
  if (alert.kind === 'file' && Array.isArray(evidence.reasons)) {
    return {
      kind: 'file',
      reasons: evidence.reasons.map(String),
      ...defined({
        extension: str(evidence.extension),
        declaredMime: str(evidence.declaredMime),
        sniffedMime: str(evidence.sniffedMime),
        size: num(evidence.size),
        mediaId: str(message?.media?.mediaId),
      }),
    };
  }
  if (alert.kind === 'sentiment' && typeof evidence.sentiment === 'string' && typeof evidence.score === 'number') {
    return { kind: 'sentiment', sentiment: evidence.sentiment, score: evidence.score, ...defined({ analyzer: str(evidence.analyzer), languageCode: str(evidence.languageCode) }) };
  }
  return Object.keys(evidence).length > 0 ? { kind: alert.kind, evidence } : undefined;
}

/**
 * Where `matched` is in the text: a configured term matches as whole words ignoring case and
 * accents (as the keyword engine does); a regex policy's `matched` is its source.
 */
function locate(text: string, matched: string): { start: number; end: number } | undefined {
  const folded = foldText(text);
  const words = foldText(matched).text.match(/[\p{L}\p{N}]+/gu);
  if (words && words.length > 0) {
    const phrase = new RegExp(`(?<![\\p{L}\\p{N}])${words.map(escapeRegExp).join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'u').exec(folded.text);
    if (phrase) {
      const [start, end] = originalRange(folded, phrase.index, phrase.index + phrase[0].length);
      return { start, end };
    }
  }
  try {
    const found = new RegExp(matched, 'iu').exec(text);
    if (found) return { start: found.index, end: found.index + found[0].length };
  } catch {
    // Not a regex: nothing more to find.
  }
  return undefined;
}

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
