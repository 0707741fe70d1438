/**
 * The console API's JSON answers (docs/console.md, "API"): the one description both sides use.
 * The use cases declare these as their return types, so the server cannot drift from them, and
 * the page (console/src) imports them. No imports here: the page's type check reads this file
 * alone, without Node's or the AWS SDK's types.
 */

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type Severity = 'low' | 'medium' | 'high';
export type AlertAction = 'acknowledge' | 'assign' | 'resolve' | 'reopen';
export type AlertOutcome = 'violation' | 'no_violation' | 'coaching';
export type ConsoleRole = 'officer' | 'manager';

/** `GET /api/me`. */
export interface MeJson {
  email: string;
  name: string;
  role: ConsoleRole;
  teams: string[];
  language: string;
}

/** One entry of an alert's trail. */
export interface AlertEventJson {
  status: AlertStatus;
  by: string;
  at: string;
  note?: string;
  action?: AlertAction;
  assignee?: string;
  outcome?: AlertOutcome;
}

/** An alert: the fields of `vigia alerts --json`, optional ones `null` (or empty) rather than missing. */
export interface AlertJson {
  id: string;
  messageId: string;
  policyId: string;
  kind: string;
  severity: Severity;
  team: string | null;
  status: AlertStatus;
  evidence: Record<string, unknown>;
  createdAt: string;
  lineId: string;
  employee: string | null;
  contactId: string | null;
  backfill: boolean;
  notifiedAt: string | null;
  deliveredTo: string[];
  assignee: string | null;
  outcome: AlertOutcome | null;
  history: AlertEventJson[];
}

/** `GET /api/alerts`. */
export interface AlertListJson {
  alerts: AlertJson[];
  /** Per status, for the same filters with the status filter left out. */
  counts: Record<AlertStatus, number>;
  nextCursor?: string;
}

/** A message as `vigia messages --json` prints it, as far as the console shows it. */
export interface MessageJson {
  id: string;
  direction: string;
  source: string;
  type: string;
  lineId: string;
  contactId?: string;
  timestamp: string;
  text?: string;
  forwarded?: boolean;
  editOf?: string;
  revokes?: string;
  reactionTo?: string;
  emoji?: string;
  edits: string[];
  revokedBy: string[];
  reactions: string[];
  media?: Record<string, unknown>;
  mediaFile?: Record<string, unknown>;
}

/** Why an alert fired, as far as its evidence (and the message) tell. */
export type AlertHit =
  | { kind: 'keyword'; matched: string; excerpt?: string; offsets?: { start: number; end: number }; source?: 'file' }
  | { kind: 'file'; reasons: string[]; extension?: string; declaredMime?: string; sniffedMime?: string; size?: number; mediaId?: string }
  | { kind: 'sentiment'; sentiment: string; score: number; analyzer?: string; languageCode?: string }
  /** Personal data: what was found, masked (never a whole value), in the message or in its file. */
  | { kind: 'pii'; source: 'text' | 'file'; count: number; found: { detector: string; count: number; masked: string[] }[] }
  | { kind: string; evidence: Record<string, unknown> };

/** `GET /api/alerts/{id}`. */
export interface AlertDetailJson {
  alert: AlertJson;
  message: MessageJson | null;
  conversation: { before: MessageJson[]; after: MessageJson[] };
  hit?: AlertHit;
}

/** One row of `GET /api/conversations`. */
export interface ConversationSummaryJson {
  lineId: string;
  employee: string | null;
  team: string | null;
  contactId: string;
  lastMessageAt: string;
  messageCount: number;
}

/** `GET /api/conversations`. */
export interface ConversationListJson {
  conversations: ConversationSummaryJson[];
  nextCursor?: string;
}

/** `GET /api/conversations/{lineId}/{contactId}`: oldest first; `nextBefore` pages further back. */
export interface ThreadJson {
  messages: MessageJson[];
  nextBefore?: string;
}

/** `GET /api/media/{mediaId}`: the file's facts and, once stored, a link that works 5 minutes. */
export interface MediaLinkJson {
  mediaId: string;
  messageId: string;
  lineId: string;
  state: string;
  url: string | null;
  expiresAt: string | null;
  sha256: string | null;
  hashVerified: boolean | null;
  mimeType: string | null;
  declaredMime: string | null;
  sniffedMime: string | null;
  filename: string | null;
  size: number | null;
  storedAt: string | null;
}

/** One entry of `GET /api/audit`. */
export interface AuditEntryJson {
  id: string;
  at: string;
  by: string;
  action: string;
  outcome: string;
  contact?: string;
  lineId?: string;
  reason?: string;
  detail?: string;
  counts?: Record<string, number>;
  ip?: string;
}

/** `GET /api/audit`. */
export interface AuditLogJson {
  entries: AuditEntryJson[];
}

/** A row of `alerts_by_policy_week` (columns as the query names them). */
export interface AlertsByPolicyWeekRow {
  week: string;
  policy_id: string | null;
  severity: string | null;
  team: string | null;
  alerts: number;
}

/** A row of `first_response_time`: one per employee and team. */
export interface FirstResponseTimeRow {
  employee: string;
  team: string | null;
  median_seconds: number;
  p90_seconds: number;
  conversations: number;
}

/** A row of `sentiment_by_team_week`. */
export interface SentimentByTeamWeekRow {
  week: string;
  team: string | null;
  sentiment: string;
  messages: number;
}

/** The three queries' rows, every team. */
export interface OverviewRows {
  alertsByPolicyWeek: AlertsByPolicyWeekRow[];
  firstResponseTime: FirstResponseTimeRow[];
  sentimentByTeamWeek: SentimentByTeamWeekRow[];
}

/** `GET /api/overview`. */
export interface OverviewJson {
  /** The first day counted (`YYYY-MM-DD`, UTC). */
  since: string;
  /** When the queries ran (answers are reused for 5 minutes). */
  generatedAt: string;
  /** `no-export`: nothing has been exported yet (run `vigia export`; on AWS the export runs every hour). */
  status: 'ok' | 'no-export';
  /** When the export the numbers come from ran; null when unknown or none. */
  exportedAt: string | null;
  /** The teams counted: the manager's; null for an officer (every team, and lines without one). */
  teams: string[] | null;
  alertsByPolicyWeek: AlertsByPolicyWeekRow[];
  firstResponseTime: FirstResponseTimeRow[];
  sentimentByTeamWeek: SentimentByTeamWeekRow[];
}
