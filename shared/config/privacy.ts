import * as z from 'zod';
import { email, quote, text } from './fields';

/** `retention` and `privacy`: how long the archive keeps what it holds, and what people are told (docs/privacy.md). */

/**
 * Retention (docs/privacy.md): how long the archive keeps records and files, and why.
 * Absent: nothing expires.
 */
export const RetentionSettingsSchema = z
  .strictObject({
    /**
     * Records (DynamoDB TTL on `expiresAt`) and raw/, rejected/ and media/ objects (S3 lifecycle)
     * expire this many days after the message, status or webhook they hold.
     */
    days: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }),
    /** The legal basis of the retention, named in erasure refusals (e.g. "legal obligation: CLT art. 11"). */
    basis: text.optional(),
    /**
     * Records younger than this many days cannot be erased on a data subject's request: the
     * retention basis requires keeping them (`vigia subject erase` refuses, naming `basis`).
     */
    minimumDays: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }).optional(),
  })
  .refine((retention) => retention.minimumDays === undefined || retention.basis !== undefined, {
    error: 'minimumDays needs a basis (the legal obligation that requires keeping the records), named when an erasure is refused',
    path: ['basis'],
  })
  .refine((retention) => retention.minimumDays === undefined || retention.minimumDays <= retention.days, {
    error: 'minimumDays cannot be more than days (records expire after days)',
    path: ['minimumDays'],
  });

/** The languages of the first-contact disclosure: those the offline language detection tells apart. */
export const DisclosureLanguageSchema = z.enum(['pt', 'es', 'en']);

const webUrl = z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${quote(issue.input)}` });

/**
 * The usage-policy notice e-mailed to each line's employee (docs/privacy.md), with a
 * personal, single-use acknowledgement link.
 */
export const EmployeeNoticeSchema = z
  .strictObject({
    /** Version of the usage policy. A line without an acknowledgement for this version gets the notice. */
    policyVersion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
      error: (issue) =>
        typeof issue.input === 'number'
          ? `must be a string — quote it ("${String(issue.input)}"): YAML reads it as a number`
          : `must be 1–40 letters, digits, dots, hyphens or underscores (e.g. "2026-11"), got ${quote(issue.input)}`,
    }),
    /** Where the policy is published (the e-mail links to it). */
    policyUrl: webUrl.optional(),
    /** The policy itself, sent in the e-mail (instead of or besides policyUrl). */
    policyText: text.optional(),
    /** Sender of the notice e-mails: an address of an identity verified in Amazon SES. */
    from: email,
    /**
     * The SES identity the functions may send as (`ses:SendEmail` is granted on its ARN only): the
     * verified domain or e-mail address.
     * @default - the domain of `from`
     */
    sesIdentity: z
      .string()
      .regex(/^(?:[^@\s]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/, {
        error: (issue) => `must be a domain or an e-mail address verified in SES, got ${quote(issue.input)}`,
      })
      .optional(),
    /** @default "WhatsApp usage policy <policyVersion>: please confirm you have read it" */
    subject: text.optional(),
    /** Days an acknowledgement link stays valid. @default 30 */
    linkValidDays: z.number().int({ error: 'must be a whole number of days' }).min(1, { error: 'must be between 1 and 365' }).max(365, { error: 'must be between 1 and 365' }).default(30),
    /**
     * Base URL of the acknowledgement link (a custom domain in front of the API).
     * @default - the HTTP API's URL on AWS; the local stack's URL locally
     */
    publicUrl: webUrl.optional(),
  })
  .refine((notice) => notice.policyUrl !== undefined || notice.policyText !== undefined, { error: 'needs policyUrl or policyText (or both)' });

/** The notice a contact gets, once, the first time they write to a line (docs/privacy.md). */
export const DisclosureSettingsSchema = z
  .strictObject({
    /** @default true */
    enabled: z.boolean().default(true),
    /** A contact who wrote again this many days after their last disclosure gets it again. @default 365 */
    renewDays: z.number().int({ error: 'must be a whole number of days' }).positive({ error: 'must be greater than 0' }).default(365),
    /** The notice per language (pt, es, en): at least one; WhatsApp allows 4,096 characters. */
    text: z
      .strictObject({
        pt: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
        es: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
        en: text.max(4096, { error: 'must be at most 4096 characters (WhatsApp limit)' }).optional(),
      })
      .refine((texts) => Object.values(texts).some((value) => value !== undefined), { error: 'needs at least one of pt, es, en' }),
    /**
     * The language used when the contact's cannot be told (or has no text).
     * @default - pt when given, else the first of es, en given
     */
    defaultLanguage: DisclosureLanguageSchema.optional(),
  })
  .refine((disclosure) => disclosure.defaultLanguage === undefined || disclosure.text[disclosure.defaultLanguage] !== undefined, {
    error: (issue) => `has no text for it: add text.${String((issue.input as { defaultLanguage?: string }).defaultLanguage)}`,
    path: ['defaultLanguage'],
  });

/** Privacy operations (docs/privacy.md). Absent: no notice, no disclosure. */
export const PrivacySettingsSchema = z.strictObject({
  employeeNotice: EmployeeNoticeSchema.optional(),
  disclosure: DisclosureSettingsSchema.optional(),
});
