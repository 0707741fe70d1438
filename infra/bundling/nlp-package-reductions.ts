import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SENTICON_MIN } from '../../shared/compliance/senticon';
import { REPO_ROOT } from '../config';

/**
 * nlp.js packages for the Lambda bundles, with only the data a Vigia function can use.
 *
 * nlp.js ships its models and lexicons as JSON that its modules `require`, so esbuild bundles all
 * of it: about 600 KB of the sentiment check and 340 KB of the first-contact disclosure. At synth,
 * each package below is copied from node_modules into node_modules/.cache/vigia-bundling with the
 * listed JSON files reduced, and esbuild resolves the package there (PipelineFunction's
 * `--alias`). The packages stay the dependencies (the local stack, the CLI and the tests use them
 * whole) and nothing of them is kept in this repository.
 * test/sentiment/nlp-package-reductions.test.ts checks the reduced packages give the same results.
 *
 * - `@nlpjs/language` (shared/compliance/language.ts): `data.json` holds 163 trigram models in six
 *   scripts. language.ts only guesses lines that are at least 80 % Latin letters, so nlp.js's
 *   script rule picks `Latin` for them, and `Language#guess` only returns the languages named in
 *   `languages.json`: the 60 named Latin-script models give the same guesses, in the same order,
 *   with the same scores under an allow list (`es`/`pt`/`en`); without one, scores are relative
 *   to the nearest of all models (maybe an unnamed one), and language.ts uses only the best.
 * - `@nlpjs/lang-en` (shared/compliance/sentiment/offline.ts): the SentiCon lexicon (13,000 stems) keeps
 *   the entries the analyzer uses, those of magnitude ≥ `SENTICON_MIN` (about 2,500).
 * - `@nlpjs/lang-es`: the Spanish SentiCon lexicon is never read (Spanish uses the package's
 *   AFINN lexicon): empty.
 */
interface PackageReduction {
  /** JSON files of the package (relative to its root) → their reduced content. */
  files: Record<string, (content: any, packageDir: string) => unknown>;
}

/** languages.json: [alpha2, alpha3, name] rows; data.json: script → alpha3 → trigrams. */
type LanguageRow = [alpha2: string, alpha3: string, name: string];
type TrigramData = Record<string, Record<string, string>>;

const KEPT_SCRIPT = 'Latin';

/** The trigram models of the languages nlp.js names, in the Latin script only. */
export function latinModels(data: TrigramData, languages: readonly LanguageRow[]): TrigramData {
  const named = new Set(languages.map(([, alpha3]) => alpha3));
  const models = Object.entries(data[KEPT_SCRIPT] ?? {}).filter(([alpha3]) => named.has(alpha3));
  if (models.length === 0) throw new Error(`@nlpjs/language: no ${KEPT_SCRIPT} model of a named language in data.json (has the package changed its layout?)`);
  return { [KEPT_SCRIPT]: Object.fromEntries(models) };
}

/** The SentiCon entries the offline analyzer uses. */
export function usedSenticon(lexicon: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(lexicon).filter(([, value]) => Math.abs(value) >= SENTICON_MIN));
}

export const NLP_PACKAGE_REDUCTIONS: Readonly<Record<string, PackageReduction>> = {
  '@nlpjs/language': {
    files: {
      'src/data.json': (data: TrigramData, packageDir) =>
        latinModels(data, JSON.parse(readFileSync(path.join(packageDir, 'src', 'languages.json'), 'utf8')) as LanguageRow[]),
    },
  },
  '@nlpjs/lang-en': { files: { 'src/sentiment/senticon_en.json': usedSenticon } },
  '@nlpjs/lang-es': { files: { 'src/sentiment/senticon_es.json': () => ({}) } },
};

const requireFromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));
const entries = new Map<string, string>();

/**
 * The entry file of the reduced copy of `name`, in a directory named after the package's version
 * and a hash of the reduced files (a change of the package or of a reduction gets a new copy),
 * written aside and renamed (concurrent synths never see half of one). Its dependencies resolve
 * from the repository's node_modules, which holds the copy.
 */
export function reducedPackageEntry(name: string): string {
  const known = entries.get(name);
  if (known) return known;
  const reduction = NLP_PACKAGE_REDUCTIONS[name];
  if (!reduction) throw new Error(`no bundling reduction for the package "${name}"`);
  const packageDir = path.dirname(requireFromRepo.resolve(`${name}/package.json`));
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string; main?: string };
  const reducedFiles = Object.entries(reduction.files).map(([file, reduce]) => {
    const content = JSON.parse(readFileSync(path.join(packageDir, file), 'utf8')) as unknown;
    return [file, JSON.stringify(reduce(content, packageDir))] as const;
  });
  const hash = createHash('sha256');
  for (const [file, content] of reducedFiles) hash.update(file).update('\0').update(content).update('\0');
  const cacheDir = path.join(REPO_ROOT, 'node_modules', '.cache', 'vigia-bundling');
  const outDir = path.join(cacheDir, `${name.replace(/[@/]/g, '_')}-${manifest.version}-${hash.digest('hex').slice(0, 12)}`);
  const entryFile = path.join(outDir, manifest.main ?? 'index.js');
  if (!existsSync(entryFile)) {
    mkdirSync(cacheDir, { recursive: true });
    const staging = mkdtempSync(path.join(cacheDir, '.staging-'));
    try {
      cpSync(packageDir, staging, { recursive: true });
      for (const [file, content] of reducedFiles) writeFileSync(path.join(staging, file), content);
      renameSync(staging, outDir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another synth renamed its copy first: use it.
      if (!existsSync(entryFile)) throw error;
    }
  }
  entries.set(name, entryFile);
  return entryFile;
}
