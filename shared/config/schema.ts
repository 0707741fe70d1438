import * as z from 'zod';
import { AnalyticsSettingsSchema } from './analytics';
import { ComplianceSettingsSchema, SentimentSettingsSchema } from './compliance';
import { ConsoleSettingsSchema, type ConsoleLanguageSchema } from './console';
import { ArchiveSettingsSchema, OpsSettingsSchema, StagesSchema, type ObjectLockSchema, type StageSettingsSchema } from './deployment';
import type { DirectionSchema } from './fields';
import { LineSchema, TeamSchema } from './lines-and-teams';
import { PolicySchema } from './policies';
import { PrivacySettingsSchema, RetentionSettingsSchema, type DisclosureLanguageSchema } from './privacy';

/** The whole `vigia.config.yaml`, section by section (each section's schema is in its own module). */
export const VigiaConfigSchema = z.strictObject({
  lines: z.array(LineSchema).default([]),
  teams: z.array(TeamSchema).default([]),
  policies: z.array(PolicySchema).default([]),
  compliance: ComplianceSettingsSchema.default({ history: 'check' }),
  sentiment: SentimentSettingsSchema.default({ analyzer: 'screened', minLetters: 12 }),
  analytics: AnalyticsSettingsSchema.default({ includeText: false, scheduleHours: 1, lookbackDays: 2, firstDay: '2022-01-01' }),
  retention: RetentionSettingsSchema.optional(),
  privacy: PrivacySettingsSchema.optional(),
  archive: ArchiveSettingsSchema.optional(),
  ops: OpsSettingsSchema.default({ email: [], sms: [], captureGapHours: 24 }),
  console: ConsoleSettingsSchema.default({ officers: [], defaultLanguage: 'pt' }),
  /** Keyed by stage name (`cdk deploy -c stage=NAME`). */
  stages: StagesSchema.optional(),
});

export type VigiaConfig = z.output<typeof VigiaConfigSchema>;
export type ObjectLockSettings = z.output<typeof ObjectLockSchema>;
export type OpsSettings = VigiaConfig['ops'];
export type StageSettings = z.output<typeof StageSettingsSchema>;
export type Line = VigiaConfig['lines'][number];
export type Team = VigiaConfig['teams'][number];
export type Manager = Team['managers'][number];
export type SentimentSettings = VigiaConfig['sentiment'];
export type ComplianceSettings = VigiaConfig['compliance'];
export type AnalyticsSettings = VigiaConfig['analytics'];
export type RetentionSettings = NonNullable<VigiaConfig['retention']>;
export type PrivacySettings = NonNullable<VigiaConfig['privacy']>;
export type EmployeeNoticeSettings = NonNullable<PrivacySettings['employeeNotice']>;
export type DisclosureSettings = NonNullable<PrivacySettings['disclosure']>;
export type DisclosureLanguage = z.output<typeof DisclosureLanguageSchema>;
export type ConsoleSettings = VigiaConfig['console'];
export type Officer = ConsoleSettings['officers'][number];
export type ConsoleLanguage = z.output<typeof ConsoleLanguageSchema>;
export type PolicyDirection = z.output<typeof DirectionSchema>;
