import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

/** `npm run bench -- <args>`, as the shell runs it: its exit code and what it printed. */
function bench(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/run.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run bench: usage', () => {
  it.each([
    [['--bogus'], "vigia bench: Unknown option '--bogus'"],
    [['--messages'], "vigia bench: Option '--messages <value>' argument missing"],
  ])('%j is refused in one line, exit 2, nothing run', (args, message) => {
    const run = bench(...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it('--help prints the usage and runs nothing', () => {
    const run = bench('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run bench/);
    expect(run.stderr).toBe('');
  });
});
