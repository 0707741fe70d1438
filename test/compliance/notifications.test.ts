import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVigiaConfig, parseVigiaConfig } from '../../shared/config/vigia-config';
import { alertsFrom } from '../../shared/compliance/alerts';
import { compileKeywordPolicies } from '../../shared/compliance/keyword-engine';
import { alertLink, isGsm, matchesFilterPolicy, notificationAttributes, renderNotification, SMS_LIMIT, subscriptionsFromConfig, toGsm, type RenderedNotification, type Subscription } from '../../shared/compliance/notifications';
import { deliverAlert } from '../../shared/compliance/alert-delivery';
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
      { id: 'ventas-carla-lima-email', protocol: 'email', endpoint: 'carla@example.com', manager: 'Carla Lima', team: 'ventas', minSeverity: 'low', language: 'pt', filterPolicy: { team: ['ventas'], severityRank: [{ numeric: ['>=', 1] }] } },
      { id: 'ventas-carla-lima-sms', protocol: 'sms', endpoint: '+5511999990000', manager: 'Carla Lima', team: 'ventas', minSeverity: 'low', language: 'pt', filterPolicy: { team: ['ventas'], severityRank: [{ numeric: ['>=', 1] }] } },
      { id: 'soporte-diego-ruiz-email', protocol: 'email', endpoint: 'diego@example.com', manager: 'Diego Ruiz', team: 'soporte', minSeverity: 'medium', language: 'es', filterPolicy: { team: ['soporte'], severityRank: [{ numeric: ['>=', 2] }] } },
      { id: 'soporte-diego-ruiz-sms', protocol: 'sms', endpoint: '+5491155550000', manager: 'Diego Ruiz', team: 'soporte', minSeverity: 'medium', language: 'es', filterPolicy: { team: ['soporte'], severityRank: [{ numeric: ['>=', 2] }] } },
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

const CONSOLE = 'https://d1234abcd.cloudfront.net';

