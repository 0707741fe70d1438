import * as z from 'zod';
import { nonEmptyList, quote } from '../../../config/fields';
import { policyFields } from '../policy-kind';

const extension = z
  .string()
  .transform((value) => value.trim().toLowerCase().replace(/^\.+/, ''))
  .refine((value) => /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/.test(value), { error: (issue) => `must be a file extension like "xlsx" or "tar.gz", got ${quote(issue.input)}` });

const mimeType = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .refine((value) => /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9*][a-z0-9!#$&^_.+*-]*$/.test(value), {
    error: (issue) => `must be a MIME type like "application/zip", got ${quote(issue.input)}`,
  });

export const FilePolicySchema = z
  .strictObject({
    ...policyFields,
    kind: z.literal('file'),
    /** Forbidden extensions, without the dot (case-insensitive). */
    extensions: nonEmptyList(extension).optional(),
    /** Forbidden MIME types, compared with the type sniffed from the bytes (and the declared one). */
    mimeTypes: nonEmptyList(mimeType).optional(),
    /** Flag files whose bytes are not what their declared MIME type says. */
    detectMismatch: z.boolean().optional(),
    /** Flag files larger than this many bytes. */
    maxBytes: z.number().int({ error: 'must be a whole number of bytes' }).positive({ error: 'must be greater than 0' }).optional(),
  })
  .refine((policy) => policy.extensions !== undefined || policy.mimeTypes !== undefined || policy.detectMismatch === true || policy.maxBytes !== undefined, {
    error: 'needs at least one of extensions, mimeTypes, detectMismatch: true, maxBytes',
  });

export type FilePolicy = z.output<typeof FilePolicySchema>;
