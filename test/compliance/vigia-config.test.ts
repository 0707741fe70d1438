import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigFileError,
  configFromEnvironment,
  lineOf,
  loadVigiaConfig,
  parseVigiaConfig,
  resetConfigFromEnvironment,
  teamOf,
  validateVigiaConfig,
  type VigiaConfig,
} from '../../shared/config/vigia-config';
import { POLICY_KINDS } from '../../shared/compliance/policies/registry';
import { POLICY_SCHEMAS } from '../../shared/compliance/policies/schemas';
import { repoRoot } from '../helpers/paths';

const BASE = `
lines:
  - { phoneNumberId: "106540352242922", employee: Ana Souza, team: ventas }
teams:
  - id: ventas
    managers:
      - { name: Carla Lima, email: carla@example.com }
policies:
  - { id: words, kind: keyword, severity: high, terms: [senha] }
`;

/** The problems reported for a config text, one string per problem. */
function problemsOf(text: string, file = 'vigia.config.yaml'): string[] {
  try {
    parseVigiaConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).message).toBe((error as ConfigFileError).problems.join('\n'));
    return (error as ConfigFileError).problems;
  }
  throw new Error('expected the config to be rejected');
}

const withPolicy = (policy: string) => `${BASE}  - ${policy}\n`;

describe('the sample vigia.config.yaml', () => {
  it('parses, with the documented lines, teams and policies', () => {
    const config = loadVigiaConfig(join(repoRoot, 'vigia.config.yaml'));
    expect(config.lines.map((line) => [line.phoneNumberId, line.employee, line.team])).toEqual([
      ['106540352242922', 'Ana Souza', 'ventas'],
      ['106540352242923', 'Bruno Lima', 'ventas'],
      ['106540352242924', 'Carla Gómez', 'soporte'],
    ]);
    expect(teamOf(config, 'ventas')?.managers).toEqual([{ name: 'Carla Lima', email: 'carla@example.com', phone: '+5511999990000', minSeverity: 'low' }]);
    expect(teamOf(config, 'soporte')?.managers).toEqual([{ name: 'Diego Ruiz', email: 'diego@example.com', phone: '+5491155550000', minSeverity: 'medium', language: 'es' }]);
    expect(config.console).toEqual({ officers: [{ name: 'Olivia Castro', email: 'olivia@example.com', language: 'en' }], defaultLanguage: 'pt' });
    expect(config.policies.map((policy) => [policy.id, policy.kind, policy.severity])).toEqual([
      ['confidential-terms', 'keyword', 'high'],
      ['leak-patterns', 'keyword', 'high'],
      ['no-spreadsheets', 'file', 'medium'],
      ['customer-data-out', 'pii', 'high'],
      ['angry-conversation', 'sentiment', 'low'],
    ]);
    expect(config.policies[3]).toMatchObject({ detectors: ['cpf', 'cnpj', 'card', 'iban', 'pix'], direction: 'outbound', minCount: 3, distinct: true, files: true });
    const confidential = config.policies[0];
    expect(confidential.kind === 'keyword' && confidential.terms).toEqual(expect.arrayContaining(['confidencial', 'confidential', 'senha', 'informação', 'planilha de preços']));
    expect(confidential.teams).toEqual(['ventas']);
    expect(config.sentiment).toEqual({ analyzer: 'screened', minLetters: 12 });
  });
});

