import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

/**
 * Dependencies point inwards (issue 18, docs/architecture.md): the capabilities under shared/ know
 * nothing of the edges that wire them (functions/, cli/, local/, infra/); what runs in a Lambda
 * function or the CLI never imports the CDK app; a function never imports another function; and
 * no two modules need each other at run time.
 */
const RUNTIME_FOLDERS = ['functions', 'shared', 'cli', 'local', 'infra', 'bench'];

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The repository files a module imports at run time (type-only imports are erased, so they cannot form a cycle). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?'(\.[^']+)'/gms)].map((match) => match[1]!),
    ...[...source.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((match) => match[1]!),
  ];
  return specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier);
    const target = [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    return target ? [target] : [];
  });
}

const graph = new Map(RUNTIME_FOLDERS.flatMap(sources).map((file) => [file, runtimeImports(file)]));
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from: relative(repoRoot, from), to: relative(repoRoot, to) })));
const describeEdge = ({ from, to }: { from: string; to: string }) => `${from} → ${to}`;

describe('dependency direction', () => {
  it('no module of functions/, shared/ or cli/ imports infra/', () => {
    const offending = ['functions', 'shared', 'cli'].flatMap(sources).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)]
        .map((match) => match[1]!)
        .filter((specifier) => /(^|\/)infra\//.test(specifier))
        .map((specifier) => `${relative(repoRoot, file)} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('shared/ imports none of the edges (functions/, cli/, local/, infra/, bench/)', () => {
    expect(edges.filter(({ from, to }) => from.startsWith('shared/') && !to.startsWith('shared/')).map(describeEdge)).toEqual([]);
  });

  it('no function imports another function, and the CLI imports no function', () => {
    const functionOf = (path: string) => (path.startsWith('functions/') ? path.split('/')[1] : undefined);
    const offending = edges.filter(({ from, to }) => (from.startsWith('functions/') || from.startsWith('cli/')) && functionOf(to) !== undefined && functionOf(from) !== functionOf(to));
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('no import cycles at run time (Tarjan over every module of the runtime folders)', () => {
    let index = 0;
    const state = new Map<string, { index: number; low: number; onStack: boolean }>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    const visit = (node: string) => {
      state.set(node, { index, low: index, onStack: true });
      index++;
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (!graph.has(next)) continue;
        if (!state.has(next)) {
          visit(next);
          state.get(node)!.low = Math.min(state.get(node)!.low, state.get(next)!.low);
        } else if (state.get(next)!.onStack) {
          state.get(node)!.low = Math.min(state.get(node)!.low, state.get(next)!.index);
        }
      }
      if (state.get(node)!.low === state.get(node)!.index) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          state.get(member)!.onStack = false;
          component.push(relative(repoRoot, member));
        } while (member !== node);
        const selfLoop = (graph.get(node) ?? []).includes(node);
        if (component.length > 1 || selfLoop) cycles.push(component.sort());
      }
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('the graph is the real one (a change to the import syntax must not blind these checks)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(edges.some(({ from, to }) => from === 'functions/ingest/handler.ts' && to.startsWith('shared/'))).toBe(true);
  });
});
