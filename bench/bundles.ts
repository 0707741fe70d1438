import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AWS_SDK_CONTEXT, type AwsSdkSource, listedAwsSdkSource } from '../infra/bundling/aws-sdk';

/**
 * Lambda bundle sizes and cold-start module init, measured on what `cdk synth` really builds
 * (local esbuild, minified, the same `bundling` options as a deployment).
 *
 * - `bytes`: size of what a cold start reads: the function's `index.mjs` and the chunks it imports
 *   statically, transitively (infra/bundling/function-bundle.ts splits the bundle; the chunks only
 *   a dynamic `import()` loads are `lazyBytes`; the source maps are not counted: they are only read
 *   to map stack traces offline).
 * - `initMs`: median over `INIT_RUNS` fresh `node` processes of the time `await import(bundle)`
 *   takes, i.e. the module-scope work of a cold start (parsing, SDK clients, config validation,
 *   analyzers built at load) without Node's own start-up.
 *
 * Every function is built and measured both ways (issue 19): with the AWS SDK (`@aws-sdk/*`,
 * `@smithy/*`) left to the runtime (`cdk synth -c vigia:awsSdk=runtime`) and with the clients it
 * uses bundled, tree-shaken and minified like the rest (`-c vigia:awsSdk=bundled`). Each function's
 * runs alternate between the two variants (and the SDK-only floor), rotating which goes first, so
 * all see the same machine load. The figures without a prefix are those of the variant that ships
 * (infra/bundling/aws-sdk.ts, `AWS_SDK_BUNDLED_FUNCTIONS`); `faster` says which variant measured
 * faster, i.e. whether that list still matches the measurement.
 *
 * In the runtime variant the SDK is not in the bundle: on Lambda it comes from the
 * nodejs22.x runtime (/var/runtime/node_modules, which the runtime's ES module loader searches
 * through NODE_PATH). Here the repository's node_modules stands in for the runtime's copy: the
 * synth output gets a `node_modules` symlink to it in its parent directory, so the bundle's bare
 * `import '@aws-sdk/…'` resolves as Node resolves any package (plain Node ignores NODE_PATH for
 * ES modules; NODE_PATH is set as well for the bundles' `createRequire` fallback). The versions
 * are then those of package-lock.json, not the runtime's, and loading them is counted in
 * `initMs`, as loading the runtime's copy is on Lambda.
 */

export interface BundleFigure {
  /** Construct id of the function (e.g. `WebhookFunction`, `CompliancePrepareFunction`). */
  name: string;
  /** Where the shipped bundle's AWS SDK comes from (`AWS_SDK_BUNDLED_FUNCTIONS`); the figures below without a prefix are that variant's. */
  sdk: AwsSdkSource;
  /** Size of `index.mjs` and of the chunks it imports statically, in bytes: what a cold start reads. */
  bytes: number;
  /** Size of the chunks only a dynamic `import()` loads (the SDK's unused credential providers…), in bytes. */
  lazyBytes: number;
  /** Median time of `await import(index.mjs)` in a fresh node process, in milliseconds. */
  initMs: number;
  /**
   * The floor under `initMs`: median time, measured the same way, of importing only the
   * runtime-provided AWS SDK packages the bundle imports (nothing of Vigia's). 0 for a bundle
   * that imports none (the bundled variant among them).
   */
  sdkInitMs: number;
  /** Those packages. */
  sdkPackages: string[];
  /** The variant whose median init is lower. */
  faster: AwsSdkSource;
  /** The SDK left to the runtime: size, median init, and the SDK-only floor under it. */
  externalBytes: number;
  externalInitMs: number;
  externalSdkInitMs: number;
  /** The SDK clients bundled: size and median init. */
  bundledBytes: number;
  bundledInitMs: number;
}

export interface MeasureBundlesOptions {
  onProgress?(message: string): void;
}

/** Fresh processes per bundle; the median is reported. */
export const INIT_RUNS = 5;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = 'bench';
const CHILD_TIMEOUT_MS = 60_000;

/**
 * Values for the variables the template sets from other resources (`Ref`, `Fn::GetAtt`,
 * `Fn::ImportValue`…), so each module finds what it validates at load. Nothing is called at
 * load: clients are only constructed.
 */