describe('parseVigiaConfig', () => {
  it('applies the defaults: direction both, plurals false, minSeverity low, screened sentiment with 12 letters', () => {
    const config = parseVigiaConfig(BASE, 'vigia.config.yaml');
    expect(config.policies[0]).toEqual({ id: 'words', kind: 'keyword', severity: 'high', terms: ['senha'], direction: 'both', plurals: false });
    expect(config.teams[0].managers[0].minSeverity).toBe('low');
    expect(config.sentiment).toEqual({ analyzer: 'screened', minLetters: 12 });
  });

  it('normalizes file extensions and MIME types', () => {
    const config = parseVigiaConfig(withPolicy('{ id: files, kind: file, severity: low, extensions: [".XLSX", Csv], mimeTypes: [Application/ZIP] }'), 'vigia.config.yaml');
    expect(config.policies[1]).toMatchObject({ extensions: ['xlsx', 'csv'], mimeTypes: ['application/zip'] });
  });

  it('reports a YAML syntax error with file, line and column', () => {
    expect(problemsOf('teams: []\npolicies:\n\t- id: a\n', 'conf/vigia.yaml')).toEqual(['conf/vigia.yaml:3:1: Tabs are not allowed as indentation']);
    expect(problemsOf('teams:\n  - id: ventas\n    managers: [{ name: A, email: a@example.com }\npolicies: []\n')).toEqual([
      'vigia.config.yaml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports a duplicated YAML key with its line', () => {
    expect(problemsOf('teams: []\nteams: []\n')).toEqual(['vigia.config.yaml:2:1: Map keys must be unique']);
  });

  it('rejects an empty file and a file that is not a mapping', () => {
    expect(problemsOf('')).toEqual(['vigia.config.yaml: is empty (expected lines, teams and policies)']);
    expect(problemsOf('- a\n- b\n')).toEqual(['vigia.config.yaml: must be a mapping with lines, teams and policies']);
  });

  it('rejects unknown fields, naming them', () => {
    expect(problemsOf(`${BASE}polices: []\n`)).toEqual(['vigia.config.yaml: polices: unknown field']);
    expect(problemsOf(withPolicy('{ id: x, kind: keyword, severity: low, terms: [a], severty: high }'))).toEqual(['vigia.config.yaml: policies[1].severty: unknown field']);
  });

  it('requires phone number IDs to be quoted strings', () => {
    const problems = problemsOf(BASE.replace('"106540352242922"', '106540352242922'));
    expect(problems).toEqual(['vigia.config.yaml: lines[0].phoneNumberId: must be a string — quote it ("106540352242922"): YAML reads it as a number']);
  });

  it('rejects duplicate phone number IDs, team ids and policy ids', () => {
    const text = `
lines:
  - { phoneNumberId: "111111", employee: A }
  - { phoneNumberId: "111111", employee: B }
teams:
  - { id: ventas, managers: [{ name: C, email: c@example.com }] }
  - { id: ventas, managers: [{ name: D, email: d@example.com }] }
policies:
  - { id: same, kind: keyword, severity: low, terms: [a] }
  - { id: same, kind: sentiment, severity: low, sentiment: NEGATIVE, minScore: 0.5 }
`;
    expect(problemsOf(text)).toEqual([
      'vigia.config.yaml: lines[1].phoneNumberId: duplicate phoneNumberId "111111" (already used by lines[0])',
      'vigia.config.yaml: teams[1].id: duplicate team id "ventas" (already used by teams[0])',
      'vigia.config.yaml: policies[1].id: duplicate policy id "same" (already used by policies[0])',
    ]);
  });

  it('rejects references to teams that do not exist, from lines and policies', () => {
    const text = `${BASE.replace('team: ventas', 'team: sales')}  - { id: scoped, kind: keyword, severity: low, terms: [a], teams: [ventas, soporte] }\n`;
    expect(problemsOf(text)).toEqual([
      'vigia.config.yaml: lines[0].team: unknown team "sales" (teams: ventas)',
      'vigia.config.yaml: policies[1].teams[1]: unknown team "soporte" (teams: ventas)',
    ]);
  });

  it('reports a regex that does not compile with the JavaScript error', () => {
    expect(problemsOf(withPolicy('{ id: re, kind: keyword, severity: high, regex: ["ok", "(unclosed"] }'))).toEqual([
      'vigia.config.yaml: policies[1].regex[1]: does not compile: Invalid regular expression: /(unclosed/iu: Unterminated group',
    ]);
  });

  it('rejects a regex that matches the empty string', () => {
    expect(problemsOf(withPolicy('{ id: re, kind: keyword, severity: high, regex: ["x*"] }'))).toEqual([
      'vigia.config.yaml: policies[1].regex[0]: matches the empty string, so it would flag every message: "x*"',
    ]);
  });

  it('rejects phones that are not E.164 and invalid e-mails', () => {
    const text = BASE.replace('{ name: Carla Lima, email: carla@example.com }', '{ name: Carla Lima, email: carla.example.com, phone: "11 99999-0000" }');
    expect(problemsOf(text)).toEqual([
      'vigia.config.yaml: teams[0].managers[0].email: must be an e-mail address, got "carla.example.com"',
      'vigia.config.yaml: teams[0].managers[0].phone: must be an E.164 phone number ("+" and 8–15 digits, no spaces), got "11 99999-0000"',
    ]);
    expect(problemsOf(BASE.replace('team: ventas }', 'team: ventas, email: "ana@" }'))).toEqual(['vigia.config.yaml: lines[0].email: must be an e-mail address, got "ana@"']);
  });

  it('requires an e-mail or a phone for every manager', () => {
    expect(problemsOf(BASE.replace('{ name: Carla Lima, email: carla@example.com }', '{ name: Carla Lima }'))).toEqual([
      'vigia.config.yaml: teams[0].managers[0]: needs an email or a phone (or both) to be notified',
    ]);
  });

  it('requires terms or regex on keyword policies and one check on file policies', () => {
    expect(problemsOf(withPolicy('{ id: empty, kind: keyword, severity: low }'))).toEqual(['vigia.config.yaml: policies[1]: needs terms or regex (or both)']);
    expect(problemsOf(withPolicy('{ id: empty, kind: file, severity: low, detectMismatch: false }'))).toEqual([
      'vigia.config.yaml: policies[1]: needs at least one of extensions, mimeTypes, detectMismatch: true, maxBytes',
    ]);
  });

  it('checks kind, severity, direction, sentiment label and score range', () => {
    expect(problemsOf(withPolicy('{ id: k, kind: words, severity: low }'))).toEqual(['vigia.config.yaml: policies[1].kind: must be one of keyword, file, sentiment, pii, got "words"']);
    expect(problemsOf(withPolicy('{ id: s, kind: sentiment, severity: urgent, direction: in, sentiment: NEUTRAL, minScore: 1.5 }'))).toEqual([
      'vigia.config.yaml: policies[1].severity: must be one of low, medium, high, got "urgent"',
      'vigia.config.yaml: policies[1].direction: must be one of inbound, outbound, both, got "in"',
      'vigia.config.yaml: policies[1].sentiment: must be one of NEGATIVE, POSITIVE, MIXED, got "NEUTRAL"',
      'vigia.config.yaml: policies[1].minScore: must be between 0 and 1',
    ]);
  });

  it('validates with the registry’s kinds, in its order (schemas.ts lists them for what loads only the config)', () => {
    expect(POLICY_SCHEMAS).toHaveLength(POLICY_KINDS.length);
    POLICY_KINDS.forEach((kind, index) => expect(POLICY_SCHEMAS[index], kind.kind).toBe(kind.schema));
  });

  it('checks a pii policy: known detectors, each once, a whole minCount of at least 1', () => {
    expect(problemsOf(withPolicy('{ id: p, kind: pii, severity: high, detectors: [cpf, ssn, cpf], minCount: 0.5 }'))).toEqual([
      'vigia.config.yaml: policies[1].detectors[1]: must be one of cpf, cnpj, card, iban, cuit, rut, curp, rfc, dni, nit, pix, email, phone, got "ssn"',
      'vigia.config.yaml: policies[1].minCount: must be a whole number, got 0.5',
    ]);
    expect(problemsOf(withPolicy('{ id: p, kind: pii, severity: high, detectors: [cpf, cpf] }'))).toEqual(['vigia.config.yaml: policies[1].detectors: lists a detector twice']);
    expect(problemsOf(withPolicy('{ id: p, kind: pii, severity: high, detectors: [] }'))).toHaveLength(1);
    expect(problemsOf(withPolicy('{ id: p, kind: pii, severity: high, detectors: [card], minCount: 0 }'))).toEqual(['vigia.config.yaml: policies[1].minCount: must be at least 1']);
  });

  it('reads a pii policy with its defaults: distinct values, files too, one is enough', () => {
    const config = parseVigiaConfig(withPolicy('{ id: customer-ids-out, kind: pii, severity: high, detectors: [cpf, cnpj], direction: outbound }'), 'vigia.config.yaml');
    expect(config.policies.find((policy) => policy.id === 'customer-ids-out')).toMatchObject({ kind: 'pii', detectors: ['cpf', 'cnpj'], direction: 'outbound', minCount: 1, distinct: true, files: true });
  });

  it('requires slugs for policy and team ids', () => {
    expect(problemsOf(withPolicy('{ id: No Spaces, kind: keyword, severity: low, terms: [a] }'))).toEqual([
      'vigia.config.yaml: policies[1].id: must be a slug (lowercase letters, digits and single hyphens), got "No Spaces"',
    ]);
  });

  it('rejects terms without letters or digits', () => {
    expect(problemsOf(withPolicy('{ id: t, kind: keyword, severity: low, terms: ["!!!"] }'))).toEqual(['vigia.config.yaml: policies[1].terms[0]: has no letters or digits to match: "!!!"']);
  });

  it('lists every problem at once, in file order', () => {
    const text = `
lines:
  - { phoneNumberId: "111111", employee: A, team: nope }
teams:
  - { id: ventas, managers: [{ name: C }] }
policies:
  - { id: a, kind: keyword, severity: high, regex: ["("] }
  - { kind: file, severity: low, maxBytes: -1 }
sentiment: { analyzer: magic }
`;
    expect(problemsOf(text, 'x.yaml')).toEqual([
      'x.yaml: lines[0].team: unknown team "nope" (teams: ventas)',
      'x.yaml: teams[0].managers[0]: needs an email or a phone (or both) to be notified',
      'x.yaml: policies[0].regex[0]: does not compile: Invalid regular expression: /(/iu: Unterminated group',
      'x.yaml: policies[1].id: is required',
      'x.yaml: policies[1].maxBytes: must be greater than 0',
      'x.yaml: sentiment.analyzer: must be one of offline, comprehend, screened, got "magic"',
    ]);
  });
});

describe('loadVigiaConfig', () => {
  const saved = process.env.VIGIA_CONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.VIGIA_CONFIG;
    else process.env.VIGIA_CONFIG = saved;
  });

  it('says how to point at another file when the default one is missing', () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'vigia-config-')));
    try {
      delete process.env.VIGIA_CONFIG;
      expect(() => loadVigiaConfig()).toThrow(new ConfigFileError(['vigia.config.yaml: file not found (set VIGIA_CONFIG to use another file)']));
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads the file named by VIGIA_CONFIG and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-config-'));
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'teams: 3\n');
    process.env.VIGIA_CONFIG = file;
    expect(() => loadVigiaConfig()).toThrow(`${file}: teams: must be a list, got 3`);
  });
});

