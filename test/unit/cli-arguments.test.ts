import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { dayArgument, instantArgument, monthArgument } from '../../cli/arguments';
import { UsageError } from '../../cli/errors';

/**
 * One grammar for days, months and times (issue 18): a bad value is a usage error (exit 2, one line
 * naming the flag) before anything runs — no stack is running here, so a command that went on
 * would fail differently.
 */
beforeAll(() => {
  process.env.VIGIA_DATA_DIR = mkdtempSync(join(tmpdir(), 'vigia-args-'));
  delete process.env.VIGIA_STAGE;
});

describe('day, month and time values', () => {
  it.each([
    [['replay', '--since', '2026-13-45'], /--since must be a day like 2026-11-01, got "2026-13-45"/],
    [['replay', '--since', '2026-02-30'], /--since must be a day/],
    [['report', '--since', '2026-13-45'], /--since must be a day/],
    [['messages', '--since', '2026-02-30'], /--since must be an ISO 8601 date or time/],
    [['messages', '--since', '2026-11-01T25:00:00Z'], /--since must be an ISO 8601 date or time/],
    [['messages', '--since', '2026-11-01 and more'], /--since must be an ISO 8601 date or time/],
    [['audit', '--since', '2026-13'], /--since must be a month like 2026-11, got "2026-13"/],
    [['audit', '--since', '2026-11-01'], /--since must be a month/],
    [['report', '--out', '/no/such/folder/report.html'], /--out: the folder \/no\/such\/folder does not exist/],
  ])('%j is refused with exit 2 and the reason', async (argv, reason) => {
    const error = await main(argv, () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it('accepts real days, months and times, and reads a day as its first instant', () => {
    expect(dayArgument('2024-02-29')).toBe('2024-02-29');
    expect(monthArgument('2026-12')).toBe('2026-12');
    expect(instantArgument('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(instantArgument('2026-11-01T12:30:00-03:00')).toBe('2026-11-01T15:30:00.000Z');
    expect(() => dayArgument('2025-02-29')).toThrow(UsageError);
  });
});
