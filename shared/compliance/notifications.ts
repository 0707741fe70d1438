import type { VigiaConfig } from '../config/vigia-config';
import { SEVERITY_RANK, type Alert, type Severity } from './model';
import { oneLine, truncate } from './display-text';
import { fold } from './normalize-text';
import { policyKind } from './policies/registry';

/**
 * Who hears about an alert: one SNS subscription per manager and channel, filtered by the
 * alert's team and severity (message attributes `team` and `severityRank`), so SNS itself does
 * the routing. Also the text of the e-mail and SMS.
 */

export const UNASSIGNED_TEAM = 'unassigned';

export interface FilterPolicy {
  team: string[];
  severityRank: [{ numeric: ['>=', number] }];
}

export interface Subscription {
  /** Stable across deployments, e.g. `ventas-carla-lima-email` (CDK construct id). */
  id: string;
  protocol: 'email' | 'sms';
  endpoint: string;
  manager: string;
  team: string;
  minSeverity: Severity;
  filterPolicy: FilterPolicy;
}

export interface NotificationAttributes {
  team: string;
  severity: string;
  severityRank: number;
}

export function subscriptionsFromConfig(config: VigiaConfig): Subscription[] {
  const subscriptions: Subscription[] = [];
  const used = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  for (const team of config.teams) {
    for (const manager of team.managers) {
      const filterPolicy: FilterPolicy = { team: [team.id], severityRank: [{ numeric: ['>=', SEVERITY_RANK[manager.minSeverity]] }] };
      const base = `${team.id}-${slugify(manager.name)}`;
      const common = { manager: manager.name, team: team.id, minSeverity: manager.minSeverity, filterPolicy };
      if (manager.email) subscriptions.push({ id: uniqueId(`${base}-email`), protocol: 'email', endpoint: manager.email, ...common });
      if (manager.phone) subscriptions.push({ id: uniqueId(`${base}-sms`), protocol: 'sms', endpoint: manager.phone, ...common });
    }
  }
  return subscriptions;
}

/** SNS message attributes of an alert's notification (`severityRank` is sent as a Number). */
export function notificationAttributes(alert: Pick<Alert, 'team' | 'severity'>): NotificationAttributes {
  return { team: alert.team ?? UNASSIGNED_TEAM, severity: alert.severity, severityRank: SEVERITY_RANK[alert.severity] };
}

type Condition = string | number | { numeric: Array<string | number> };

/**
 * SNS filter-policy semantics for attribute policies: every key must match (AND), any condition
 * of a key may (OR); strings match exactly, `numeric` compares numbers; a missing attribute
 * never matches.
 */
export function matchesFilterPolicy(filterPolicy: FilterPolicy | Record<string, Condition[]>, attributes: NotificationAttributes | Record<string, string | number | undefined>): boolean {
  return Object.entries(filterPolicy as Record<string, Condition[]>).every(([key, conditions]) => {
    const value = (attributes as Record<string, string | number | undefined>)[key];
    if (value === undefined) return false;
    return conditions.some((condition) => matchesCondition(condition, value));
  });
}

function matchesCondition(condition: Condition, value: string | number): boolean {
  if (typeof condition === 'string') return typeof value === 'string' && value === condition;
  if (typeof condition === 'number') return typeof value === 'number' && value === condition;
  if (typeof value !== 'number') return false;
  const terms = condition.numeric;
  for (let index = 0; index + 1 < terms.length; index += 2) {
    const [operator, bound] = [terms[index], Number(terms[index + 1])];
    const ok = operator === '=' ? value === bound : operator === '>' ? value > bound : operator === '>=' ? value >= bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : false;
    if (!ok) return false;
  }
  return true;
}

// ── Rendering ────────────────────────────────────────────────────────────────────────────────────

export interface NotificationContext {
  employee?: string;
  contactId?: string;
  /** The short excerpt around the hit — never the message body (capped here anyway). */
  excerpt?: string;
}

export interface RenderedNotification {
  /** E-mail subject: one line, fewer than 100 characters (SNS limit). */
  subject: string;
  email: string;
  /** At most 160 GSM-7 characters: one SMS segment. */
  sms: string;
}

