import * as z from 'zod';
import { nonEmptyList, quote, text } from '../../../config/fields';
import { policyFields } from '../policy-kind';

const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

const regexSource = z
  .string()
  .min(1, { error: 'must not be empty' })
  .superRefine((source, ctx) => {
    let compiled: RegExp;
    try {
      compiled = new RegExp(source, 'iu');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `does not compile: ${(error as Error).message}` });
      return;
    }
    if (compiled.exec('') !== null) ctx.addIssue({ code: 'custom', message: `matches the empty string, so it would flag every message: ${quote(source)}` });
  });

const term = text.refine((value) => HAS_WORD_CHARACTER.test(value), { error: (issue) => `has no letters or digits to match: ${quote(issue.input)}` });

export const KeywordPolicySchema = z
  .strictObject({
    ...policyFields,
    kind: z.literal('keyword'),
    /** Words or phrases; matched whole-word, ignoring case and accents. */
    terms: nonEmptyList(term).optional(),
    /** JavaScript regular expressions, evaluated with the flags `iu`. */
    regex: nonEmptyList(regexSource).optional(),
    /** Also match the Portuguese/Spanish plural forms of `terms`. @default false */
    plurals: z.boolean().default(false),
  })
  .refine((policy) => policy.terms !== undefined || policy.regex !== undefined, { error: 'needs terms or regex (or both)' });

export type KeywordPolicy = z.output<typeof KeywordPolicySchema>;
