import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { externalSdkPackages, functionBundles, moduleFiles, staticImportClosure } from '../../bench/bundles';
import { functionBuildOptions } from '../../infra/bundling/function-bundle';
import * as yamlStub from '../../infra/bundling/yaml-unavailable';
import {
  AWS_SDK_BUNDLED_FUNCTIONS,
  AWS_SDK_CONTEXT,
  bundlingAliases,
  PipelineFunction,
  RUNTIME_PROVIDED_MODULES,
  RUNTIME_SDK_PACKAGES,
} from '../../infra/constructs/pipeline-function';
import { FUNCTION_DEFINES } from '../../infra/function-env';
import { ConfigurationError } from '../../shared/config/env';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { buildPdf } from '../helpers/documents';
import { repoRoot } from '../helpers/paths';
import { cdkJsonContext, synthVigia, testApp, testConfig } from './helpers';

/** `.ts` files under a directory of the repository, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(repoRoot, dir, file));
}

/** Package names (not subpaths) of the non-type imports of a source file that match `prefix`. */
function importedPackages(file: string, prefix: string): string[] {
  const source = readFileSync(file, 'utf8');
  const packages = new Set<string>();
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const specifier = match[1]!;
    if (specifier.startsWith(prefix)) packages.add(specifier.split('/').slice(0, 2).join('/'));
  }
  return [...packages];
}

const matchesExternal = (name: string) =>
  RUNTIME_PROVIDED_MODULES.some((pattern) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));

describe('PipelineFunction bundling options', () => {
  const fnWithId = (id: string, context: Record<string, unknown> = {}) => {
    const stack = new Stack(testApp(context), 'TestStack');
    return new PipelineFunction(stack, id, { entry: 'functions/webhook/handler.ts', encryptionKey: new kms.Key(stack, 'Key') });
  };

  it('leaves the AWS SDK (@aws-sdk/* and the @smithy/* it is built on) to the Lambda runtime, for a function not listed as bundling it', () => {
    const fn = fnWithId('Fn');
    expect(RUNTIME_PROVIDED_MODULES).toEqual(['@aws-sdk/*', '@smithy/*']);
    expect(fn.awsSdk).toBe('runtime');
    expect(fn.bundlingExternals).toEqual(['@aws-sdk/*', '@smithy/*']);
    expect(fn.runtime.name).toBe('nodejs22.x');
  });

  it('bundles the SDK (nothing external) for the functions where the bench measured it faster, the webhook and ingest among them', () => {
    expect([...AWS_SDK_BUNDLED_FUNCTIONS]).toEqual(expect.arrayContaining(['WebhookFunction', 'IngestFunction']));
    for (const id of AWS_SDK_BUNDLED_FUNCTIONS) {
      const fn = fnWithId(id);
      expect(fn.awsSdk, id).toBe('bundled');
      expect(fn.bundlingExternals, id).toEqual([]);
    }
  });

  it(`lets the bench override every function's choice with the ${AWS_SDK_CONTEXT} context, and rejects another value`, () => {
    expect(fnWithId('WebhookFunction', { [AWS_SDK_CONTEXT]: 'runtime' }).bundlingExternals).toEqual(['@aws-sdk/*', '@smithy/*']);
    expect(fnWithId('Fn', { [AWS_SDK_CONTEXT]: 'bundled' }).bundlingExternals).toEqual([]);
    expect(() => fnWithId('Fn', { [AWS_SDK_CONTEXT]: 'yes' })).toThrow(/must be "bundled" or "runtime"/);
  });

  it('names only functions the app declares in AWS_SDK_BUNDLED_FUNCTIONS (a renamed construct would silently go back to the runtime SDK)', () => {
    // The sample config, which the bench synthesizes: every optional function is there.
    const { app } = synthVigia('dev', loadVigiaConfig(join(repoRoot, 'vigia.config.yaml')));
    const functions = app.node.findAll().filter((construct): construct is PipelineFunction => construct instanceof PipelineFunction);
    const declared = new Set(functions.map((fn) => fn.node.id));
    expect([...AWS_SDK_BUNDLED_FUNCTIONS].filter((id) => !declared.has(id))).toEqual([]);
    for (const fn of functions) expect(fn.awsSdk, fn.node.id).toBe(AWS_SDK_BUNDLED_FUNCTIONS.has(fn.node.id) ? 'bundled' : 'runtime');
  });

  it('imports only SDK packages listed as provided by the runtime (a new one needs checking, and bundling if the runtime lacks it)', () => {
    const used = new Set<string>();
    for (const file of [...sourceFiles('functions'), ...sourceFiles('shared')]) {
      for (const name of importedPackages(file, '@aws-sdk/')) used.add(name);
    }
    // Powertools parameters (the WhatsApp secret) imports the Secrets Manager client.
    used.add('@aws-sdk/client-secrets-manager');
    expect([...used].filter((name) => !RUNTIME_SDK_PACKAGES.includes(name))).toEqual([]);
    expect(RUNTIME_SDK_PACKAGES.filter((name) => !matchesExternal(name))).toEqual([]);
  });

  it('replaces yaml with a stub that exports what the config module imports, and throws a ConfigurationError', () => {
    expect(bundlingAliases().yaml).toBe(join(repoRoot, 'infra', 'bundling', 'yaml-unavailable.ts'));
    expect(existsSync(bundlingAliases().yaml!)).toBe(true);
    const imported = readFileSync(join(repoRoot, 'shared', 'config', 'load.ts'), 'utf8').match(/import\s*\{([^}]*)\}\s*from\s*'yaml'/);
    const names = (imported?.[1] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(Object.keys(yamlStub), name).toContain(name);
    expect(() => yamlStub.parseDocument('lines: []')).toThrow(ConfigurationError);
    expect(() => new yamlStub.LineCounter()).toThrow(/VIGIA_CONFIG_JSON/);
  });
});