const PLACEHOLDERS: Record<string, string> = {
  ARCHIVE_BUCKET: 'vigia-bench-archive-123456789012',
  ARCHIVE_TABLE: 'vigia-bench-archive',
  MEDIA_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/vigia-bench-media',
  COMPLIANCE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:vigia-bench-compliance',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:vigia-bench-alerts',
  WHATSAPP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigia/bench/whatsapp-AbCdEf',
  // Privacy (infra/constructs/contact-disclosure.ts, employee-notice.ts).
  DISCLOSURE_FUNCTION: 'arn:aws:lambda:us-east-1:123456789012:function:vigia-bench-disclosure',
  NOTICE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigia/bench/notice-AbCdEf',
  VIGIA_PUBLIC_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com',
  // Issue 15 (manager console) and 17 (pii fingerprints).
  CONSOLE_URL: 'https://d111111abcdef8.cloudfront.net',
  PII_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigia/bench/pii-AbCdEf',
  // Issue 16 (tamper evidence): the signing key of the seal and verify functions.
  EVIDENCE_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

/** What the Lambda runtime itself sets (plus fake credentials, so nothing looks further). */
function lambdaEnvironment(name: string, memorySize: unknown): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `vigia-${STAGE}-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(typeof memorySize === 'number' ? memorySize : 256),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/vigia-${STAGE}-${name}`,
    AWS_ACCESS_KEY_ID: 'bench-placeholder-key-id',
    AWS_SECRET_ACCESS_KEY: 'bench-placeholder-secret',
    AWS_SESSION_TOKEN: 'bench',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  };
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: { MemorySize?: unknown; Environment?: { Variables?: Record<string, unknown> } };
}

interface FunctionBundle {
  name: string;
  /** Construct id (the last segment of `path`). */
  id: string;
  path: string;
  file: string;
  env: Record<string, string>;
}

/**
 * Synthesizes the app twice (`cdk synth -c stage=bench`, real bundling), the AWS SDK left to the
 * runtime then bundled, into a temporary directory, and measures every Vigia function's bundles. CDK's own handlers (custom resources, log retention…)
 * are skipped: only functions whose asset is an ES module bundle (`index.mjs`) and that carry the
 * Powertools variables every PipelineFunction sets.
 */
