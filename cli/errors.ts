/** An error the CLI reports as one line (no stack trace) with a non-zero exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wrong usage: exit code 2, like most Unix tools. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(`${message} (see vigia --help)`, 2);
  }
}
