import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The file that takes minutes, started first. Vitest orders files by their last duration when it
 * has one, and by size otherwise — on a fresh clone (CI) the 10,000-webhook replay, a small file,
 * would start last and the suite would wait minutes for it alone on one worker.
 */
const LONGEST_FIRST = ['test/local/replay-10k.test.ts'];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return (await super.sort(files)).map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map(({ file }) => file);
  }
}

/** Test files that run in a shared module graph (the `shared-graph` project below). */
const SHARED_GRAPH = [
  'test/contract/**/*.test.ts',
  'test/sentiment/**/*.test.ts',
  'test/media/**/*.test.ts',
  'test/evidence/**/*.test.ts',
  ...[
    'bench-cli',
    'bench-cost',
    'bench-scale',
    'cli-bundle',
    'cli-reference',
    'concurrency',
    'contracts',
    'dependency-direction',
    'dev-secrets',
    'env',
    'index-shards',
    'media-store',
    'resumable-scan',
    'secrets',
    'test-scripts',
    'whatsapp-signature',
    'work-queue',
  ].map((name) => `test/unit/${name}.test.ts`),
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: vitest's default on a 2-core machine is one worker, and most test files wait on
    // I/O between in-process servers (dynalite, s3rver) for part of their time.
    maxWorkers: 2,
    // The local stack allocates per request (SDK, dynalite, s3rver in one process): a larger young
    // generation spends less time in garbage collection.
    execArgv: ['--max-semi-space-size=32'],
    // The local stack prints what it delivers (notifications, notices): shown for failing tests only.
    silent: 'passed-only',
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        extends: true,
        test: { name: 'runtime', include: ['test/**/*.test.ts'], exclude: ['test/infra/**', ...SHARED_GRAPH] },
      },
      {
        // Files that set no environment variable, mock nothing and start no local stack: they share
        // one module graph per worker instead of each importing the SDK and Vigia's modules again
        // (34 files: 31 → 16 s of CPU). A new file runs isolated until it is listed here.
        extends: true,
        test: { name: 'shared-graph', include: SHARED_GRAPH, isolate: false },
      },
      {
        // The CDK tests only build constructs from their props (no environment, no module state):
        // they share one module graph per worker instead of importing aws-cdk-lib once per file,
        // which was more than half of their time (86 s → 22 s on 2 cores).
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false },
      },
    ],
  },
});
