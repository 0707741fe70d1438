import type * as z from 'zod';
import { quote } from './fields';

/**
 * Config errors as a person reads them: one line per problem, `<file>: <path>: <what is wrong>`,
 * in the order the file shows them, in words rather than zod's issue codes.
 */

/** A config file that cannot be read or is invalid; the message names every problem, one per line. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    /** `<file>: <path>: <what is wrong>` (or `<file>:<line>:<col>: …` for YAML syntax), one per problem. */
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
  }
}

export type Path = ReadonlyArray<PropertyKey>;

export interface Problem {
  path: Path;
  message: string;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `policies[1].regex[0]`. */
export function formatPath(path: Path): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`)).join('');
}

const at = (path: Path, message: string) => (path.length === 0 ? message : `${formatPath(path)}: ${message}`);

/** The error for these problems of the parsed value `raw`, each prefixed with `fileName`, in document order. */
export function configFileError(fileName: string, raw: unknown, problems: Problem[]): ConfigFileError {
  const sections = isRecord(raw) ? Object.keys(raw) : [];
  const sorted = [...problems].sort((a, b) => comparePaths(a.path, b.path, sections));
  return new ConfigFileError(sorted.map((problem) => `${fileName}: ${at(problem.path, problem.message)}`));
}

/** Document order: top-level sections as they appear in the file, then list indexes. */
function comparePaths(a: Path, b: Path, sections: string[]): number {
  for (let depth = 0; depth < Math.min(a.length, b.length); depth++) {
    const [x, y] = [a[depth], b[depth]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (depth === 0 && typeof x === 'string' && typeof y === 'string') return sections.indexOf(x) - sections.indexOf(y);
    return 0;
  }
  return 0;
}

const oneOf = (values: readonly unknown[], input: unknown) =>
  input === undefined ? `is required (one of ${values.join(', ')})` : `must be one of ${values.join(', ')}, got ${quote(input)}`;

export function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown field' }));
    case 'invalid_type':
      return [{ path: issue.path, message: describeType(issue.expected, input, issue.path.length === 0) }];
    case 'invalid_value':
      return [{ path: issue.path, message: oneOf(issue.values, input) }];
    case 'invalid_key':
      // A record key (e.g. a stage name under `stages`): the key schema's own message.
      return [{ path: issue.path, message: issue.issues[0]?.message ?? issue.message }];
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        // The issue's input is the whole item; its path already ends with the discriminator key.
        return [{ path: issue.path, message: oneOf(options, isRecord(input) ? input[discriminator] : undefined) }];
      }
      return [{ path: issue.path, message: issue.message }];
    }
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

function describeType(expected: string, input: unknown, root: boolean): string {
  if (root) return 'must be a mapping with lines, teams and policies';
  if (input === undefined) return 'is required';
  switch (expected) {
    case 'object':
      return `must be a mapping, got ${describeValue(input)}`;
    case 'array':
      return `must be a list, got ${describeValue(input)}`;
    case 'string':
      return typeof input === 'number' ? `must be a string — quote it ("${String(input)}"): YAML reads it as a number` : `must be a string, got ${describeValue(input)}`;
    case 'number':
      return `must be a number, got ${describeValue(input)}`;
    case 'int':
      return `must be a whole number, got ${describeValue(input)}`;
    case 'boolean':
      return `must be true or false, got ${describeValue(input)}`;
    default:
      return `must be ${expected}, got ${describeValue(input)}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return quote(value);
}
