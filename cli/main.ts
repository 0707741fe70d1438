import { CliError } from './errors';
import { createProgram, helpRequest } from './program';

/**
 * Runs one `vigia` command line and returns its exit code; bad usage and failures are thrown as
 * CliError (bin/vigia.mjs prints them as one line). The program is built anew for each call: it
 * keeps the parsed options, and tests call this many times in one process.
 */
export async function main(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const program = createProgram(out);
  // --help never acts, wherever it stands — even where an option would take it as its value.
  const asked = helpRequest(program.root, argv);
  if (asked) {
    asked.outputHelp();
    return 0;
  }
  await program.root.parseAsync(argv, { from: 'user' });
  return program.exitCode();
}

/** The entry point of bin/vigia.mjs: runs the command and exits with its code. */
export async function run(argv: string[]): Promise<never> {
  try {
    process.exit(await main(argv));
  } catch (error) {
    const cliError = error instanceof CliError ? error : new CliError((error as Error).message ?? String(error));
    // One line, whatever the message: scripts read the first line of stderr.
    process.stderr.write(`vigia: ${cliError.message.split('\n').map((part) => part.trim()).filter(Boolean).join('; ')}\n`);
    process.exit(cliError.exitCode);
  }
}
