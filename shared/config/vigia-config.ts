/**
 * The deployment config (`vigia.config.yaml`): which WhatsApp lines belong to whom, the teams and
 * their managers, and the compliance policies. Read by the CLI and the local stack from the file,
 * and by the Lambdas from `VIGIA_CONFIG_JSON`, which the CDK inlines at bundle time after
 * validating the same file — so a bad config fails `cdk synth`, never a running function.
 *
 * The public entry: import from here. Behind it, one module per job — the schema by section
 * (./lines-and-teams, ./policies with the kinds of shared/compliance/policies/, ./compliance,
 * ./privacy, ./analytics, ./deployment; assembled in ./schema), ./validate (cross-references),
 * ./errors (the messages people read) and ./load (YAML file, environment).
 */

export { ConfigFileError, formatPath } from './errors';
export { isCalendarDay, SeveritySchema, DirectionSchema } from './fields';
export { LineSchema, ManagerSchema, TeamSchema, lineOf, teamOf } from './lines-and-teams';
export { PolicySchema, type Policy } from './policies';
export { KeywordPolicySchema, type KeywordPolicy } from '../compliance/policies/keyword/schema';
export { FilePolicySchema, type FilePolicy } from '../compliance/policies/file/schema';
export { SentimentPolicySchema, type SentimentPolicy } from '../compliance/policies/sentiment/schema';
export { appliesTo, type PolicyScope } from '../compliance/policies/scope';
export { ComplianceSettingsSchema, SentimentSettingsSchema, complianceChecksOf } from './compliance';
export { COMPLIANCE_CHECKS, checksSource, type ComplianceChecks } from './compliance-checks';
export { AnalyticsSettingsSchema } from './analytics';
export { ConsoleLanguageSchema, ConsoleSettingsSchema, OfficerSchema } from './console';
export { DisclosureLanguageSchema, DisclosureSettingsSchema, EmployeeNoticeSchema, PrivacySettingsSchema, RetentionSettingsSchema } from './privacy';
export { ArchiveSettingsSchema, LOG_RETENTION_DAYS, ObjectLockSchema, OpsSettingsSchema, StageSettingsSchema } from './deployment';
export {
  VigiaConfigSchema,
  type AnalyticsSettings,
  type ComplianceSettings,
  type ConsoleLanguage,
  type ConsoleSettings,
  type DisclosureLanguage,
  type DisclosureSettings,
  type EmployeeNoticeSettings,
  type Line,
  type Manager,
  type Officer,
  type ObjectLockSettings,
  type OpsSettings,
  type PolicyDirection,
  type PrivacySettings,
  type RetentionSettings,
  type SentimentSettings,
  type StageSettings,
  type Team,
  type VigiaConfig,
} from './schema';
export { validateVigiaConfig } from './validate';
export { DEFAULT_CONFIG_FILE, configFromEnvironment, loadVigiaConfig, parseVigiaConfig, resetConfigFromEnvironment } from './load';
