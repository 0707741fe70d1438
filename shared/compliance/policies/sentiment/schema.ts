import * as z from 'zod';
import { policyFields } from '../policy-kind';

export const SentimentPolicySchema = z.strictObject({
  ...policyFields,
  kind: z.literal('sentiment'),
  sentiment: z.enum(['NEGATIVE', 'POSITIVE', 'MIXED']),
  /** The score of that sentiment must be at least this (0..1). */
  minScore: z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }),
});

export type SentimentPolicy = z.output<typeof SentimentPolicySchema>;
