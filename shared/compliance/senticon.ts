/**
 * How the offline analyzer uses nlp.js's English SentiCon lexicon (shared/compliance/sentiment/offline.ts):
 * only entries of at least this magnitude, scaled to AFINN units. The Lambda bundles carry only
 * those entries (infra/bundling/nlp-package-reductions.ts).
 */
export const SENTICON_MIN = 0.5;
export const SENTICON_TO_AFINN = 5;
