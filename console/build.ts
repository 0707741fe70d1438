import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the console's single-page app (console/src, Preact) into console/dist: `index.html` and
 * content-hashed files under `assets/`. The page has no inline script or style — only
 * `<script type="module" src>` and `<link rel="stylesheet">` — so a strict CSP
 * (console/security-headers.ts) applies as is.
 */
export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_SOURCE = join(CONSOLE_DIR, 'src');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

export interface ConsoleBuild {
  outDir: string;
  /** Paths under outDir, e.g. `assets/main-3FJ2KX.js`. */
  script: string;
  stylesheet?: string;
  files: string[];
}

/**
 * Builds into `outDir` (default console/dist). Safe when several processes build at once: the
 * hashed files are written under new names and renamed into place, `index.html` last.
 */
export async function buildConsole(options: { outDir?: string; minify?: boolean } = {}): Promise<ConsoleBuild> {
  const outDir = resolve(options.outDir ?? CONSOLE_DIST);
  const staging = `${outDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const result = await build({
      entryPoints: { main: join(CONSOLE_SOURCE, 'main.tsx') },
      bundle: true,
      format: 'esm',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      platform: 'browser',
      minify: options.minify ?? true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      entryNames: 'assets/[name]-[hash]',
      assetNames: 'assets/[name]-[hash]',
      outdir: staging,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const outputs = Object.keys(result.metafile.outputs).map((file) => relative(staging, resolve(file)).split('\\').join('/'));
    const script = outputs.find((file) => file.endsWith('.js'));
    const stylesheet = outputs.find((file) => file.endsWith('.css'));
    if (!script) throw new Error('the console build wrote no script');
    writeFileSync(join(staging, 'index.html'), indexHtml(script, stylesheet));

    mkdirSync(join(outDir, 'assets'), { recursive: true });
    for (const file of outputs) renameSync(join(staging, file), join(outDir, file));
    renameSync(join(staging, 'index.html'), join(outDir, 'index.html'));
    removeStaleAssets(outDir, new Set(outputs));
    return { outDir, script, stylesheet, files: ['index.html', ...outputs] };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function indexHtml(script: string, stylesheet: string | undefined): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<title>Vigia</title>',
    '<link rel="icon" href="data:,">',
    stylesheet ? `<link rel="stylesheet" href="/${stylesheet}">` : '',
    `<script type="module" src="/${script}"></script>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    '<noscript>Vigia needs JavaScript.</noscript>',
    '</body>',
    '</html>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Assets of earlier builds, left a minute for pages still loading them. */
function removeStaleAssets(outDir: string, keep: Set<string>): void {
  const cutoff = Date.now() - 60_000;
  for (const name of readdirSync(join(outDir, 'assets'))) {
    const file = `assets/${name}`;
    if (keep.has(file)) continue;
    try {
      if (statSync(join(outDir, file)).mtimeMs < cutoff) rmSync(join(outDir, file), { force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

/** The newest modification time of the console's sources (src/, this script). */
export function sourcesModifiedAt(): number {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const entry of readdirSync(CONSOLE_SOURCE, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Is console/dist missing or older than its sources? */
export function consoleBuildIsStale(outDir = CONSOLE_DIST): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  const html = readFileSync(index, 'utf8');
  const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
  if (referenced.some((file) => !existsSync(join(outDir, file)))) return true;
  return statSync(index).mtimeMs < sourcesModifiedAt();
}

// `npx tsx console/build.ts`: build once and say what was written.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildConsole();
  console.log(`built ${relative(process.cwd(), built.outDir)}: ${built.files.join(', ')}`);
}
