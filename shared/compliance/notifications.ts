import type { ConsoleLanguage, VigiaConfig } from '../config/vigia-config';
import { SEVERITY_RANK, type Alert, type Severity } from './model';
import { oneLine, truncate } from './display-text';
import { fold } from './normalize-text';
import { policyKind } from './policies/registry';

/**
 * Who hears about an alert: one SNS subscription per manager and channel, filtered by the
 * alert's team and severity (message attributes `team` and `severityRank`), so SNS itself does
 * the routing. Also the text of the e-mail and SMS, in the manager's language, with a link to the
 * alert in the console. Each publish names its one subscription (attribute `subscription`), so
 * each is written in its manager's language without a filter on the language.
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
  /** The language of the manager's e-mails and SMS: `manager.language ?? console.defaultLanguage`. */
  language: ConsoleLanguage;
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
      const language = manager.language ?? config.console?.defaultLanguage ?? 'pt';
      const common = { manager: manager.name, team: team.id, minSeverity: manager.minSeverity, language, filterPolicy };
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

export interface RenderOptions {
  /** The manager's language (`manager.language ?? console.defaultLanguage`). @default en */
  language?: ConsoleLanguage;
  /**
   * The console's base URL (`console.url`, else the functions' CONSOLE_URL, else the local
   * stack's URL): the e-mail and SMS link to the alert in it. @default - none: the CLI commands instead
   */
  consoleUrl?: string;
}

export interface RenderedNotification {
  /** E-mail subject: one line, fewer than 100 characters (SNS limit). */
  subject: string;
  email: string;
  /** One SMS segment: at most 160 GSM-7 characters (70 when the link needs UCS-2). */
  sms: string;
}

/** SNS: "less than 100 characters long", UTF-8, no line breaks or control characters. */
export const SUBJECT_LIMIT = 99;
export const SMS_LIMIT = 160;
/** One UCS-2 segment: an SMS with any character outside GSM 03.38's basic alphabet. */
export const SMS_UCS2_LIMIT = 70;
/** The longest excerpt a notification ever carries. */
export const EXCERPT_LIMIT = 120;

