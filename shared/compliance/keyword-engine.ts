import type { KeywordHit } from './policies/keyword';
import type { KeywordPolicy } from './policies/keyword/schema';
import { appliesTo, type PolicyScope } from './policies/scope';
import { excerptAround, foldText, originalRange, tokenize, wordsOf, type FoldedText, type Redaction } from './normalize-text';

/**
 * Keyword policies compiled once (per Lambda container) into one Aho–Corasick automaton over
 * words: configured terms and phrases become sequences of folded words, and a message is scanned
 * word by word in a single pass whatever the number of terms. Whole-word matching follows from
 * scanning words; phrases match across any spaces or punctuation between their words.
 *
 * Regexes run separately (they cannot share an automaton), on the original text with the flags
 * `iu` and on the folded text; either matching is a hit.
 */
export interface KeywordEngine {
  readonly policies: readonly KeywordPolicy[];
  /** Word sequences in the automaton (terms plus plural variants). */
  readonly patternCount: number;
  /**
   * One hit per applicable policy (its first match), in config order. `redactionsOf` (called only
   * when something matched) gives the spans each excerpt shows masked: the personal data in the text.
   */
  match(text: string, scope: PolicyScope, redactionsOf?: (text: string) => readonly Redaction[]): KeywordHit[];
}

/** Phrases whose plural variants would exceed this only vary their first and last words. */
const MAX_PLURAL_VARIANTS = 256;

interface Output {
  policy: number;
  term: number;
  /** Words in the pattern. */
  length: number;
}

interface Candidate {
  start: number;
  end: number;
  matched: string;
}

export function compileKeywordPolicies(policies: KeywordPolicy[]): KeywordEngine {
  const automaton = new WordAutomaton();
  policies.forEach((policy, policyIndex) => {
    policy.terms?.forEach((term, termIndex) => {
      const words = wordsOf(term);
      if (words.length === 0) return;
      for (const variant of policy.plurals ? pluralVariants(words) : [words]) automaton.add(variant, { policy: policyIndex, term: termIndex, length: variant.length });
    });
  });
  automaton.build();
  const regexes = policies.map((policy) => (policy.regex ?? []).map((source) => ({ source, pattern: new RegExp(source, 'iu') })));
  const hasTerms = policies.map((policy) => (policy.terms?.length ?? 0) > 0);

  return {
    policies,
    patternCount: automaton.patternCount,
    match(text, scope, redactionsOf) {
      const applicable = policies.map((policy) => appliesTo(policy, scope));
      if (text.length === 0 || !applicable.includes(true)) return [];
      const folded = foldText(text);
      const termHits = automaton.scan(folded, applicable.map((yes, index) => yes && hasTerms[index]));

      const hits: KeywordHit[] = [];
      let redactions: readonly Redaction[] | undefined;
      policies.forEach((policy, index) => {
        if (!applicable[index]) return;
        let best: Candidate | undefined;
        const termHit = termHits.get(index);
        if (termHit) best = { ...termHit, matched: policy.terms![termHit.term] };
        for (const { source, pattern } of regexes[index]) {
          const candidate = firstRegexMatch(pattern, folded);
          if (candidate && (!best || candidate.start < best.start)) best = { ...candidate, matched: source };
        }
        if (!best) return;
        redactions ??= redactionsOf?.(text) ?? [];
        hits.push({ policyId: policy.id, severity: policy.severity, matched: best.matched, excerpt: excerptAround(text, best.start, best.end, undefined, redactions) });
      });
      return hits;
    },
  };
}

/** The earlier of the regex's first match on the original text and on the folded text (original offsets). */
function firstRegexMatch(pattern: RegExp, folded: FoldedText): Omit<Candidate, 'matched'> | undefined {
  const onOriginal = pattern.exec(folded.original);
  const onFolded = folded.text === folded.original ? null : pattern.exec(folded.text);
  const fromOriginal = onOriginal ? { start: onOriginal.index, end: onOriginal.index + onOriginal[0].length } : undefined;
  let fromFolded: Omit<Candidate, 'matched'> | undefined;
  if (onFolded) {
    const [start, end] = originalRange(folded, onFolded.index, onFolded.index + onFolded[0].length);
    fromFolded = { start, end };
  }
  if (fromOriginal && fromFolded) return fromFolded.start < fromOriginal.start ? fromFolded : fromOriginal;
  return fromOriginal ?? fromFolded;
}

