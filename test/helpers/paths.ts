import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Third-party reference payloads: read from ../shared, never copied into the repo. */
export const fixturesDir = resolve(repoRoot, '../shared/whatsapp/fixtures');

export function fixtureFiles(): string[] {
  return jsonFiles(fixturesDir);
}

export function readFixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}

/** Our own sample payloads (events/). */
export const eventsDir = resolve(repoRoot, 'events');

/** `*.json` directly in a folder (fixtures/signed/ holds HMAC vectors, not webhook bodies). */
export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}
