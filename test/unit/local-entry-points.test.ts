import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { nodeVersionProblem } from '../../local/node-version';
import { repoRoot } from '../helpers/paths';

it('npm start and simulate refuse Node.js before 22, as the CLI does', () => {
  expect(nodeVersionProblem('20.20.2')).toBe('Node.js >= 22 is required (this is v20.20.2); see README "Node 22"');
  expect(nodeVersionProblem('22.0.0')).toBeUndefined();
  expect(nodeVersionProblem('24.1.0')).toBeUndefined();
});

it('simulate --url without an app secret says what to set, in one line, exit 1 (no stack trace, nothing written)', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'vigia-simulate-')), 'absent');
  const env: Record<string, string | undefined> = { ...process.env, VIGIA_DATA_DIR: dataDir };
  delete env.WHATSAPP_APP_SECRET;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'local/simulate.ts'), '--url', 'http://127.0.0.1:9/webhook'], { cwd: repoRoot, env, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^simulate: no app secret: set WHATSAPP_APP_SECRET/)]);
});
