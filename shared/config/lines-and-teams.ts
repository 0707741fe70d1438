import * as z from 'zod';
import { ConsoleLanguageSchema } from './console';
import { email, nonEmptyList, phone, quote, SeveritySchema, slug, text } from './fields';
import type { Line, Team, VigiaConfig } from './schema';

/** `lines` and `teams`: which WhatsApp lines belong to whom, and who hears about their alerts. */

export const LineSchema = z.strictObject({
  /** Meta's phone number ID of the WhatsApp Business line (quoted: it is an ID, not a number). */
  phoneNumberId: z.string().regex(/^\d{5,20}$/, { error: (issue) => `must be Meta's numeric phone number ID as a string, got ${quote(issue.input)}` }),
  employee: text,
  team: slug.optional(),
  email: email.optional(),
  /**
   * On AWS, a capture-gap alarm goes off when no webhook arrives for this line in
   * `ops.captureGapHours`. `false` for a line that may be quiet that long (a spare phone).
   * @default true
   */
  expectTraffic: z.boolean().optional(),
});

export const ManagerSchema = z
  .strictObject({
    name: text,
    email: email.optional(),
    phone: phone.optional(),
    /** The lowest alert severity this manager is notified of. @default low */
    minSeverity: SeveritySchema.default('low'),
    /** The language of this manager's alert e-mails, SMS and console. @default console.defaultLanguage */
    language: ConsoleLanguageSchema.optional(),
  })
  .refine((manager) => manager.email !== undefined || manager.phone !== undefined, { error: 'needs an email or a phone (or both) to be notified' });

export const TeamSchema = z.strictObject({
  id: slug,
  managers: nonEmptyList(ManagerSchema),
});

const lineIndex = new WeakMap<VigiaConfig, Map<string, Line>>();
const teamIndex = new WeakMap<VigiaConfig, Map<string, Team>>();

/** The configured line for a phone number ID, or undefined for a line the config does not list. */
export function lineOf(config: VigiaConfig, phoneNumberId: string): Line | undefined {
  let index = lineIndex.get(config);
  if (!index) lineIndex.set(config, (index = new Map(config.lines.map((line) => [line.phoneNumberId, line]))));
  return index.get(phoneNumberId);
}

export function teamOf(config: VigiaConfig, teamId: string): Team | undefined {
  let index = teamIndex.get(config);
  if (!index) teamIndex.set(config, (index = new Map(config.teams.map((team) => [team.id, team]))));
  return index.get(teamId);
}
