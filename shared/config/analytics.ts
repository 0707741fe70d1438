import * as z from 'zod';
import { isCalendarDay, quote } from './fields';

/** The analytics export (docs/analytics.md): Parquet files in the analytics bucket, queried with Athena or DuckDB. */
export const AnalyticsSettingsSchema = z.strictObject({
  /**
   * Export message bodies (`messages.text`). Off by default: volumes, timing, sentiment and alerts
   * need no content, and every copy of the text is one more place personal data lives.
   * @default false
   */
  includeText: z.boolean().default(false),
  /** On AWS, the export runs every this many hours (EventBridge schedule). @default 1 */
  scheduleHours: z.number().int({ error: 'must be a whole number of hours' }).min(1, { error: 'must be between 1 and 24' }).max(24, { error: 'must be between 1 and 24' }).default(1),
  /**
   * A scheduled export rewrites the days from this many days before the previous export's day up to
   * today (late statuses, alerts handled the next day). Older changes need `vigia export --since DAY`.
   * @default 2
   */
  lookbackDays: z.number().int({ error: 'must be a whole number of days' }).min(0, { error: 'must be between 0 and 31' }).max(31, { error: 'must be between 0 and 31' }).default(2),
  /**
   * First day Athena looks at (start of the partition projection range); days before it are exported but
   * not queried by Athena. Cloud API traffic cannot be older than 2022.
   * @default "2022-01-01"
   */
  firstDay: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => `must be a day like 2024-01-01, got ${quote(issue.input)}` })
    .refine((day) => isCalendarDay(day), { error: (issue) => `is not a calendar day: ${quote(issue.input)}` })
    .default('2022-01-01'),
});
