// The `vigia` CLI as JavaScript: cli/main.ts bundled by esbuild into dist/cli/<build>/, built on
// the first call and again whenever a file it was built from changes, so a call compiles nothing
// and a developer editing the code never runs a stale CLI.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'dist', 'cli');
/** The build in use and the files it came from, each with the mtime it had: one file, replaced atomically. */
const CURRENT = join(OUT_DIR, 'current.json');
/** Besides the bundled sources, what shapes the bundle: this builder and the compiler settings. */
const BUILD_FILES = ['bin/cli-bundle.mjs', 'package.json', 'tsconfig.json'];
/** Builds another call may still be loading chunks from are kept this long after they were replaced. */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

/** The entry module of an up-to-date build (a file URL), building it first if needed. */
export async function cliEntry() {
  const current = readCurrent();
  const build = current && isFresh(current) ? current.build : await buildCli();
  return pathToFileURL(join(OUT_DIR, build, 'main.mjs')).href;
}

function readCurrent() {
  try {
    return JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Fresh when built in this checkout and every input still has the mtime it had when it was read. */
function isFresh(current) {
  if (current.root !== ROOT) return false;
  try {
    statSync(join(OUT_DIR, current.build, 'main.mjs'));
    return Object.entries(current.inputs).every(([file, mtimeMs]) => statSync(join(ROOT, file)).mtimeMs === mtimeMs);
  } catch {
    return false;
  }
}

/**
 * Builds into a folder named by the output's hash and then points current.json at it. Two calls
 * building at once (two test workers) each write a temporary folder and rename it: the same
 * sources give the same folder, and a reader never sees a half-written build.
 */
export async function buildCli() {
  const started = Date.now();
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: { main: 'cli/main.ts' },
      outdir: join(OUT_DIR, 'out'),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [keepModuleUrls],
    });
  } catch (error) {
    const messages = (error.errors ?? []).map((message) => `${message.location ? `${message.location.file}:${message.location.line}: ` : ''}${message.text}`);
    throw new Error(`cannot build the CLI: ${messages.join('; ') || error.message}`);
  }
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(relative(OUT_DIR, file.path)).update(file.contents);
  const build = hash.digest('hex').slice(0, 16);

  mkdirSync(OUT_DIR, { recursive: true });
  const temporary = join(OUT_DIR, `.${build}.${process.pid}.tmp`);
  for (const file of result.outputFiles) {
    const target = join(temporary, relative(join(OUT_DIR, 'out'), file.path));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, file.contents);
  }
  try {
    renameSync(temporary, join(OUT_DIR, build));
  } catch (error) {
    // Another call made the same build first.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    rmSync(temporary, { recursive: true, force: true });
  }

  // An input changed since the build started may not be in it: recorded as -1, it is built again next time.
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILD_FILES]) {
    const { mtimeMs } = statSync(join(ROOT, file));
    inputs[file] = mtimeMs < started ? mtimeMs : -1;
  }
  const pointer = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(pointer, JSON.stringify({ root: ROOT, build, builtAt: new Date().toISOString(), inputs }, null, 1));
  renameSync(pointer, CURRENT);
  removeOldBuilds(build);
  return build;
}

function removeOldBuilds(keep) {
  for (const entry of readdirSync(OUT_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const folder = join(OUT_DIR, entry.name);
    if (Date.now() - statSync(folder).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Each source keeps its own `import.meta.url` (shared/analytics/named-queries.ts finds its .sql
 * files beside it), not the bundle's.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};
