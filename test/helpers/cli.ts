import { expect } from 'vitest';
import { main } from '../../cli/main';

/** Runs the vigia CLI in-process; expects exit code 0 and returns the printed lines. */
export async function cli(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  expect(await main(args, (line) => lines.push(line))).toBe(0);
  return lines;
}

/** The CLI's `--json` output, one parsed object per line. */
export async function cliJson<T>(...args: string[]): Promise<T[]> {
  return (await cli(...args)).map((line) => JSON.parse(line) as T);
}
