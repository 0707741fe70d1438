import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

/**
 * Dependencies point inwards (issue 18): what runs in a Lambda function or the CLI never imports
 * the CDK app under infra/ — names both sides share (metrics, environment variables) live in
 * shared/. Only the edges that build or emulate the deployment (infra/, local/, bench/) may.
 */
function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

it('no module of functions/, shared/ or cli/ imports infra/', () => {
  const offending = ['functions', 'shared', 'cli'].flatMap(sources).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)]
      .map((match) => match[1]!)
      .filter((specifier) => /(^|\/)infra\//.test(specifier))
      .map((specifier) => `${relative(repoRoot, file)} → ${specifier}`),
  );
  expect(offending).toEqual([]);
});
