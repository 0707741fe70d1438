import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policiesCheck } from '../../cli/commands/policies';
import { UsageError } from '../../cli/errors';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { samplePng } from '../../local/fake-graph-api';
import { buildXlsx } from '../../shared/media/text-extraction/sample-spreadsheet';
import { buildPdf, zipBomb } from '../helpers/documents';
import { repoRoot } from '../helpers/paths';

const config = loadVigiaConfig(join(repoRoot, 'vigia.config.yaml'));
const configFile = 'vigia.config.yaml';

describe('policiesCheck', () => {
  it('summarizes the config', async () => {
    const lines = await policiesCheck(config, { configFile });
    expect(lines[0]).toBe('vigia.config.yaml: 3 lines, 2 teams, 5 policies (2 keyword, 1 file, 1 pii, 1 sentiment)');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^ {2}confidential-terms +keyword +high +5 terms; teams ventas; both directions$/);
    expect(lines[6]).toBe('  sentiment analyzer: screened, messages of 12+ letters');
  });

  it('lists the keyword and regex hits for a text on a line', async () => {
    const lines = await policiesCheck(config, { configFile, text: 'Segue a planilha de preços, CPF 123.456.789-09', line: '106540352242922', direction: 'outbound' });
    expect(lines.slice(7)).toEqual([
      '',
      'Checking the text as an outbound message on line 106540352242922 (Ana Souza, team ventas):',
      '  HIT confidential-terms (high): matched "planilha de preços" in "Segue a planilha de preços, CPF 123.456.789-09"',
      '  HIT leak-patterns (high): matched /\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b/ in "Segue a planilha de preços, CPF 123.456.789-09"',
      '  (sentiment policies are not run by this command)',
      '  no pii policy matches',
    ]);
  });

  it('leaves out team-scoped policies for a line of another team', async () => {
    const lines = await policiesCheck(config, { configFile, text: 'a senha é confidencial', line: '106540352242924', direction: 'inbound' });
    expect(lines.slice(9)).toEqual(['  no keyword or regex policy matches', '  (sentiment policies are not run by this command)', '  no pii policy matches']);
    expect(lines[8]).toBe('Checking the text as an inbound message on line 106540352242924 (Carla Gómez, team soporte):');
  });

  it('checks a text on no particular line with only the policies for all teams', async () => {
    const lines = await policiesCheck(config, { configFile, text: 'senha 111.222.333-44' });
    expect(lines.slice(9)).toEqual([
      '  HIT leak-patterns (high): matched /\\b\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}\\b/ in "senha 111.222.333-44"',
      '  (sentiment policies are not run by this command)',
      '  no pii policy matches',
    ]);
    expect(lines[8]).toBe('Checking the text as an outbound message on no particular line (only policies without teams apply):');
  });

  it('refuses a line the config does not list', async () => {
    await expect(policiesCheck(config, { configFile, text: 'x', line: '123' })).rejects.toThrow(UsageError);
    await expect(policiesCheck(config, { configFile, text: 'x', line: '123' })).rejects.toThrow('--line 123 is not in vigia.config.yaml (lines: 106540352242922 (Ana Souza), 106540352242923 (Bruno Lima), 106540352242924 (Carla Gómez))');
  });

  it('shows personal data masked, with the detector and the count', async () => {
    const lines = await policiesCheck(config, { configFile, text: 'Clientes 52998224725, 111.444.777-35 e 390.533.447-05' });
    expect(lines.at(-1)).toBe('  HIT customer-data-out (high): 3 cpf (***.982.247-**, ***.444.777-**, ***.533.447-**)');
  });
});

describe('policiesCheck --file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-policies-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const CARDS = ['4111 1111 1111 1111', '5500 0000 0000 0004', '4012 8888 8888 1881'];

  it('reads an XLSX as the flow does and runs the policies that look inside files over its text', async () => {
    const sheet = buildXlsx([[['Cliente', 'Cartão'], ...CARDS.map((card, row) => [`Cliente ${row}`, card])]]);
    const lines = await policiesCheck(config, { configFile, sampleFile: write('clientes.xlsx', sheet), line: '106540352242922' });
    const answer = lines.slice(lines.indexOf('') + 1);
    expect(answer[0]).toBe("Checking the file clientes.xlsx as an outbound message's file on line 106540352242922 (Ana Souza, team ventas):");
    expect(answer[1]).toMatch(/^ {2}read as XLSX: \d+ characters$/);
    expect(answer.slice(2)).toEqual(['  no keyword or regex policy matches', '  HIT customer-data-out (high): 3 card (**** **** **** 1111, **** **** **** 0004, **** **** **** 1881)']);
    expect(lines.join('\n')).not.toContain('4111 1111 1111 1111');
  });

  it('reads a text PDF, and the keyword policies find their terms in it', async () => {
    const lines = await policiesCheck(config, { configFile, sampleFile: write('memo.pdf', buildPdf(['Planilha de precos CONFIDENCIAL'])), line: '106540352242922' });
    expect(lines.some((line) => /^ {2}read as PDF: \d+ characters$/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith('  HIT confidential-terms (high): matched "planilha de preços" in "Planilha de precos CONFIDENCIAL'))).toBe(true);
  });

  it('says why a file is not read: a zip bomb, an image (no OCR)', async () => {
    const bomb = await policiesCheck(config, { configFile, sampleFile: write('bomb.xlsx', zipBomb()) });
    expect(bomb.at(-1)).toMatch(/^ {2}not scanned: /);
    const image = await policiesCheck(config, { configFile, sampleFile: write('photo.png', samplePng()) });
    expect(image.at(-1)).toBe('  not scanned: format image/png is not read (no OCR)');
  });

  it('refuses a file that is not there, in one line, before printing anything', async () => {
    await expect(policiesCheck(config, { configFile, sampleFile: join(dir, 'missing.csv') })).rejects.toThrow(new UsageError(`--file ${join(dir, 'missing.csv')}: no such file`));
    await expect(policiesCheck(config, { configFile, sampleFile: dir })).rejects.toThrow(`--file ${dir}: not a file`);
  });
});
