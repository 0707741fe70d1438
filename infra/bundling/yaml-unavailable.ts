import { ConfigurationError } from '../../shared/config/env';

/**
 * Stands in for the `yaml` package in the Lambda bundles (esbuild `--alias:yaml=…`, set by
 * PipelineFunction). A function gets its deployment config from `VIGIA_CONFIG_JSON`, which the
 * CDK validates and inlines at bundle time; the YAML reader of shared/config/load.ts is
 * for the CLI, the local stack and `cdk synth`, so the parser (about 115 KB minified) stays out
 * of the bundles. It is only reached when a function has no inlined config and still finds a
 * config file, i.e. never on a correct deployment: then it fails loudly instead of parsing.
 *
 * It exports exactly what load.ts imports from `yaml`: esbuild fails the bundling if that
 * module ever imports something else from it.
 */
function unavailable(): never {
  throw new ConfigurationError(
    'VIGIA_CONFIG_JSON is not inlined in this bundle: a Lambda reads its config only from it (the CDK inlines it with esbuild `define`), and the bundle has no YAML parser to read a config file',
  );
}

export class LineCounter {
  constructor() {
    unavailable();
  }

  linePos(_offset: number): { line: number; col: number } {
    return unavailable();
  }
}

export function parseDocument(..._args: unknown[]): never {
  return unavailable();
}
