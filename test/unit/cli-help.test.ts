import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

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
