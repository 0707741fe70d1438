import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_DOC_FILE, cliReference, generatedSection } from '../../cli/reference';

/** docs/cli.md's command reference is the CLI's own help: a change to one without the other fails here. */
describe('docs/cli.md', () => {
  it('has the command reference the CLI prints (run `npm run docs:cli` after changing a command)', () => {
    expect(generatedSection(readFileSync(CLI_DOC_FILE, 'utf8'))).toBe(cliReference());
  });

  it('has a section for every command, with its usage', () => {
    const reference = cliReference();
    for (const usage of ['Usage: vigia <command>', 'Usage: vigia alerts ack ID --by NAME [--note TEXT]', 'Usage: vigia hold <command>', 'Usage: vigia retention sweep [--by NAME]']) expect(reference).toContain(usage);
  });
});
