import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VigiaConfig } from '../shared/config/vigia-config';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The compliance flow's ASL for the local runtime (infra/compliance-asl.ts), kept on disk between
 * starts: synthesizing the CDK app costs seconds of CPU at every start of the local stack, and the
 * test suite starts it about twenty times, with several configs. The cache key covers everything
 * the definition is made from — every source file under infra/ and shared/, cdk.json and the
 * installed aws-cdk-lib — so a change to any of them synthesizes again. The config is not in the
 * key: it travels inside the functions' bundles, never into the definition, which
 * test/infra/compliance-asl.test.ts checks by synthesizing contrasting configs. Should a setting
 * ever shape the definition, it goes into {@link definitionSettings}.
 */
export async function localComplianceFlowAsl(config: VigiaConfig, cacheDir = join(REPO_ROOT, 'node_modules', '.cache', 'vigia-asl')): Promise<Record<string, unknown>> {
  const file = join(cacheDir, `${cacheKey(config)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not cached yet (or unreadable): synthesize.
  }
  const asl = (await import('../infra/compliance-asl')).complianceFlowAsl(config);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(asl));
    renameSync(partial, file);
  } catch {
    // A read-only tree: no cache, the next start synthesizes again.
  }
  return asl;
}

/** The settings of a config the flow's definition depends on: none today (see above). */
export function definitionSettings(_config: VigiaConfig): Record<string, unknown> {
  return {};
}

function cacheKey(config: VigiaConfig): string {
  const hash = createHash('sha256').update(JSON.stringify(definitionSettings(config)));
  for (const path of [...sourceFiles(join(REPO_ROOT, 'infra')), ...sourceFiles(join(REPO_ROOT, 'shared')), join(REPO_ROOT, 'cdk.json')]) {
    hash.update(relative(REPO_ROOT, path)).update(readFileSync(path));
  }
  hash.update(String((JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string }).version));
  return hash.digest('hex');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|json|sql)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
