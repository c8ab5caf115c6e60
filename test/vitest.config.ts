import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Longest first, as vitest orders files, except the worker-process tests, which always start
 * first: they run only on Postgres, for about a minute, and are skipped on PGlite, so the
 * durations the PGlite pass leaves would start them last on Postgres, with the other worker idle.
 */
class WorkerProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => f.moduleId.endsWith('/test/server/jobs/processes.test.ts');
    return [...sorted.filter(first), ...sorted.filter((f) => !first(f))];
  }
}

export default defineConfig({
  root,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    pool: 'forks',
    // Two cores on these machines: more workers only queue behind each other.
    maxWorkers: 2,
    // Each worker keeps the modules it has loaded from one file to the next: importing the
    // server anew for every file cost more than most files' tests. No file relies on a fresh
    // module: state lives in the database and sandboxes each file opens for itself.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A pod loads in well under a second alone, but several seconds while another worker
    // runs the process-kill tests beside it; vitest's default of one second made that a failure.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default'],
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: WorkerProcessesFirst },
  },
});
