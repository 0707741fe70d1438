import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Replaced by a stub in the Lambda bundles (see configFromEnvironment).
import { LineCounter, parseDocument } from 'yaml';
import { ConfigFileError } from './errors';
import type { VigiaConfig } from './schema';
import { validateVigiaConfig } from './validate';

/** Where the config comes from: the YAML file (CLI, local stack, `cdk synth`) or the JSON the CDK inlines in a Lambda. */

export const DEFAULT_CONFIG_FILE = 'vigia.config.yaml';

/** Parses and validates YAML (or JSON) text; `fileName` prefixes every error. */
export function parseVigiaConfig(text: string, fileName: string): VigiaConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigFileError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${fileName}:${line}:${col}: ${firstLine(error.message)}`;
      }),
    );
  }
  return validateVigiaConfig(document.toJS({ maxAliasCount: 100 }), fileName);
}

/** Reads and validates the config file: `file`, else `$VIGIA_CONFIG`, else `vigia.config.yaml` (from the working directory). */
export function loadVigiaConfig(file?: string): VigiaConfig {
  const name = file ?? process.env.VIGIA_CONFIG ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(resolve(process.cwd(), name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigFileError([`${name}: file not found (set VIGIA_CONFIG to use another file)`]);
    throw new ConfigFileError([`${name}: cannot be read (${code ?? (error as Error).message})`]);
  }
  return parseVigiaConfig(text, name);
}

let environmentConfig: VigiaConfig | undefined;

/**
 * The config for a Lambda: `VIGIA_CONFIG_JSON`, which the CDK replaces at bundle time (esbuild
 * `define` of the literal `process.env.VIGIA_CONFIG_JSON`, so keep that exact expression), else
 * the file via {@link loadVigiaConfig} (local stack, CLI). Parsed once per process.
 *
 * The Lambda bundles have no YAML parser: PipelineFunction replaces `yaml` with a stub that throws
 * a ConfigurationError (infra/bundling/yaml-unavailable.ts), so a function only ever reads the
 * inlined JSON. Import nothing else from `yaml` here without adding it to that stub.
 */
export function configFromEnvironment(): VigiaConfig {
  if (environmentConfig) return environmentConfig;
  const inlined = process.env.VIGIA_CONFIG_JSON;
  if (inlined !== undefined && inlined !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(inlined);
    } catch (error) {
      throw new ConfigFileError([`VIGIA_CONFIG_JSON: is not JSON (${(error as Error).message})`]);
    }
    environmentConfig = validateVigiaConfig(raw, 'VIGIA_CONFIG_JSON');
  } else {
    environmentConfig = loadVigiaConfig();
  }
  return environmentConfig;
}

/** Forgets the memoized {@link configFromEnvironment} result (tests, `vigia` reloading the file). */
export function resetConfigFromEnvironment(): void {
  environmentConfig = undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
