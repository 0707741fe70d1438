import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policiesCheck } from '../../cli/commands/policies';
import { UsageError } from '../../cli/errors';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { repoRoot } from '../helpers/paths';

const config = loadVigiaConfig(join(repoRoot, 'vigia.config.yaml'));
const file = 'vigia.config.yaml';

describe('policiesCheck', () => {
  it('summarizes the config', () => {
    const lines = policiesCheck(config, { file });
    expect(lines[0]).toBe('vigia.config.yaml: 3 lines, 2 teams, 4 policies (2 keyword, 1 file, 1 sentiment)');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^ {2}confidential-terms +keyword +high +5 terms; teams ventas; both directions$/);
    expect(lines[5]).toBe('  sentiment analyzer: screened, messages of 12+ letters');
  });

  it('lists the keyword and regex hits for a text on a line', () => {
    const lines = policiesCheck(config, { file, text: 'Segue a planilha de preços, CPF 123.456.789-09', line: '106540352242922', direction: 'outbound' });
    expect(lines.slice(6)).toEqual([
      '',
      'Checking the text as an outbound message on line 106540352242922 (Ana Souza, team ventas):',
      '  HIT confidential-terms (high): matched "planilha de preços" in "Segue a planilha de preços, CPF 123.456.789-09"',
      '  HIT leak-patterns (high): matched /\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b/ in "Segue a planilha de preços, CPF 123.456.789-09"',
      '  (sentiment policies are not run by this command)',
    ]);
  });

  it('leaves out team-scoped policies for a line of another team', () => {
    const lines = policiesCheck(config, { file, text: 'a senha é confidencial', line: '106540352242924', direction: 'inbound' });
    expect(lines.slice(8, -1)).toEqual(['  no keyword or regex policy matches']);
    expect(lines[7]).toBe('Checking the text as an inbound message on line 106540352242924 (Carla Gómez, team soporte):');
  });

  it('checks a text on no particular line with only the policies for all teams', () => {
    const lines = policiesCheck(config, { file, text: 'senha 111.222.333-44' });
    expect(lines.slice(8)).toEqual([
      '  HIT leak-patterns (high): matched /\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b/ in "senha 111.222.333-44"',
      '  (sentiment policies are not run by this command)',
    ]);
    expect(lines[7]).toBe('Checking the text as an outbound message on no particular line (only policies without teams apply):');
  });

  it('refuses a line the config does not list', () => {
    expect(() => policiesCheck(config, { file, text: 'x', line: '123' })).toThrow(UsageError);
    expect(() => policiesCheck(config, { file, text: 'x', line: '123' })).toThrow('--line 123 is not in vigia.config.yaml (lines: 106540352242922 (Ana Souza), 106540352242923 (Bruno Lima), 106540352242924 (Carla Gómez))');
  });
});
