import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Third-party reference payloads: read from ../shared, never copied into the repo. */
export const fixturesDir = resolve(repoRoot, '../shared/whatsapp/fixtures');

export function fixtureFiles(): string[] {
  return readdirSync(fixturesDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readFixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}