describe('PipelineFunction bundles (real esbuild)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'vigia-bundling-test-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /**
   * Bundles one entry as `cdk synth` does. `code` is every module of the asset (index.mjs and its
   * chunks), `atColdStart` the ones index.mjs loads with import statements.
   */
  function bundle(entry: string, define?: Record<string, string>, id = 'Fn', utf8Text = false): { code: string; atColdStart: string; files: string[] } {
    // Without `aws:cdk:bundling-stacks: []`, unlike testApp(): esbuild runs. The asset metadata
    // (`aws:asset:path`, which the CLI turns on) says where the bundle is.
    const context = { ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true };
    const app = new App({ context, outdir: join(outdir, `${id}-${entry.replace(/\W+/g, '-')}`) });
    const stack = new Stack(app, 'BundleStack');
    new PipelineFunction(stack, id, { entry, encryptionKey: new kms.Key(stack, 'Key'), define, utf8Text });
    const assembly = app.synth();
    const template = assembly.getStackByName('BundleStack').template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
    const fn = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function')!;
    const file = join(assembly.directory, fn.Metadata!['aws:asset:path']!, 'index.mjs');
    expect(relative(assembly.directory, file).startsWith('..')).toBe(false);
    const read = (files: string[]) => files.map((name) => readFileSync(name, 'utf8')).join('\n');
    const files = moduleFiles(dirname(file));
    return { code: read(files), atColdStart: read(staticImportClosure(file)), files };
  }

  let webhook: ReturnType<typeof bundle> | undefined;
  const webhookBundle = () => (webhook ??= bundle('functions/webhook/handler.ts', undefined, 'WebhookFunction'));

  it('imports the SDK from the runtime instead of bundling it, and has no YAML parser', () => {
    const define = { [FUNCTION_DEFINES.vigiaConfigJson]: JSON.stringify(JSON.stringify(testConfig())) };
    const { code } = bundle('functions/compliance/prepare.ts', define);
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(code).toMatch(/from\s*"@aws-sdk\/lib-dynamodb"/);
    // Code of the SDK itself (the header every SDK request carries) is not in the bundle.
    expect(code).not.toContain('amz-sdk-invocation-id');
    // yaml's own messages are not there; the stub's is.
    expect(code).not.toContain('Implicit map keys');
    expect(code).toContain('has no YAML parser');
  });

  it('bundles the webhook\'s SDK clients (no runtime import left), S3 and Secrets Manager only, and loads node:http with require', () => {
    const { code, atColdStart, files } = webhookBundle();
    expect(externalSdkPackages(code)).toEqual([]);
    // The SDK's own code is there: the header every request carries, the S3 and Secrets Manager clients…
    expect(code).toContain('amz-sdk-invocation-id');
    expect(code).toContain('PutObject');
    expect(code).toContain('GetSecretValue');
    // …not the DynamoDB client, which the webhook never calls (shared/platform/s3-client.ts).
    expect(code).not.toContain('DynamoDB_20120810');
    // The SDK's HTTP handler imports node:http; an ES import of it would load undici at cold start.
    expect(code).not.toMatch(/(?:from\s*|import\s*\(\s*)["'](?:node:)?http["']/);
    expect(code).toMatch(/getBuiltinModule\(\s*["']node:http["']\)/);
    // Its configuration checks use zod/mini: classic zod's chainable API (superRefine…) is not bundled.
    expect(code).not.toContain('superRefine');
    // Identifiers are kept (stack traces name the functions without run-time source maps)…
    expect(code).toContain('function webhookDependencies(');
    // …whitespace is not.
    for (const file of files) expect(readFileSync(file, 'utf8').split('\n').length, file).toBeLessThan(200);
    // Pure ASCII (the few non-ASCII characters escaped): Node decodes it on its fast path at cold start.
    expect([...code].filter((character) => character.charCodeAt(0) > 0x7f)).toEqual([]);
    // Split: the S3 client is read at cold start…
    expect(atColdStart).toContain('PutObject');
    expect(atColdStart).toContain('amz-sdk-invocation-id');
    // …the credential providers the SDK imports dynamically, and the STS and SSO clients behind
    // them, are in the asset but in chunks Node reads only if that import runs (never on Lambda,
    // whose credentials are in the environment).
    for (const lazy of ['AssumeRoleWithWebIdentity', 'GetRoleCredentials', 'credential_process']) {
      // Booleans: a failure should not print 600 KB of bundle.
      expect(code.includes(lazy), `${lazy} in the asset`).toBe(true);
      expect(atColdStart.includes(lazy), `${lazy} read at cold start`).toBe(false);
    }
    expect(files.length).toBeGreaterThan(staticImportClosure(join(dirname(files[0]!), 'index.mjs')).length);
  });

  it('runs the split webhook bundle: index.mjs and its chunks load together in a fresh Node process and export the handler', () => {
    const { files } = webhookBundle();
    const index = join(dirname(files[0]!), 'index.mjs');
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ARCHIVE_BUCKET: 'vigia-test-archive',
      WHATSAPP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigia/test/whatsapp-AbCdEf',
    };
    const script = `const m = await import(${JSON.stringify(pathToFileURL(index).href)}); console.log(typeof m.handler);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], { env, encoding: 'utf8' });
    expect(output.trim()).toBe('function');
  });

  it('reads pdf.js only when a PDF comes: the split text extraction, run in a fresh Node process, extracts a PDF through its lazy chunk', () => {
    // The file-content check's extraction (shared/media/text-extraction), bundled with the functions' options.
    const dir = mkdtempSync(join(outdir, 'text-extraction-'));
    buildSync(functionBuildOptions({ entry: 'shared/media/text-extraction/index.ts', external: [], alias: bundlingAliases(), define: {}, utf8Text: false }, dir));
    const index = join(dir, 'index.mjs');
    const read = (files: string[]) => files.map((name) => readFileSync(name, 'utf8')).join('\n');
    // pdf.js's own error message: in the asset, not in what a cold start reads.
    const pdfJsMessage = 'Invalid PDF structure';
    expect(read(moduleFiles(dir)).includes(pdfJsMessage)).toBe(true);
    expect(read(staticImportClosure(index)).includes(pdfJsMessage)).toBe(false);

    const pdf = join(dir, 'contract.pdf');
    writeFileSync(pdf, buildPdf(['planilha confidencial', 'segunda pagina']));
    const script = [
      `const { extractText } = await import(${JSON.stringify(pathToFileURL(index).href)});`,
      `const { readFileSync } = await import('node:fs');`,
      `const result = await extractText(new Uint8Array(readFileSync(${JSON.stringify(pdf)})), { mime: 'application/pdf', ext: 'pdf' });`,
      `console.log(JSON.stringify(result));`,
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    const result = JSON.parse(output.trim()) as { format?: string; text?: string };
    expect(result.format).toBe('pdf');
    expect(result.text).toContain('planilha confidencial');
    expect(result.text).toContain('segunda pagina');
  });

  it('bundles nlp.js\'s language guesser with its named Latin-script models only, as UTF-8', () => {
    const require = createRequire(import.meta.url);
    const data = require('@nlpjs/language/src/data.json') as Record<string, Record<string, string>>;
    const { code } = bundle('functions/disclosure/handler.ts', undefined, 'Fn', true);
    // The Portuguese model (accented trigrams written as they are, not as \u escapes) is there…
    expect(code).toContain(JSON.stringify(data.Latin!.por).slice(1, 200));
    // …models of other scripts and unnamed Latin-script languages are not.
    expect(code).not.toContain(data.Cyrillic!.rus!.slice(0, 60));
    const named = new Set((require('@nlpjs/language/src/languages.json') as Array<[string, string, string]>).map(([, alpha3]) => alpha3));
    const unnamed = Object.keys(data.Latin!).find((alpha3) => !named.has(alpha3))!;
    expect(code).not.toContain(data.Latin![unnamed]!.slice(0, 60));
    // No size bound: the 300 KB target was dropped (issue 19) and identifiers are no longer minified.
  });
});

describe('functionBundles (bench/bundles.ts)', () => {
  it('maps each Vigia function to its bundle and environment, and skips CDK\'s own handlers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-assembly-'));
    try {
      for (const [asset, file] of [['asset.vigia', 'index.mjs'], ['asset.cdk', 'index.js']] as const) {
        mkdirSync(join(dir, asset));
        writeFileSync(join(dir, asset, file), 'export {};');
      }
      const lambda = (asset: string, path: string, variables?: Record<string, unknown>) => ({
        Type: 'AWS::Lambda::Function',
        Metadata: { 'aws:asset:path': asset, 'aws:cdk:path': path },
        Properties: { MemorySize: 512, Environment: variables ? { Variables: variables } : undefined },
      });
      writeFileSync(
        join(dir, 'Vigia-bench-Pipeline.template.json'),
        JSON.stringify({
          Resources: {
            Fn: lambda('asset.vigia', 'Vigia-bench-Pipeline/ComplianceFlow/CompliancePrepareFunction/Resource', {
              POWERTOOLS_SERVICE_NAME: 'Vigia',
              NODE_OPTIONS: '--enable-source-maps',
              ARCHIVE_TABLE: { Ref: 'ArchiveTable' },
              OTHER: { 'Fn::GetAtt': ['X', 'Arn'] },
            }),
            Provider: lambda('asset.cdk', 'Vigia-bench-Pipeline/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler'),
            Bucket: { Type: 'AWS::S3::Bucket' },
          },
        }),
      );
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({ artifacts: { 'Vigia-bench-Pipeline': { type: 'aws:cloudformation:stack', properties: { templateFile: 'Vigia-bench-Pipeline.template.json' } } } }),
      );
      const bundles = functionBundles(dir);
      expect(bundles.map(({ name, path, file }) => ({ name, path, file }))).toEqual([
        { name: 'CompliancePrepareFunction', path: 'Vigia-bench-Pipeline/ComplianceFlow/CompliancePrepareFunction/Resource', file: join(dir, 'asset.vigia', 'index.mjs') },
      ]);
      expect(bundles[0]!.env).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        ARCHIVE_TABLE: 'vigia-bench-archive',
        OTHER: 'bench-other',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      });
      expect(bundles[0]!.env.VIGIA_CONFIG_JSON).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
