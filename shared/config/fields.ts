// A namespace import: esbuild can then keep only the zod members used (`import { z }` pulls in all of
// zod, locales and JSON Schema tools included, once any module of a bundle imports it that way).
import * as z from 'zod';

/** Field schemas shared by the config's sections, each failing with the message a person reads. */

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const E164 = /^\+[1-9]\d{7,14}$/;

export const quote = (value: unknown) => JSON.stringify(value);

export const slug = z
  .string()
  .regex(SLUG, { error: (issue) => `must be a slug (lowercase letters, digits and single hyphens), got ${quote(issue.input)}` });

export const text = z.string().trim().min(1, { error: 'must not be empty' });

export const email = z.email({ error: (issue) => `must be an e-mail address, got ${quote(issue.input)}` });

export const phone = z.string().regex(E164, { error: (issue) => `must be an E.164 phone number ("+" and 8–15 digits, no spaces), got ${quote(issue.input)}` });

export const SeveritySchema = z.enum(['low', 'medium', 'high']);
export const DirectionSchema = z.enum(['inbound', 'outbound', 'both']);

export const nonEmptyList = <T extends z.ZodType>(item: T) => z.array(item).min(1, { error: 'must not be empty' });

/** `YYYY-MM-DD` that names a real day (not 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}
