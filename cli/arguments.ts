import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isCalendarDay } from '../shared/config/vigia-config';
import { UsageError } from './errors';

/**
 * One grammar for the values the commands take: each checks the value, and a bad one is a usage
 * error (one line, exit 2) naming the flag — never a rolled-over date or a raw exception.
 */

/** `YYYY-MM-DD`, a real day (not 2026-02-30 or 2026-13-45). */
export function dayArgument(value: string, flag = '--since'): string {
  if (!isCalendarDay(value)) throw new UsageError(`${flag} must be a day like 2026-11-01, got "${value}"`);
  return value;
}

/** `YYYY-MM`, a real month. */
export function monthArgument(value: string, flag = '--since'): string {
  if (!/^\d{4}-\d{2}$/.test(value) || !isCalendarDay(`${value}-01`)) throw new UsageError(`${flag} must be a month like 2026-11, got "${value}"`);
  return value;
}

/** A day (`2026-11-01`, from its first instant) or an ISO 8601 time on a real day; returned as ISO. */
export function instantArgument(value: string, flag = '--since'): string {
  const day = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  const time = Date.parse(value);
  if (!day || !isCalendarDay(day[1]!) || Number.isNaN(time)) throw new UsageError(`${flag} must be an ISO 8601 date or time, got "${value}"`);
  return new Date(time).toISOString();
}

/** One of a fixed set of values (a state, a direction). */
export function choiceArgument<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if (!choices.includes(value as T)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/** A file to write: its folder must exist (and the path must not be a folder). */
export function outputFileArgument(value: string, flag = '--out'): string {
  const file = resolve(value);
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${flag}: the folder ${folder} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`${flag}: ${file} is a folder, not a file`);
  return file;
}

/** A whole number from 1 on (a count such as --limit). */
export function countArgument(value: string, flag = '--limit'): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  return Number(value);
}