/** SNS: "less than 100 characters long", UTF-8, no line breaks or control characters. */
export const SUBJECT_LIMIT = 99;
export const SMS_LIMIT = 160;
/** The longest excerpt a notification ever carries. */
export const EXCERPT_LIMIT = 120;

export function renderNotification(alert: Alert, context: NotificationContext = {}): RenderedNotification {
  const employee = oneLine(context.employee ?? alert.employee ?? '');
  const contactId = context.contactId ?? alert.contactId;
  const excerptSource = context.excerpt ?? (typeof alert.evidence.excerpt === 'string' ? alert.evidence.excerpt : undefined);
  const excerpt = excerptSource ? truncate(oneLine(excerptSource), EXCERPT_LIMIT) : undefined;
  const severity = alert.severity.toUpperCase();
  const who = employee || `line ${alert.lineId}`;
  const evidence = policyKind(alert.kind)?.notificationText(alert.evidence);

  const subject = truncate(oneLine(`[Vigia] ${severity} ${alert.policyId} — ${who}`), SUBJECT_LIMIT);

  const field = (label: string, value: string | undefined) => (value ? [`${`${label}:`.padEnd(10)} ${value}`] : []);
  const email = [
    `Vigia raised a ${severity} severity ${alert.kind} alert.`,
    '',
    ...field('Severity', severity),
    ...field('Policy', `${alert.policyId} (${alert.kind})`),
    ...field('Employee', employee || 'not in the config'),
    ...field('Team', alert.team ?? UNASSIGNED_TEAM),
    ...field('Line', alert.lineId),
    ...field('Contact', contactId),
    ...field('Evidence', evidence),
    ...field('Excerpt', excerpt ? `"${excerpt}"` : undefined),
    ...field('When', alert.createdAt),
    ...field('Message', alert.messageId),
    ...field('Alert', alert.id),
    '',
    'See it:',
    `  npx vigia alerts --json | grep ${alert.id}`,
    'Acknowledge it:',
    `  vigia alerts ack ${alert.id} --by NAME --note TEXT`,
    '',
  ].join('\n');

  const smsHead = `Vigia ${severity} ${alert.policyId} - ${who}`;
  const smsBody = excerpt ? `"${excerpt}"` : evidence;
  return { subject, email, sms: fitSms(smsHead, smsBody, alert.id) };
}

/**
 * One SMS segment: the GSM 03.38 basic alphabet only (one non-GSM character such as "…", "ã" or
 * an emoji switches the whole SMS to UCS-2 and its limit to 70 characters), so accents are
 * folded, smart punctuation is made plain, the rest dropped, and the cut marked with "...".
 */
function fitSms(head: string, body: string | undefined, id: string): string {
  const [gsmHead, gsmBody] = [toGsm(head), body ? toGsm(body) : ''];
  const headRoom = SMS_LIMIT - id.length - 1;
  const fittedHead = truncate(gsmHead, headRoom, '...');
  // ": " before the body and " " before the id.
  const bodyRoom = headRoom - fittedHead.length - 2;
  const fittedBody = gsmBody && bodyRoom > 8 ? `: ${truncate(gsmBody, bodyRoom, '...')}` : '';
  return `${fittedHead}${fittedBody} ${id}`;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const PLAIN_PUNCTUATION: Record<string, string> = { '…': '...', '“': '"', '”': '"', '„': '"', '‘': "'", '’': "'", '—': '-', '–': '-', '[': '(', ']': ')', '{': '(', '}': ')', '|': '/', '\\': '/', '~': '-', '^': '', '`': "'" };

/** Text made of GSM-7 basic characters only (no escapes, which count double). */
export function toGsm(text: string): string {
  let out = '';
  for (const character of oneLine(text)) {
    if (GSM_BASIC.has(character)) out += character;
    else if (character in PLAIN_PUNCTUATION) out += PLAIN_PUNCTUATION[character];
    else {
      // Accents off, case kept: "Ó" → "O", "ã" → "a"; what is still not GSM (emoji…) is dropped.
      const plain = character.normalize('NFKD').replace(/\p{M}/gu, '');
      out += [...plain].every((part) => GSM_BASIC.has(part)) ? plain : '';
    }
  }
  return oneLine(out);
}

/** `Carla Lima` → `carla-lima` (accents folded), for subscription ids. */
function slugify(name: string): string {
  return fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'manager';
}