describe('configFromEnvironment', () => {
  const saved = { json: process.env.VIGIA_CONFIG_JSON, file: process.env.VIGIA_CONFIG };
  afterEach(() => {
    for (const [key, value] of [['VIGIA_CONFIG_JSON', saved.json], ['VIGIA_CONFIG', saved.file]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetConfigFromEnvironment();
  });

  it('uses the inlined JSON the CDK validated, once per process', () => {
    const config = parseVigiaConfig(BASE, 'vigia.config.yaml');
    process.env.VIGIA_CONFIG_JSON = JSON.stringify(config);
    resetConfigFromEnvironment();
    const first = configFromEnvironment();
    expect(first).toEqual(config);
    process.env.VIGIA_CONFIG_JSON = '{}';
    expect(configFromEnvironment()).toBe(first);
  });

  it('falls back to the config file without inlined JSON', () => {
    delete process.env.VIGIA_CONFIG_JSON;
    process.env.VIGIA_CONFIG = join(repoRoot, 'vigia.config.yaml');
    resetConfigFromEnvironment();
    expect(configFromEnvironment().lines).toHaveLength(3);
  });

  it('names VIGIA_CONFIG_JSON when the inlined config is invalid', () => {
    process.env.VIGIA_CONFIG_JSON = JSON.stringify({ policies: [{ id: 'x', kind: 'keyword', severity: 'high' }] });
    resetConfigFromEnvironment();
    expect(() => configFromEnvironment()).toThrow('VIGIA_CONFIG_JSON: policies[0]: needs terms or regex (or both)');
  });

  it('validates its own output again unchanged (what the CDK inlines)', () => {
    const config: VigiaConfig = loadVigiaConfig(join(repoRoot, 'vigia.config.yaml'));
    expect(validateVigiaConfig(JSON.parse(JSON.stringify(config)), 'VIGIA_CONFIG_JSON')).toEqual(config);
  });
});

describe('lineOf and teamOf', () => {
  it('find configured lines and teams, and nothing for unknown ids', () => {
    const config = parseVigiaConfig(BASE, 'vigia.config.yaml');
    expect(lineOf(config, '106540352242922')?.employee).toBe('Ana Souza');
    expect(lineOf(config, '999')).toBeUndefined();
    expect(teamOf(config, 'ventas')?.managers[0].name).toBe('Carla Lima');
    expect(teamOf(config, 'soporte')).toBeUndefined();
  });
});

describe('compliance checks (COMPLIANCE_CHECKS)', () => {
  it('checks everything by default, only live traffic with compliance.history: skip, nothing without a policy', async () => {
    const { complianceChecksOf, checksSource, VigiaConfigSchema } = await import('../../shared/config/vigia-config');
    const policies = [{ id: 'p', kind: 'keyword', severity: 'high', terms: ['x'] }];
    expect(complianceChecksOf(VigiaConfigSchema.parse({ policies }))).toBe('all');
    expect(complianceChecksOf(VigiaConfigSchema.parse({ policies, compliance: { history: 'skip' } }))).toBe('live');
    expect(complianceChecksOf(VigiaConfigSchema.parse({}))).toBe('none');
    expect(() => VigiaConfigSchema.parse({ compliance: { history: 'sometimes' } })).toThrow(/check or skip/);
    expect([checksSource('all', 'history'), checksSource('live', 'history'), checksSource('live', 'business_agent'), checksSource('none', 'cloud_api')]).toEqual([true, false, true, false]);
  });
});

describe('console', () => {
  it('defaults to no officers and Portuguese', () => {
    expect(parseVigiaConfig(BASE, 'vigia.config.yaml').console).toEqual({ officers: [], defaultLanguage: 'pt' });
  });

  it('names the field of a bad officer, language or URL', () => {
    const problems = problemsOf(
      `${BASE}console:\n  officers:\n    - { name: Olivia, email: not-an-email, language: fr }\n  defaultLanguage: de\n  url: ftp://console.example.com\n`,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^vigia\.config\.yaml: console\.officers\[0\]\.email: must be an e-mail address, got "not-an-email"$/),
      expect.stringMatching(/^vigia\.config\.yaml: console\.officers\[0\]\.language: /),
      expect.stringMatching(/^vigia\.config\.yaml: console\.defaultLanguage: /),
      expect.stringMatching(/^vigia\.config\.yaml: console\.url: must be an http\(s\) URL/),
    ]);
  });

  it('refuses a manager language it cannot write in', () => {
    expect(problemsOf(BASE.replace('email: carla@example.com }', 'email: carla@example.com, language: it }'))).toEqual([
      expect.stringMatching(/^vigia\.config\.yaml: teams\[0\]\.managers\[0\]\.language: /),
    ]);
  });
});