export async function measureBundles(options: MeasureBundlesOptions = {}): Promise<BundleFigure[]> {
  const progress = options.onProgress ?? (() => {});
  const workDir = mkdtempSync(join(tmpdir(), 'vigia-bundles-'));
  try {
    // Stands in for the runtime's /var/runtime/node_modules (see the comment at the top).
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
    const variants: Record<AwsSdkSource, FunctionBundle[]> = { runtime: [], bundled: [] };
    for (const variant of ['runtime', 'bundled'] as const) {
      const outDir = join(workDir, `cdk.out.${variant}`);
      progress(`bundles: cdk synth -c stage=${STAGE} -c ${AWS_SDK_CONTEXT}=${variant} (esbuild bundling) into ${outDir}`);
      const started = performance.now();
      await run('npx', ['cdk', 'synth', '-c', `stage=${STAGE}`, '-c', `${AWS_SDK_CONTEXT}=${variant}`, '--quiet', '--output', outDir], { cwd: REPO_ROOT, env: process.env });
      progress(`bundles: synthesized in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      variants[variant] = functionBundles(outDir);
      if (variants[variant].length === 0) throw new Error(`no Vigia function bundle found in ${outDir}`);
    }

    const figures: BundleFigure[] = [];
    for (const external of variants.runtime) {
      const bundled = variants.bundled.find((candidate) => candidate.path === external.path);
      if (!bundled) throw new Error(`${external.name}: no bundle in the bundled-SDK synth`);
      const externalInit = staticImportClosure(external.file);
      const externalBytes = bytesOf(externalInit);
      const bundledBytes = bytesOf(staticImportClosure(bundled.file));
      // The SDK packages the runtime variant imports at cold start: the floor under its init.
      const sdkPackages = externalSdkPackages(externalInit.map((file) => readFileSync(file, 'utf8')).join('\n'));
      const leftOver = externalSdkPackages(moduleFiles(dirname(bundled.file)).map((file) => readFileSync(file, 'utf8')).join('\n'));
      if (leftOver.length > 0) throw new Error(`${bundled.name}: the bundled-SDK variant still imports ${leftOver.join(', ')}`);
      const samples: Record<'runtime' | 'bundled' | 'sdk', number[]> = { runtime: [], bundled: [], sdk: [] };
      const measurements: Array<['runtime' | 'bundled' | 'sdk', () => Promise<number>]> = [
        ['runtime', () => importTime(external, [pathToFileURL(external.file).href])],
        ['bundled', () => importTime(bundled, [pathToFileURL(bundled.file).href])],
        ...(sdkPackages.length > 0 ? [['sdk', () => importTime(external, sdkPackages)] as ['sdk', () => Promise<number>]] : []),
      ];
      // Alternated, the first of each round rotating, so all see the same machine load.
      for (let i = 0; i < INIT_RUNS; i++) {
        for (let j = 0; j < measurements.length; j++) {
          const [kind, measure] = measurements[(i + j) % measurements.length]!;
          samples[kind].push(await measure());
        }
      }
      const externalInitMs = roundMs(median(samples.runtime));
      const bundledInitMs = roundMs(median(samples.bundled));
      const externalSdkInitMs = samples.sdk.length > 0 ? roundMs(median(samples.sdk)) : 0;
      const sdk = listedAwsSdkSource(external.id);
      const figure: BundleFigure = {
        name: external.name,
        sdk,
        bytes: sdk === 'bundled' ? bundledBytes : externalBytes,
        lazyBytes: bytesOf(moduleFiles(dirname(sdk === 'bundled' ? bundled.file : external.file))) - (sdk === 'bundled' ? bundledBytes : externalBytes),
        initMs: sdk === 'bundled' ? bundledInitMs : externalInitMs,
        sdkInitMs: sdk === 'bundled' ? 0 : externalSdkInitMs,
        sdkPackages: sdk === 'bundled' ? [] : sdkPackages,
        faster: bundledInitMs < externalInitMs ? 'bundled' : 'runtime',
        externalBytes,
        externalInitMs,
        externalSdkInitMs,
        bundledBytes,
        bundledInitMs,
      };
      progress(
        `bundles: ${figure.name} ships ${sdk}; runtime SDK ${(externalBytes / 1024).toFixed(1)} KiB, init ${externalInitMs} ms of which the SDK alone ${externalSdkInitMs} ms` +
          ` (runs: ${samples.runtime.map((ms) => ms.toFixed(1)).join(', ')}); bundled SDK ${(bundledBytes / 1024).toFixed(1)} KiB, init ${bundledInitMs} ms (runs: ${samples.bundled.map((ms) => ms.toFixed(1)).join(', ')})`,
      );
      figures.push(figure);
    }
    return figures;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Every Vigia function of the synthesized assembly, with its bundle and its environment. */
export function functionBundles(outDir: string): FunctionBundle[] {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const found: FunctionBundle[] = [];
  const templateFiles = Object.values(manifest.artifacts ?? {}).flatMap((artifact) =>
    artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile ? [artifact.properties.templateFile] : [],
  );
  // Nested stacks (the manager console's) are no artifacts of their own: their templates sit beside.
  templateFiles.push(...readdirSync(outDir).filter((file) => file.endsWith('.nested.template.json')).sort());
  for (const templateFile of templateFiles) {
    const template = JSON.parse(readFileSync(join(outDir, templateFile), 'utf8')) as { Resources?: Record<string, TemplateResource> };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const variables = resource.Properties?.Environment?.Variables ?? {};
      if (typeof assetPath !== 'string' || !('POWERTOOLS_SERVICE_NAME' in variables)) continue;
      const file = join(outDir, assetPath, 'index.mjs');
      if (!existsSync(file)) continue;
      const cdkPath = typeof resource.Metadata?.['aws:cdk:path'] === 'string' ? (resource.Metadata['aws:cdk:path'] as string) : logicalId;
      const segments = cdkPath.split('/').filter((segment) => segment !== 'Resource');
      const name = segments[segments.length - 1] ?? logicalId;
      const env: Record<string, string> = lambdaEnvironment(name, resource.Properties?.MemorySize);
      for (const [key, value] of Object.entries(variables)) {
        if (typeof value === 'string') env[key] = value;
        else env[key] = PLACEHOLDERS[key] ?? `bench-${key.toLowerCase()}`;
      }
      found.push({ name, id: name, path: cdkPath, file, env });
    }
  }
  // Construct ids are unique within a stack, not across stacks: fall back to the full path.
  const counts = new Map<string, number>();
  for (const bundle of found) counts.set(bundle.name, (counts.get(bundle.name) ?? 0) + 1);
  return found.map((bundle) => ((counts.get(bundle.name) ?? 0) > 1 ? { ...bundle, name: bundle.path.replace(/\/Resource$/, '') } : bundle));
}

/**
 * One fresh node process: times `await import(…)` of the bundle (or of the given packages) and prints the milliseconds. Runs in the
 * bundle's directory (Lambda's /var/task) with the function's environment (NODE_OPTIONS included,
 * when a function sets it), and nothing of this process's environment but PATH.
 */
async function importTime(bundle: FunctionBundle, specifiers: string[]): Promise<number> {
  const script = [
    `const started = performance.now();`,
    `await Promise.all(${JSON.stringify(specifiers)}.map((specifier) => import(specifier)));`,
    `const ms = performance.now() - started;`,
    `process.stdout.write(JSON.stringify({ ms }) + '\\n', () => process.exit(0));`,
  ].join('\n');
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
    LAMBDA_TASK_ROOT: dirname(bundle.file),
    ...bundle.env,
  };
  const stdout = await run(process.execPath, ['--input-type=module', '--eval', script], { cwd: dirname(bundle.file), env });
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(line) as { ms: number }).ms;
  } catch {
    throw new Error(`${bundle.name}: the import printed no timing:\n${stdout.slice(-2000)}`);
  }
}

/** The JavaScript modules of a function's asset (`index.mjs` and its chunks), sorted. */
export function moduleFiles(assetDir: string): string[] {
  return readdirSync(assetDir)
    .filter((file) => file.endsWith('.mjs'))
    .sort()
    .map((file) => join(assetDir, file));
}

/**
 * The files a cold start reads: `entryFile` and the asset's modules it imports with an import
 * statement, transitively (esbuild writes them as `import{…}from"./chunk-….mjs"` or
 * `import"./….mjs"`); not those only an `import("./….mjs")` expression loads. In load order of
 * discovery, the entry first.
 */
export function staticImportClosure(entryFile: string): string[] {
  const seen = new Set<string>([entryFile]);
  const pending = [entryFile];
  while (pending.length > 0) {
    const file = pending.shift()!;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[^;"'()[\]]*?\bfrom\s*)?["'](\.\.?\/[^"']+)["']/g)) {
      const imported = resolve(dirname(file), match[1]!);
      if (seen.has(imported)) continue;
      seen.add(imported);
      pending.push(imported);
    }
  }
  return [...seen];
}

function bytesOf(files: string[]): number {
  return files.reduce((total, file) => total + statSync(file).size, 0);
}

/**
 * The AWS SDK packages a bundle leaves to the runtime (`import … from "@aws-sdk/…"` kept external):
 * import statements only, not the SDK's own messages that quote one (a bundled SDK says
 * `[import "@aws-sdk/signature-v4-crt";]` in an error message).
 */
export function externalSdkPackages(bundleSource: string): string[] {
  const packages = new Set<string>();
  for (const match of bundleSource.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^;"'()[\]]*?\bfrom\s*)?["'](@(?:aws-sdk|smithy)\/[^"']+)["']/g)) packages.add(match[1]);
  return [...packages].sort();
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), command === 'npx' ? 10 * CHILD_TIMEOUT_MS : CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.slice(0, 3).join(' ')}… exited with ${signal ?? code}:\n${stderr.slice(-4000)}`));
    });
  });
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// `npx tsx bench/bundles.ts`: the table, progress on stderr.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await measureBundles({ onProgress: (message) => console.error(message) });
  const width = Math.max(...figures.map((figure) => figure.name.length));
  const columns = ['runtime B', 'init ms', 'SDK ms', 'bundled B', 'init ms', 'faster', 'ships'];
  console.log(`${'function'.padEnd(width)}  ${columns.map((column) => column.padStart(9)).join('  ')}`);
  for (const figure of figures) {
    const cells = [String(figure.externalBytes), figure.externalInitMs.toFixed(1), figure.externalSdkInitMs.toFixed(1), String(figure.bundledBytes), figure.bundledInitMs.toFixed(1), figure.faster, figure.sdk];
    console.log(`${figure.name.padEnd(width)}  ${cells.map((cell) => cell.padStart(9)).join('  ')}`);
  }
}
