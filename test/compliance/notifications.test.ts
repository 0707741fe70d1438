import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVigiaConfig, parseVigiaConfig } from '../../shared/config/vigia-config';
import { alertsFrom } from '../../shared/compliance/alerts';
import { compileKeywordPolicies } from '../../shared/compliance/keyword-engine';
import { matchesFilterPolicy, notificationAttributes, renderNotification, subscriptionsFromConfig, toGsm } from '../../shared/compliance/notifications';
import type { Alert, MessageContext, Severity } from '../../shared/compliance/model';
import { repoRoot } from '../helpers/paths';

const config = loadVigiaConfig(join(repoRoot, 'vigia.config.yaml'));
const NOW = '2025-06-01T12:00:00.000Z';

function alert(fields: Partial<Alert> = {}): Alert {
  return {
    id: 'al_0123456789abcdef0123',
    messageId: 'wamid.HBgLNTUxMTk5OTk5MDAwMBUCABIYFDNBMEY',
    lineId: '106540352242922',
    employee: 'Ana Souza',
    team: 'ventas',
    contactId: '5511988887777',
    policyId: 'confidential-terms',
    kind: 'keyword',
    severity: 'high',
    evidence: { matched: 'senha', excerpt: 'segue a senha do sistema' },
    status: 'open',
    history: [{ status: 'open', by: 'vigia', at: NOW }],
    createdAt: NOW,
    ...fields,
  };
}

describe('subscriptionsFromConfig', () => {
  it('creates one subscription per manager and channel with stable ids and filter policies', () => {
    expect(subscriptionsFromConfig(config)).toEqual([
      { id: 'ventas-carla-lima-email', protocol: 'email', endpoint: 'carla@example.com', manager: 'Carla Lima', team: 'ventas', minSeverity: 'low', filterPolicy: { team: ['ventas'], severityRank: [{ numeric: ['>=', 1] }] } },
      { id: 'ventas-carla-lima-sms', protocol: 'sms', endpoint: '+5511999990000', manager: 'Carla Lima', team: 'ventas', minSeverity: 'low', filterPolicy: { team: ['ventas'], severityRank: [{ numeric: ['>=', 1] }] } },
      { id: 'soporte-diego-ruiz-email', protocol: 'email', endpoint: 'diego@example.com', manager: 'Diego Ruiz', team: 'soporte', minSeverity: 'medium', filterPolicy: { team: ['soporte'], severityRank: [{ numeric: ['>=', 2] }] } },
      { id: 'soporte-diego-ruiz-sms', protocol: 'sms', endpoint: '+5491155550000', manager: 'Diego Ruiz', team: 'soporte', minSeverity: 'medium', filterPolicy: { team: ['soporte'], severityRank: [{ numeric: ['>=', 2] }] } },
    ]);
  });

  it('keeps ids unique for managers with the same name and folds accents', () => {
    const twins = parseVigiaConfig(
      'teams:\n  - id: ops\n    managers:\n      - { name: José Núñez, email: a@example.com }\n      - { name: José Núñez, email: b@example.com }\n',
      'vigia.config.yaml',
    );
    expect(subscriptionsFromConfig(twins).map((subscription) => subscription.id)).toEqual(['ops-jose-nunez-email', 'ops-jose-nunez-email-2']);
  });
});

describe('filter policies', () => {
  const subscriptions = subscriptionsFromConfig(config);
  const receivers = (team: string | undefined, severity: Severity) =>
    subscriptions.filter((subscription) => matchesFilterPolicy(subscription.filterPolicy, notificationAttributes({ team, severity }))).map((subscription) => subscription.id);

  it('routes an alert to its team managers from their minimum severity', () => {
    expect(receivers('ventas', 'low')).toEqual(['ventas-carla-lima-email', 'ventas-carla-lima-sms']);
    expect(receivers('soporte', 'low')).toEqual([]);
    expect(receivers('soporte', 'medium')).toEqual(['soporte-diego-ruiz-email', 'soporte-diego-ruiz-sms']);
    expect(receivers('soporte', 'high')).toEqual(['soporte-diego-ruiz-email', 'soporte-diego-ruiz-sms']);
  });

  it('never routes to another team, and sends alerts of lines without a team to nobody', () => {
    expect(receivers('ventas', 'high').some((id) => id.startsWith('soporte'))).toBe(false);
    expect(notificationAttributes({ team: undefined, severity: 'high' })).toEqual({ team: 'unassigned', severity: 'high', severityRank: 3 });
    expect(receivers(undefined, 'high')).toEqual([]);
  });

  it('follows the SNS semantics: all keys, any condition, missing attribute never matches', () => {
    const policy = { team: ['ventas', 'soporte'], severityRank: [{ numeric: ['>=', 2] }] } as const;
    expect(matchesFilterPolicy(policy as never, { team: 'soporte', severityRank: 2 })).toBe(true);
    expect(matchesFilterPolicy(policy as never, { team: 'soporte', severityRank: 1 })).toBe(false);
    expect(matchesFilterPolicy(policy as never, { team: 'soporte' })).toBe(false);
    expect(matchesFilterPolicy(policy as never, { team: 'ventas', severityRank: '3' })).toBe(false);
  });
});

