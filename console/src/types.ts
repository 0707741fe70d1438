/** The console API's answers under the names the page uses; the description is shared/console/wire.ts. */
export type {
  AlertAction,
  AlertDetailJson as AlertDetail,
  AlertEventJson as AlertEvent,
  AlertHit as Hit,
  AlertJson as Alert,
  AlertListJson as AlertList,
  AlertOutcome,
  AlertStatus,
  AuditEntryJson as AuditEntry,
  ConversationSummaryJson as ConversationSummary,
  MediaLinkJson as MediaLink,
  MeJson as Me,
  MessageJson as Message,
  OverviewJson,
  Severity,
} from '../../shared/console/wire';
