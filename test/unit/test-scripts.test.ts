import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** `npm run test:unit|test:local|test:infra` run parts of the suite: together they run all of it, each folder once. */
it('the partial test scripts cover every test folder exactly once', () => {
  const folders = readdirSync(join(root, 'test'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'helpers')
    .map((entry) => `test/${entry.name}`);
  const covered = ['test:unit', 'test:local', 'test:infra'].flatMap((name) => scripts[name].split(/\s+/).filter((part) => part.startsWith('test/')));
  expect([...covered].sort()).toEqual([...folders].sort());
});

it('npm test lints, type-checks and runs the whole suite', () => {
  expect(scripts.test).toBe('npm run lint && tsc --noEmit && vitest run');
  expect(scripts.lint).toMatch(/^biome lint --error-on-warnings /);
});