describe('renderNotification', () => {
  it('keeps the SMS within 160 GSM characters for a 2,000-character message', () => {
    const body = `${'Prezado cliente, segue a informação solicitada — “urgente” 😀 '.repeat(30)}a senha é 1234. ${'Atenciosamente, equipe de vendas. '.repeat(30)}`.slice(0, 2000);
    expect(body).toHaveLength(2000);
    const context: MessageContext = { messageId: 'wamid.1', lineId: '106540352242924', employee: 'Carla Gómez Álvarez de la Fuente y Mendoza', team: 'soporte', contactId: '5491100000000', direction: 'outbound', source: 'cloud_api', type: 'text', text: body, timestamp: NOW };
    const hits = compileKeywordPolicies([{ id: 'confidential-terms', kind: 'keyword', severity: 'high', direction: 'both', plurals: false, terms: ['senha'] }]).match(body, context);
    const [generated] = alertsFrom(context, { keyword: { hits } }, NOW);
    const { sms, subject, email } = renderNotification(generated, { employee: context.employee, contactId: context.contactId, excerpt: hits[0].excerpt });

    expect(sms.length).toBeLessThanOrEqual(160);
    expect(sms).toBe(toGsm(sms));
    expect(sms).toContain('Carla Gomez Alvarez');
    expect(sms).toContain(generated.id);
    expect(sms).toContain('...');
    expect(subject.length).toBeLessThan(100);
    expect(email).not.toContain(body.slice(0, 200));
    expect(email.length).toBeLessThan(1200);
  });

  it('writes a one-line subject under 100 characters', () => {
    const { subject } = renderNotification(alert({ policyId: 'a'.repeat(63), employee: 'Nome\nMuito Comprido '.repeat(6) }));
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.startsWith('[Vigia] HIGH ')).toBe(true);
    expect(renderNotification(alert()).subject).toBe('[Vigia] HIGH confidential-terms — Ana Souza');
  });

  it('writes a readable e-mail with the alert details and the commands to follow up', () => {
    const { email } = renderNotification(alert(), { employee: 'Ana Souza', contactId: '5511988887777' });
    expect(email.split('\n')).toEqual(
      expect.arrayContaining([
        'Severity:  HIGH',
        'Policy:    confidential-terms (keyword)',
        'Employee:  Ana Souza',
        'Team:      ventas',
        'Line:      106540352242922',
        'Contact:   5511988887777',
        'Evidence:  matched "senha"',
        'Excerpt:   "segue a senha do sistema"',
        `When:      ${NOW}`,
        '  npx vigia alerts --json | grep al_0123456789abcdef0123',
        '  vigia alerts ack al_0123456789abcdef0123 --by NAME --note TEXT',
      ]),
    );
  });

  it('describes file and sentiment evidence', () => {
    const file = renderNotification(alert({ kind: 'file', policyId: 'no-spreadsheets', severity: 'medium', evidence: { reasons: ['extension .xlsx is not allowed', 'size 25000000 B over 20000000 B'] } }));
    expect(file.email).toContain('Evidence:  extension .xlsx is not allowed; size 25000000 B over 20000000 B');
    expect(file.sms).toBe('Vigia MEDIUM no-spreadsheets - Ana Souza: extension .xlsx is not allowed; size 25000000 B over 20000000 B al_0123456789abcdef0123');
    const mood = renderNotification(alert({ kind: 'sentiment', policyId: 'angry-conversation', severity: 'low', evidence: { sentiment: 'NEGATIVE', score: 0.934, languageCode: 'pt', analyzer: 'comprehend' } }));
    expect(mood.email).toContain('Evidence:  NEGATIVE sentiment, score 0.93 (pt, comprehend)');
  });

  it('caps an excerpt passed in, so a message body never travels whole', () => {
    const { email, sms } = renderNotification(alert(), { excerpt: 'x'.repeat(5000) });
    expect(email).not.toContain('x'.repeat(121));
    expect(sms.length).toBeLessThanOrEqual(160);
  });
});

describe('toGsm', () => {
  it('folds accents, plain-ifies punctuation and drops emoji', () => {
    expect(toGsm('Olá — “João” ñandú… 😀 [ok]')).toBe('Ola - "Joao" ñandu... (ok)');
  });
});