/** The console's page of one alert: `<console url>/#/alerts/<alert id>`. */
export function alertLink(consoleUrl: string, alertId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/alerts/${encodeURIComponent(alertId)}`;
}

/** The console URL the notifications link to: the config's `console.url` wins over the function's environment. */
export function consoleUrlOf(config: Pick<VigiaConfig, 'console'>, fallback?: string): string | undefined {
  return config.console?.url ?? (fallback || undefined);
}

interface Words {
  severity: Record<Severity, string>;
  intro: (severity: string, kind: string) => string;
  labels: { severity: string; policy: string; employee: string; team: string; line: string; contact: string; evidence: string; excerpt: string; when: string; message: string; alert: string };
  notInConfig: string;
  line: (lineId: string) => string;
  openInConsole: string;
  seeIt: string;
  acknowledgeIt: string;
}

/** The words of the e-mail and SMS in each language the console speaks. */
const WORDS: Record<ConsoleLanguage, Words> = {
  en: {
    severity: { low: 'LOW', medium: 'MEDIUM', high: 'HIGH' },
    intro: (severity, kind) => `Vigia raised a ${severity} severity ${kind} alert.`,
    labels: { severity: 'Severity', policy: 'Policy', employee: 'Employee', team: 'Team', line: 'Line', contact: 'Contact', evidence: 'Evidence', excerpt: 'Excerpt', when: 'When', message: 'Message', alert: 'Alert' },
    notInConfig: 'not in the config',
    line: (lineId) => `line ${lineId}`,
    openInConsole: 'Open it in the console:',
    seeIt: 'See it:',
    acknowledgeIt: 'Acknowledge it:',
  },
  pt: {
    severity: { low: 'BAIXA', medium: 'MÉDIA', high: 'ALTA' },
    intro: (severity, kind) => `O Vigia gerou um alerta ${kind} de severidade ${severity}.`,
    labels: { severity: 'Severidade', policy: 'Política', employee: 'Funcionário', team: 'Equipe', line: 'Linha', contact: 'Contato', evidence: 'Evidência', excerpt: 'Trecho', when: 'Quando', message: 'Mensagem', alert: 'Alerta' },
    notInConfig: 'não está na configuração',
    line: (lineId) => `linha ${lineId}`,
    openInConsole: 'Abra no console:',
    seeIt: 'Veja:',
    acknowledgeIt: 'Para reconhecer:',
  },
  es: {
    severity: { low: 'BAJA', medium: 'MEDIA', high: 'ALTA' },
    intro: (severity, kind) => `Vigia generó una alerta ${kind} de severidad ${severity}.`,
    labels: { severity: 'Severidad', policy: 'Política', employee: 'Empleado', team: 'Equipo', line: 'Línea', contact: 'Contacto', evidence: 'Evidencia', excerpt: 'Extracto', when: 'Cuándo', message: 'Mensaje', alert: 'Alerta' },
    notInConfig: 'no está en la configuración',
    line: (lineId) => `línea ${lineId}`,
    openInConsole: 'Ábrala en la consola:',
    seeIt: 'Véala:',
    acknowledgeIt: 'Para reconocerla:',
  },
};

export function renderNotification(alert: Alert, context: NotificationContext = {}, options: RenderOptions = {}): RenderedNotification {
  const language = options.language ?? 'en';
  const words = WORDS[language];
  const employee = oneLine(context.employee ?? alert.employee ?? '');
  const contactId = context.contactId ?? alert.contactId;
  const excerptSource = context.excerpt ?? (typeof alert.evidence.excerpt === 'string' ? alert.evidence.excerpt : undefined);
  const excerpt = excerptSource ? truncate(oneLine(excerptSource), EXCERPT_LIMIT) : undefined;
  const severity = words.severity[alert.severity];
  const who = employee || words.line(alert.lineId);
  const evidence = policyKind(alert.kind)?.notificationText(alert.evidence, language);
  const link = options.consoleUrl ? alertLink(options.consoleUrl, alert.id) : undefined;

  const subject = truncate(oneLine(`[Vigia] ${severity} ${alert.policyId} — ${who}`), SUBJECT_LIMIT);

  const labels = words.labels;
  const width = Math.max(10, ...Object.values(labels).map((label) => label.length + 2));
  const field = (label: string, value: string | undefined) => (value ? [`${`${label}:`.padEnd(width)} ${value}`] : []);
  const followUp = link
    ? [words.openInConsole, `  ${link}`]
    : [words.seeIt, `  npx vigia alerts --json | grep ${alert.id}`, words.acknowledgeIt, `  vigia alerts ack ${alert.id} --by NAME --note TEXT`];
  const email = [
    words.intro(severity, policyKind(alert.kind)?.alertName[language] ?? alert.kind),
    '',
    ...field(labels.severity, severity),
    ...field(labels.policy, `${alert.policyId} (${alert.kind})`),
    ...field(labels.employee, employee || words.notInConfig),
    ...field(labels.team, alert.team ?? UNASSIGNED_TEAM),
    ...field(labels.line, alert.lineId),
    ...field(labels.contact, contactId),
    ...field(labels.evidence, evidence),
    ...field(labels.excerpt, excerpt ? `"${excerpt}"` : undefined),
    ...field(labels.when, alert.createdAt),
    ...field(labels.message, alert.messageId),
    ...field(labels.alert, alert.id),
    '',
    ...followUp,
    '',
  ].join('\n');

  const smsHead = `Vigia ${severity} ${alert.policyId} - ${who}`;
  const smsBody = excerpt ? `"${excerpt}"` : evidence;
  return { subject, email, sms: fitSms(smsHead, smsBody, link, alert.id) };
}

/**
 * One SMS segment: the GSM 03.38 basic alphabet only (one non-GSM character such as "…", "ã" or
 * an emoji switches the whole SMS to UCS-2 and its limit to 70 characters), so accents are
 * folded, smart punctuation is made plain, the rest dropped, and the cut marked with "...". The
 * link (or, without a console URL, the alert id) ends it, whole; a link that is not GSM-7 itself
 * makes it a UCS-2 SMS of 70 characters, and a link too long for that leaves the alert id instead.
 */
function fitSms(head: string, body: string | undefined, link: string | undefined, id: string): string {
  let tail = link ?? id;
  let limit = isGsm(tail) ? SMS_LIMIT : SMS_UCS2_LIMIT;
  if (limit - tail.length - 1 < 20) [tail, limit] = [id, SMS_LIMIT];
  const [gsmHead, gsmBody] = [toGsm(head), body ? toGsm(body) : ''];
  const headRoom = limit - tail.length - 1;
  const fittedHead = truncate(gsmHead, headRoom, '...');
  // ": " before the body and " " before the tail.
  const bodyRoom = headRoom - fittedHead.length - 2;
  const fittedBody = gsmBody && bodyRoom > 8 ? `: ${truncate(gsmBody, bodyRoom, '...')}` : '';
  return `${fittedHead}${fittedBody} ${tail}`;
}

/** Every character in GSM 03.38's basic alphabet (one septet each). */
export function isGsm(text: string): boolean {
  return [...text].every((character) => GSM_BASIC.has(character));
}

/** The segment limit of an SMS text: 160 when it is GSM-7, 70 when it needs UCS-2. */
export function smsLimit(text: string): number {
  return isGsm(text) ? SMS_LIMIT : SMS_UCS2_LIMIT;
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
