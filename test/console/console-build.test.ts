import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild } from '../../console/build';
import { DICTIONARIES, LANGUAGES } from '../../console/src/dictionaries';
import { CONSOLE_CSP, consoleCsp } from '../../console/security-headers';

/** The console's single-page app as built (console/build.ts): what the strict CSP and the size budget need. */
const BUDGET_GZIPPED = 100 * 1024;

let dir: string;
let built: ConsoleBuild;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-console-build-'));
  built = await buildConsole({ outDir: join(dir, 'dist') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console build', () => {
  it('writes index.html and hashed files only, and the page has no inline script or style', () => {
    expect(built.script).toMatch(/^assets\/main-[A-Z0-9]{8}\.js$/);
    expect(built.stylesheet).toMatch(/^assets\/main-[A-Z0-9]{8}\.css$/);
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['assets', 'index.html']);
    const html = readFileSync(join(dir, 'dist', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map(([, attributes, body]) => ({ attributes: attributes!.trim(), body }))).toEqual([{ attributes: `type="module" src="/${built.script}"`, body: '' }]);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
    expect(html).toContain(`<link rel="stylesheet" href="/${built.stylesheet}">`);
  });

  it('keeps the JavaScript under 100 KB gzipped', () => {
    const js = built.files.filter((file) => file.endsWith('.js'));
    const gzipped = js.reduce((sum, file) => sum + gzipSync(readFileSync(join(dir, 'dist', file)), { level: 9 }).length, 0);
    console.log(`console JS: ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThan(BUDGET_GZIPPED);
  });

  it('never renders HTML from data: no dangerouslySetInnerHTML, innerHTML or eval in the sources', () => {
    const sources = readdirSync('console/src', { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
    expect(sources.join('\n')).not.toMatch(/dangerouslySetInnerHTML|\.innerHTML|outerHTML|insertAdjacentHTML|\beval\(|new Function\(/);
  });

  it('type-checks with the DOM and Preact JSX settings (console/tsconfig.json)', () => {
    const result = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'console'], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the console dictionaries', () => {
  it('pt, es and en have exactly the same keys, none empty, and the same placeholders', () => {
    const keys = (language: (typeof LANGUAGES)[number]) => Object.keys(DICTIONARIES[language]).sort();
    for (const language of LANGUAGES) {
      expect(keys(language)).toEqual(keys('en'));
      for (const [key, text] of Object.entries(DICTIONARIES[language])) {
        expect(text.trim(), `${language}.${key}`).not.toBe('');
        const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
        expect(placeholders(text), `${language}.${key}`).toEqual(placeholders(DICTIONARIES.en[key as keyof typeof DICTIONARIES.en]));
      }
    }
  });

  it('labels the sign-in form as the brief says in English', () => {
    expect([DICTIONARIES.en.email, DICTIONARIES.en.password, DICTIONARIES.en.signIn]).toEqual(['E-mail', 'Password', 'Sign in']);
  });
});

describe('the console CSP', () => {
  it('allows only the page’s own scripts and styles, S3 images and Cognito, and no framing', () => {
    expect(CONSOLE_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://*.amazonaws.com; connect-src 'self' https://*.amazoncognito.com; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(consoleCsp(['http://127.0.0.1:4569'])).toContain("img-src 'self' data: http://127.0.0.1:4569;");
  });
});
