// Preloaded into a tsplay run by the bench (`node -r bench/mem-probe.cjs ...`):
// samples process.memoryUsage() every 50 ms and, at exit, writes the peaks and
// the process's VmHWM (/proc/self/status) to stderr as one line
// `MEMPROBE {...}` (MiB). TSPLAY_MEMPROBE_SNAPSHOT=<n>: also writes a heap
// snapshot into the working directory when the n-th TASK banner is written
// (the hosts are then all connected and mid-run). TSPLAY_MEMPROBE_ALLOC=<file>:
// samples allocations over the whole run, including objects collected since,
// and writes the profile (a .heapprofile for Chrome's devtools) to <file>: who
// allocates the most, garbage included, which decides the heap's peak.
'use strict';
const fs = require('node:fs');
const v8 = require('node:v8');
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) if (m[k] > peak[k]) peak[k] = m[k];
};
const timer = setInterval(sample, 50);
timer.unref();
const snapAt = Number(process.env.TSPLAY_MEMPROBE_SNAPSHOT || 0);
if (snapAt > 0) {
  let seen = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const before = seen;
    seen += (text.match(/TASK \[|"kind":"task_start"/g) || []).length;
    if (before < snapAt && seen >= snapAt) {
      const file = v8.writeHeapSnapshot();
      process.stderr.write(`MEMPROBE snapshot ${file}\n`);
    }
    return write(chunk, ...rest);
  };
}
const allocFile = process.env.TSPLAY_MEMPROBE_ALLOC;
let session;
if (allocFile) {
  const inspector = require('node:inspector');
  session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
process.on('exit', () => {
  if (session) {
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (err) process.stderr.write(`MEMPROBE alloc: ${err.message}\n`);
      else fs.writeFileSync(allocFile, JSON.stringify(res.profile));
    });
  }
  sample();
  const hwm = /^VmHWM:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const mib = (n) => Math.round((n / 1048576) * 10) / 10;
  const out = Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mib(v)]));
  out.vmHwm = hwm ? Math.round(Number(hwm[1]) / 102.4) / 10 : undefined;
  process.stderr.write(`MEMPROBE ${JSON.stringify(out)}\n`);
});
