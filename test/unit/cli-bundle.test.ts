import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

/**
 * bin/vigia.mjs runs cli/ bundled by esbuild into dist/cli/ (bin/cli-bundle.mjs): built on the
 * first call, built again when a file it came from changes, safe when two calls build at once.
 */
const CURRENT = join(repoRoot, 'dist/cli/current.json');
const SOURCE = 'cli/table.ts';

interface Current {
  build: string;
  inputs: Record<string, number>;
}
const current = () => JSON.parse(readFileSync(CURRENT, 'utf8')) as Current;
const vigia = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8' });
const vigiaAsync = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/vigia.mjs'), ...args], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout }));
  });

/** Marks a source as changed (its content stays): a new mtime, in the past so the next build records it. */
function touch(file: string, secondsAgo: number): number {
  const at = Math.floor(Date.now() / 1000) - secondsAgo;
  utimesSync(join(repoRoot, file), at, at);
  return statSync(join(repoRoot, file)).mtimeMs;
}

describe('the CLI bundle', () => {
  it('is built again when a source it was built from changes', () => {
    expect(vigia('--help').status).toBe(0);
    expect(current().inputs).toHaveProperty([SOURCE]);
    const mtimeMs = touch(SOURCE, 3600);
    const result = vigia('messages', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: vigia messages /);
    expect(current().inputs[SOURCE]).toBe(mtimeMs);
  });

  it('answers two calls that build at the same time', async () => {
    const mtimeMs = touch(SOURCE, 7200);
    const results = await Promise.all([vigiaAsync('--help'), vigiaAsync('hold', '--help')]);
    expect(results.map((result) => result.status)).toEqual([0, 0]);
    expect(results[1]!.stdout).toMatch(/^Usage: vigia hold <command>/);
    expect(current().inputs[SOURCE]).toBe(mtimeMs);
    expect(statSync(join(repoRoot, 'dist/cli', current().build, 'main.mjs')).isFile()).toBe(true);
  });

  it('loads neither the AWS SDK nor DuckDB to answer --help: the commands are chunks loaded when they run', () => {
    vigia('--help');
    const folder = join(repoRoot, 'dist/cli', current().build);
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(join(folder, file), 'utf8').matchAll(/^import\s[^;]*?["']([^"']+)["'];?$/gms)) {
        if (specifier.startsWith('./')) visit(specifier.slice(2));
        else packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    };
    visit('main.mjs');
    expect([...packages].filter((name) => /^@aws-sdk|^@duckdb|^hyparquet|^fflate/.test(name))).toEqual([]);
    expect(packages).toContain('commander');
  });
});