// ── Plurals ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Portuguese and Spanish plural forms of a folded word (accents are already gone, so "ões" is
 * "oes"): +s, +es, -ão → -ões/-ães (-ãos is +s), -l → -is, -z → -ces, -m → -ns (mensagem →
 * mensagens). Words of one or two letters ("de", "la") and words with digits are left alone.
 */
export function pluralForms(word: string): string[] {
  if (word.length < 3 || /\d/.test(word)) return [];
  const forms = new Set([`${word}s`, `${word}es`]);
  if (word.endsWith('ao')) {
    forms.add(`${word.slice(0, -2)}oes`);
    forms.add(`${word.slice(0, -2)}aes`);
  }
  if (word.endsWith('l')) forms.add(`${word.slice(0, -1)}is`);
  if (word.endsWith('z')) forms.add(`${word.slice(0, -1)}ces`);
  if (word.endsWith('m')) forms.add(`${word.slice(0, -1)}ns`);
  return [...forms];
}

/** Every combination of singular and plural words ("planilha de preco" → "planilhas de precos", …). */
function pluralVariants(words: string[]): string[][] {
  let alternatives = words.map((word) => [word, ...pluralForms(word)]);
  const count = alternatives.reduce((product, options) => product * options.length, 1);
  if (count > MAX_PLURAL_VARIANTS) alternatives = alternatives.map((options, index) => (index === 0 || index === words.length - 1 ? options : [options[0]]));
  let variants: string[][] = [[]];
  for (const options of alternatives) variants = variants.flatMap((prefix) => options.map((word) => [...prefix, word]));
  return variants;
}

// ── Aho–Corasick over words ──────────────────────────────────────────────────────────────────────

class WordAutomaton {
  /** Word → symbol. Words of a message not in here reset the scan to the root. */
  private readonly symbols = new Map<string, number>();
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly outputs: Array<Output[] | undefined> = [undefined];
  private fail = new Int32Array(0);
  /** Nearest state along the failure chain that has outputs (or -1). */
  private outputLink = new Int32Array(0);
  patternCount = 0;

  add(words: string[], output: Output): void {
    let state = 0;
    for (const word of words) {
      let symbol = this.symbols.get(word);
      if (symbol === undefined) this.symbols.set(word, (symbol = this.symbols.size));
      let target = this.next[state].get(symbol);
      if (target === undefined) {
        target = this.next.length;
        this.next.push(new Map());
        this.outputs.push(undefined);
        this.next[state].set(symbol, target);
      }
      state = target;
    }
    const existing = this.outputs[state];
    if (!existing) this.patternCount++;
    // One output per policy and state: the first configured term that spells these words.
    if (existing?.some((other) => other.policy === output.policy)) return;
    if (existing) existing.push(output);
    else this.outputs[state] = [output];
  }

  build(): void {
    const size = this.next.length;
    this.fail = new Int32Array(size);
    this.outputLink = new Int32Array(size).fill(-1);
    const queue: number[] = [];
    for (const child of this.next[0].values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [symbol, child] of this.next[state]) {
        let fallback = this.fail[state];
        while (fallback !== 0 && !this.next[fallback].has(symbol)) fallback = this.fail[fallback];
        const target = this.next[fallback].get(symbol);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const failState = this.fail[child];
        this.outputLink[child] = this.outputs[failState] ? failState : this.outputLink[failState];
        queue.push(child);
      }
    }
  }

  /** First match (earliest end) of each wanted policy, in original offsets. */
  scan(folded: FoldedText, wanted: boolean[]): Map<number, { term: number; start: number; end: number }> {
    const found = new Map<number, { term: number; start: number; end: number }>();
    let remaining = wanted.filter(Boolean).length;
    if (remaining === 0 || this.patternCount === 0) return found;
    const tokens = tokenize(folded.text);
    let state = 0;
    for (let index = 0; index < tokens.length && remaining > 0; index++) {
      const symbol = this.symbols.get(tokens[index].word);
      if (symbol === undefined) {
        state = 0;
        continue;
      }
      while (state !== 0 && !this.next[state].has(symbol)) state = this.fail[state];
      state = this.next[state].get(symbol) ?? 0;
      for (let emitting = this.outputs[state] ? state : this.outputLink[state]; emitting > 0; emitting = this.outputLink[emitting]) {
        for (const output of this.outputs[emitting]!) {
          if (!wanted[output.policy] || found.has(output.policy)) continue;
          const first = tokens[index - output.length + 1];
          const [start] = originalRange(folded, first.start, first.end);
          const [, end] = originalRange(folded, tokens[index].start, tokens[index].end);
          found.set(output.policy, { term: output.term, start, end });
          remaining--;
        }
      }
    }
    return found;
  }
}
