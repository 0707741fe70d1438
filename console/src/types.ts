/** The console API's answers (docs/console.md, "API"), as far as the page reads them. */
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type Severity = 'low' | 'medium' | 'high';
export type AlertAction = 'acknowledge' | 'assign' | 'resolve' | 'reopen';
export type AlertOutcome = 'violation' | 'no_violation' | 'coaching';

export interface Me {
  email: string;
  name: string;
  role: 'officer' | 'manager';
  teams: string[];
  language: string;
}

export interface AlertEvent {
  status: AlertStatus;
  by: string;
  at: string;
  note?: string;
  action?: AlertAction;
  assignee?: string;
  outcome?: AlertOutcome;
}

export interface Alert {
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
  deliveredTo: unknown[];
  history: AlertEvent[];
  assignee?: string | null;
  outcome?: AlertOutcome | null;
}

export interface AlertList {
  alerts: Alert[];
  counts: Record<AlertStatus, number>;
  nextCursor?: string;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound' | string;
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
  media?: { mediaId?: string; mimeType?: string; filename?: string; caption?: string } & Record<string, unknown>;
  mediaFile?: Record<string, unknown>;
}

export type Hit =
  | { kind: 'keyword'; matched: string; excerpt?: string; offsets?: { start: number; end: number } }
  | { kind: 'file'; reasons: string[]; extension?: string; declaredMime?: string; sniffedMime?: string; size?: number; mediaId?: string }
  | { kind: 'sentiment'; sentiment: string; score: number; analyzer?: string; languageCode?: string }
  | { kind: string; evidence?: Record<string, unknown> };

export interface AlertDetail {
  alert: Alert;
  message: Message | null;
  conversation: { before: Message[]; after: Message[] };
  hit?: Hit;
}

export interface ConversationSummary {
  lineId: string;
  employee: string | null;
  team: string | null;
  contactId: string;
  lastMessageAt: string;
  messageCount?: number;
}

export interface MediaLink {
  url: string | null;
  expiresAt: string | null;
  state: string;
  sha256: string | null;
  hashVerified?: boolean | null;
  mimeType: string | null;
  filename?: string | null;
  size?: number | null;
}

export interface AuditEntry {
  id?: string;
  at: string;
  by: string;
  action: string;
  outcome: string;
  detail?: string;
  ip?: string;
}
