import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';
import { REPO_ROOT } from '../config';

/**
 * ESM bundles have no `require`; some CommonJS dependencies bundled into them still call it.
 * The banner gives them one, under a name no bundled module declares: identifiers are not minified,
 * so a module's own `import { createRequire }` keeps its name. Every output file gets it (each
 * chunk is a module of its own).
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __vigiaCreateRequire } from 'node:module'; const require = __vigiaCreateRequire(import.meta.url);";

export interface FunctionBundleOptions {
  /** Entry file, absolute or relative to the repository root. */
  readonly entry: string;
  /** Modules left out of the bundle (provided by the Lambda runtime). */
  readonly external: readonly string[];
  /** Packages replaced at bundle time, and by what file. */
  readonly alias: Readonly<Record<string, string>>;
  /** Build-time replacements (esbuild `define`). */
  readonly define: Readonly<Record<string, string>>;
  /** Non-ASCII text written as UTF-8 rather than escaped. */
  readonly utf8Text: boolean;
}

/**
 * The esbuild options of a Vigia function: one ES module bundle for Node.js 22, whitespace and
 * syntax minified, identifiers kept (stack traces in the logs name the functions without run-time
 * source maps; the `.map` files beside the code map them offline), and **split**: what the code
 * only imports dynamically (`await import(…)`) goes into chunks of its own that Node reads when
 * that import runs, not at cold start. The AWS SDK imports its credential providers that way (SSO,
 * INI files, web identity, and the STS, SSO and sign-in clients behind them): on Lambda the
 * credentials are in the environment, so those chunks are never loaded (docs/performance.md,
 * "Bundles"; issue 19). CDK's NodejsFunction writes a single file and has no splitting, hence
 * this builder.
 */
export function functionBuildOptions(options: FunctionBundleOptions, outdir: string): BuildOptions {
  return {
    // index.mjs, which Lambda loads (`index.handler`); the chunks sit beside it.
    entryPoints: { index: path.resolve(REPO_ROOT, options.entry) },
    absWorkingDir: REPO_ROOT,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...options.external],
    alias: { ...options.alias },
    define: { ...options.define },
    // See PipelineFunctionProps.utf8Text.
    charset: options.utf8Text ? 'utf8' : 'ascii',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  };
}

/**
 * Bundles with the local esbuild (a dependency of the repository: no Docker). A class, not a
 * literal: CDK keys its asset cache on the JSON of the bundling options, which must therefore
 * carry what makes each function's bundle its own (functions are dropped by JSON).
 */
class LocalEsbuild implements ILocalBundling {
  public constructor(public readonly options: FunctionBundleOptions) {}

  public tryBundle(outputDir: string): boolean {
    buildSync(functionBuildOptions(this.options, outputDir));
    return true;
  }
}

/**
 * The function's code: the esbuild bundle of `options.entry`, built when its stack is bundled
 * (`cdk synth`, `cdk deploy`; tests skip it). The asset is hashed on the bundle, as NodejsFunction
 * does: a change to the code or its options redeploys the function, nothing else does.
 */
export function functionCode(options: FunctionBundleOptions): lambda.Code {
  const entry = path.resolve(REPO_ROOT, options.entry);
  if (!existsSync(entry)) throw new Error(`Cannot find entry file at ${entry}`);
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
      local: new LocalEsbuild({ ...options, entry }),
    },
  });
}
