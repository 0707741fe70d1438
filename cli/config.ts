import { ConfigFileError, loadVigiaConfig, type VigiaConfig } from '../shared/config/vigia-config';
import { CliError } from './errors';
import type { Target } from './target';

/**
 * The deployment config a command works with: `file`, else VIGIA_CONFIG / ./vigia.config.yaml.
 * A config error becomes a CliError naming the file and the field, every problem on one line.
 */
export function cliConfig(file?: string): VigiaConfig {
  try {
    return loadVigiaConfig(file);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new CliError(error.message);
    throw error;
  }
}

/** The config the target runs with: the local stack's own file, or (with --stage) this checkout's — the file that was deployed. */
export function targetConfig(target: Target): VigiaConfig {
  return cliConfig(target.local?.info.configFile);
}
