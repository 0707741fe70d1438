import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { allCommands, commandPath, createProgram } from '../../cli/program';

/**
 * `--help` never acts (Standards): every command and sub-command answers it with its own help,
 * exit 0, wherever the flag stands — even after arguments that would otherwise acknowledge an
 * alert, erase a contact or send a notice. No local stack runs here: a command that acted would
 * fail on "the local stack is not running" (and the empty data dir would not stay empty).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigia-help-'));
const work = mkdtempSync(join(tmpdir(), 'vigia-help-out-'));

beforeAll(() => {
  process.env.VIGIA_DATA_DIR = dataDir;
  delete process.env.VIGIA_STAGE;
  writeFileSync(join(work, 'keep'), '');
});

describe('--help never acts', () => {
  it.each([
    ['messages', ['messages', '--since', '2026-01-01', '--help']],
    ['calls', ['calls', '--json', '-h']],
    ['replay', ['replay', '--help']],
    ['media', ['media', 'retry', 'media-1', '--help']],
    ['media', ['media', 'get', 'media-1', '--out', join(work, 'x.bin'), '--help']],
    ['alerts', ['alerts', 'ack', 'al_1', '--by', 'Carla', '--help']],
    ['alerts', ['alerts', 'resolve', 'al_1', '--help', '--by', 'Carla']],
    ['notifications', ['notifications', '--help']],
    ['lines', ['lines', 'notify', '106540352242922', '--help']],
    ['policies', ['policies', 'check', '--text', 'confidencial', '--help']],
    ['export', ['export', '--since', '2026-01-01', '--help']],
    ['query', ['query', 'messages_per_employee_day', '--help']],
    ['report', ['report', '--out', join(work, 'r.html'), '--help']],
    ['subject', ['subject', 'erase', '--contact', '5511999999999', '--reason', 'request', '--help']],
    ['subject', ['subject', 'export', '--contact', '5511999999999', '--out', join(work, 's.zip'), '--help']],
    ['subject', ['subject', '--help']],
    ['hold', ['hold', 'add', '--contact', '5511999999999', '--reason', 'case 1', '--help']],
    ['hold', ['hold', '--help']],
    ['audit', ['audit', '--help']],
    ['retention', ['retention', 'sweep', '--help']],
  ])('%s: %j prints its help and does nothing', async (command, argv) => {
    const lines: string[] = [];
    expect(await main(argv, (line) => lines.push(line))).toBe(0);
    const help = lines.join('\n');
    expect(help).toContain(`vigia ${command}`);
    expect(help).toContain('--stage NAME');
    expect(readdirSync(dataDir)).toEqual([]);
    expect(readdirSync(work)).toEqual(['keep']);
  });

  // Also where an option would take the flag as its value: `--by --help` does not acknowledge as "--help".
  it.each([
    [['alerts', 'ack', 'al_1', '--by', '--help'], 'vigia alerts ack'],
    [['alerts', 'resolve', 'al_1', '--note', '-h', '--by', 'Carla'], 'vigia alerts resolve'],
    [['--stage', 'prod', 'hold', 'remove', '--contact', '5511999999999', '--help'], 'vigia hold remove'],
    [['help', 'subject', 'erase'], 'vigia subject erase'],
    [['help'], 'vigia <command>'],
    [[], 'vigia <command>'],
  ])('%j prints the help of %s and does nothing', async (argv, usage) => {
    const lines: string[] = [];
    expect(await main(argv, (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe(`Usage: ${usage}${lines[0]!.slice(`Usage: ${usage}`.length)}`);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('shows only the command asked about', async () => {
    const lines: string[] = [];
    await main(['hold', '--help'], (line) => lines.push(line));
    const help = lines.join('\n');
    expect(help).toContain('vigia hold add');
    expect(help).toContain('vigia hold list');
    expect(help).not.toContain('vigia subject');
    expect(help).not.toContain('vigia messages');
  });
});

describe('every command and sub-command', () => {
  const paths = allCommands(createProgram(() => undefined).root).map((command) => commandPath(command).split(' ').slice(1));

  it.each(paths.map((path) => [path.join(' ') || '(the root)', path]))('vigia %s --help answers with its own help', async (_name, path) => {
    for (const flag of ['--help', '-h']) {
      const lines: string[] = [];
      expect(await main([...path, flag], (line) => lines.push(line))).toBe(0);
      expect(lines[0]).toMatch(new RegExp(`^Usage: ${['vigia', ...path].join(' ')}( |$)`));
      expect(lines.join('\n')).toContain('--stage NAME');
    }
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('covers the commands the README and docs/cli.md name', () => {
    expect(paths.map((path) => path.join(' '))).toEqual(
      expect.arrayContaining(['messages', 'calls', 'replay', 'media', 'media get', 'media retry', 'alerts', 'alerts ack', 'alerts resolve', 'notifications', 'lines', 'lines notify', 'policies check', 'export', 'query', 'report', 'subject export', 'subject erase', 'hold add', 'hold list', 'hold remove', 'audit', 'retention sweep']),
    );
  });

  it.each([
    [['hold'], 'usage: vigia hold add|remove|list …'],
    [['subject'], 'usage: vigia subject export|erase …'],
    [['retention'], 'usage: vigia retention sweep …'],
    [['hold', 'frob'], 'unknown command "hold frob"'],
    [['alerts', 'ack', 'al_1', '--by', 'Carla', '--json'], "Unknown option '--json'"],
    [['messages', '--line'], "option '--line ID' argument missing"],
  ])('%j without a command it knows is a usage error (exit 2, one line)', async (argv, message) => {
    const error = (await main(argv, () => undefined).catch((caught: unknown) => caught)) as { message: string; exitCode: number };
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${message} (see vigia --help)`);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