describe('the manager’s language and the link to the console', () => {
  it('links the e-mail to the alert in the console instead of the CLI commands', () => {
    const { email } = renderNotification(alert(), {}, { language: 'en', consoleUrl: `${CONSOLE}/` });
    expect(alertLink(`${CONSOLE}/`, 'al_0123456789abcdef0123')).toBe(`${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
    expect(email.split('\n')).toEqual(expect.arrayContaining(['Open it in the console:', `  ${CONSOLE}/#/alerts/al_0123456789abcdef0123`]));
    expect(email).not.toContain('npx vigia');
  });

  it('writes the e-mail, subject and SMS in Portuguese', () => {
    const { subject, email, sms } = renderNotification(alert(), { contactId: '5511988887777' }, { language: 'pt', consoleUrl: CONSOLE });
    expect(subject).toBe('[Vigia] ALTA confidential-terms — Ana Souza');
    expect(email.split('\n')).toEqual(
      expect.arrayContaining([
        'O Vigia gerou um alerta de palavra-chave de severidade ALTA.',
        'Severidade:   ALTA',
        'Funcionário:  Ana Souza',
        'Equipe:       ventas',
        'Evidência:    termo encontrado: "senha"',
        'Trecho:       "segue a senha do sistema"',
        'Abra no console:',
        `  ${CONSOLE}/#/alerts/al_0123456789abcdef0123`,
      ]),
    );
    expect(sms).toBe(`Vigia ALTA confidential-terms - Ana Souza: "segue a senha do sistema" ${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
  });

  it('writes the e-mail and SMS in Spanish, the policy kinds’ evidence too', () => {
    const file = renderNotification(
      alert({ kind: 'file', policyId: 'no-spreadsheets', severity: 'medium', team: 'soporte', evidence: { reasons: ['extension .xlsx is not allowed', 'named .jpg but the bytes are application/zip'] } }),
      {},
      { language: 'es', consoleUrl: CONSOLE },
    );
    expect(file.subject).toBe('[Vigia] MEDIA no-spreadsheets — Ana Souza');
    expect(file.email).toContain('Vigia generó una alerta de archivo de severidad MEDIA.');
    expect(file.email).toContain('Evidencia:  extensión .xlsx no permitida; nombre .jpg, pero el contenido es application/zip');
    expect(file.email).toContain(`Ábrala en la consola:\n  ${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
    expect(file.sms.startsWith('Vigia MEDIA no-spreadsheets - Ana Souza: extension .xlsx no permitida; nombre .jpg')).toBe(true);
    expect(file.sms.length).toBeLessThanOrEqual(160);
    expect(file.sms.endsWith(` ${CONSOLE}/#/alerts/al_0123456789abcdef0123`)).toBe(true);
    const mood = renderNotification(alert({ kind: 'sentiment', evidence: { sentiment: 'NEGATIVE', score: 0.934, languageCode: 'es', analyzer: 'offline' } }), {}, { language: 'es' });
    expect(mood.email).toContain('Evidencia:  sentimiento NEGATIVO, puntuación 0.93 (es, offline)');
    const portuguese = renderNotification(alert({ kind: 'sentiment', evidence: { sentiment: 'MIXED', score: 0.8 } }), {}, { language: 'pt' });
    expect(portuguese.email).toContain('Evidência:    sentimento MISTO, pontuação 0.80');
  });

  it('keeps every SMS of the example config in one GSM-7 segment, in every language, with the whole link', () => {
    const longName = 'Maria da Conceição Gonçalves de Araújo e Albuquerque';
    const samples: Partial<Alert>[] = [
      { employee: longName, evidence: { matched: 'planilha de preços', excerpt: 'Olá, segue a planilha de preços confidencial — não repasse, é informação sigilosa da negociação…' } },
      { policyId: 'leak-patterns', employee: longName, team: 'soporte', evidence: { matched: '\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b', excerpt: 'Mi CPF es 123.456.789-09, ¿me confirmás la reserva?' } },
      { kind: 'file', policyId: 'no-spreadsheets', severity: 'medium', employee: longName, evidence: { reasons: ['extension .xlsx is not allowed', 'declared type application/zip is not allowed', 'size 25000000 B over 20000000 B'] } },
      { kind: 'sentiment', policyId: 'angry-conversation', severity: 'low', employee: undefined, evidence: { sentiment: 'NEGATIVE', score: 0.91, languageCode: 'pt', analyzer: 'comprehend' } },
    ];
    const languages = ['pt', 'es', 'en'] as const;
    let count = 0;
    for (const subscription of subscriptionsFromConfig(config).filter((candidate) => candidate.protocol === 'sms')) {
      for (const fields of samples) {
        for (const language of languages) {
          const generated = alert({ ...fields, team: subscription.team });
          const { sms } = renderNotification(generated, {}, { language, consoleUrl: CONSOLE });
          expect(isGsm(sms), sms).toBe(true);
          expect(sms.length, sms).toBeLessThanOrEqual(SMS_LIMIT);
          expect(sms.endsWith(` ${CONSOLE}/#/alerts/${generated.id}`), sms).toBe(true);
          count++;
        }
      }
    }
    expect(count).toBe(2 * samples.length * languages.length);
  });

  it('falls back to UCS-2 limits for a link that is not GSM-7, and to the alert id when the link cannot fit', () => {
    const unicode = renderNotification(alert(), {}, { language: 'pt', consoleUrl: 'https://ç.br' });
    expect(unicode.sms.length).toBeLessThanOrEqual(70);
    expect(unicode.sms.endsWith(' https://ç.br/#/alerts/al_0123456789abcdef0123')).toBe(true);
    const long = renderNotification(alert(), {}, { language: 'pt', consoleUrl: `https://example.com/${'ã'.repeat(40)}` });
    expect(long.sms.length).toBeLessThanOrEqual(160);
    expect(long.sms.endsWith(' al_0123456789abcdef0123')).toBe(true);
  });
});

describe('deliverAlert', () => {
  function harness(stored: Alert, consoleUrl?: string | (() => string | undefined), configured = config) {
    const sent: Array<{ subscription: Subscription; message: RenderedNotification }> = [];
    const state = { ...stored };
    const deps = {
      config: configured,
      consoleUrl,
      alerts: {
        get: async () => state,
        markDelivered: async (_id: string, subscriptionId: string) => void (state.deliveredTo = [...(state.deliveredTo ?? []), subscriptionId]),
        markNotified: async (_id: string, at: string) => ((state.notifiedAt = at), true),
      },
      publisher: { deliver: async (_alert: Alert, message: RenderedNotification, subscription: Subscription) => void sent.push({ subscription, message }) },
    };
    return { sent, state, deps };
  }

  it('writes to each manager in their language (Carla pt, Diego es), linking to the console', async () => {
    const ventas = harness(alert(), () => CONSOLE);
    expect(await deliverAlert('al_0123456789abcdef0123', ventas.deps)).toMatchObject({ outcome: 'delivered', subscriptions: ['ventas-carla-lima-email', 'ventas-carla-lima-sms'] });
    for (const { message } of ventas.sent) {
      expect(message.subject).toBe('[Vigia] ALTA confidential-terms — Ana Souza');
      expect(message.email).toContain(`Abra no console:\n  ${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
      expect(message.sms).toContain(`${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
    }
    const soporte = harness(alert({ team: 'soporte', employee: 'Carla Gómez', lineId: '106540352242924' }), CONSOLE);
    await deliverAlert('al_0123456789abcdef0123', soporte.deps);
    expect(soporte.sent.map(({ subscription }) => [subscription.id, subscription.language])).toEqual([
      ['soporte-diego-ruiz-email', 'es'],
      ['soporte-diego-ruiz-sms', 'es'],
    ]);
    expect(soporte.sent[0].message.email).toContain('Vigia generó una alerta de palabra clave de severidad ALTA.');
    expect(soporte.sent[0].message.email).toContain(`Ábrala en la consola:\n  ${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
    expect(soporte.sent[1].message.sms).toBe(`Vigia ALTA confidential-terms - Carla Gomez: "segue a senha do sistema" ${CONSOLE}/#/alerts/al_0123456789abcdef0123`);
    expect(soporte.state.deliveredTo).toEqual(['soporte-diego-ruiz-email', 'soporte-diego-ruiz-sms']);
  });

  it('prefers console.url from the config, uses console.defaultLanguage, and names the CLI without any URL', async () => {
    const configured = parseVigiaConfig(
      'teams:\n  - id: ventas\n    managers:\n      - { name: Rui Costa, email: rui@example.com }\nconsole:\n  defaultLanguage: es\n  url: https://vigia.example.com/\n',
      'vigia.config.yaml',
    );
    const custom = harness(alert(), CONSOLE, configured);
    await deliverAlert('al_0123456789abcdef0123', custom.deps);
    expect(custom.sent[0].message.email).toContain('Ábrala en la consola:\n  https://vigia.example.com/#/alerts/al_0123456789abcdef0123');
    const none = harness(alert(), () => undefined);
    await deliverAlert('al_0123456789abcdef0123', none.deps);
    expect(none.sent[0].message.email).toContain('Veja:\n  npx vigia alerts --json | grep al_0123456789abcdef0123');
  });
});

describe('toGsm', () => {
  it('folds accents, plain-ifies punctuation and drops emoji', () => {
    expect(toGsm('Olá — “João” ñandú… 😀 [ok]')).toBe('Ola - "Joao" ñandu... (ok)');
  });
});
