import { defineConfig } from 'vitest/config';

// Files that boot lab hosts (systemd-nspawn) run in their own processes (forks),
// beside the rest; so does a file that needs a fresh module graph of its own.
// Each lab file boots its own hosts; a lab's host sees the machine's /sys (other
// labs' links too), which a test that lists links must allow for. Lab files
// mostly wait (hosts booting, rebooting, services settling): three at a time.
const LAB_FILES = ['test/integration/**/*.test.ts', 'test/lab/**/*.test.ts'];
// Imports other test files to run their tests again under another setting: in
// a shared module graph those would already be loaded, and register nothing.
const OWN_GRAPH_FILES = ['test/modules/without-agent.test.ts'];
const OWN_PROCESS_FILES = [...LAB_FILES, ...OWN_GRAPH_FILES];

// The other files mostly wait on programs they start (tsplay, sshd, ansible's
// recordings are read, not run): several at once, in worker threads that keep
// their modules from file to file (importing the engine afresh for each file
// took twice the CPU on a 40-file sample of them). minThreads equals maxThreads:
// vitest 3.2 reports "Terminating worker thread" when it retires an idle thread
// that shares its modules.
const OTHER_FILES_AT_ONCE = 3;

// A machine-wide NODE_EXTRA_CA_CERTS (a proxy's CA bundle) makes every node
// start parse ~150 certificates: 35 ms of CPU, half of a bare start, paid by
// each of the suite's thousands of tsplay runs. The tests reach only loopback
// and hosts they made, whose TLS uses the tests' own CAs: their programs go without.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    reporters: ['default', './test/summary-reporter.ts'],
    poolOptions: {
      threads: { maxThreads: OTHER_FILES_AT_ONCE, minThreads: OTHER_FILES_AT_ONCE, isolate: false },
      forks: { maxForks: 3, minForks: 1 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: OWN_PROCESS_FILES, pool: 'threads' } },
      { extends: true, test: { name: 'lab', include: OWN_PROCESS_FILES, pool: 'forks' } },
    ],
  },
});
