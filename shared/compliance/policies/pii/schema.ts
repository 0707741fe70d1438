import * as z from 'zod';
import { nonEmptyList, quote } from '../../../config/fields';
import { policyFields } from '../policy-kind';
import { DETECTOR_NAMES } from './detectors/detector';

const detector = z.enum(DETECTOR_NAMES, { error: (issue) => `must be one of ${DETECTOR_NAMES.join(', ')}, got ${quote(issue.input)}` });

export const PiiPolicySchema = z.strictObject({
  ...policyFields,
  kind: z.literal('pii'),
  /** Which identifiers to look for (docs/compliance.md, "Personal data"). */
  detectors: nonEmptyList(detector).refine((names) => new Set(names).size === names.length, { error: 'lists a detector twice' }),
  /** Alert when the message (or its file) holds at least this many: one CPF is a customer's own, fifty a leak. @default 1 */
  minCount: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).default(1),
  /** Count distinct values (the same CPF twice counts once). @default true */
  distinct: z.boolean().default(true),
  /** Also look inside the message's file (CSV, XLSX, DOCX, ODS/ODT, text PDF). @default true */
  files: z.boolean().default(true),
});

export type PiiPolicy = z.output<typeof PiiPolicySchema>;
