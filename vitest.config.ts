import { defineConfig } from 'vitest/config';

// Files that boot lab hosts (systemd-nspawn): CPU-heavy while their hosts boot,
// so at most two at a time, in their own pool (forks), beside the rest. Each
// boots its own hosts; a lab's host sees the machine's /sys (other labs' links
// too), which a test that lists links must allow for.
const LAB_FILES = ['test/integration/**/*.test.ts', 'test/lab/**/*.test.ts'];

// The other files mostly wait on programs they start (tsplay, sshd, ansible's
// recordings are read, not run): several at once, in worker threads.
const OTHER_FILES_AT_ONCE = 3;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    reporters: ['default', './test/summary-reporter.ts'],
    poolOptions: {
      threads: { maxThreads: OTHER_FILES_AT_ONCE, minThreads: 1 },
      forks: { maxForks: 2, minForks: 1 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: LAB_FILES, pool: 'threads' } },
      { extends: true, test: { name: 'lab', include: LAB_FILES, pool: 'forks' } },
    ],
  },
});
