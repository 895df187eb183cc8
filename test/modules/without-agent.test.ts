// The file modules' tests again, with the host agent switched off, so the shell
// commands they fall back to (hosts without Python, tasks with become) stay
// covered too. The imported files register their tests in this file.
process.env.TSPLAY_HOST_AGENT = '0';
await import('./copy.test.js');
await import('./template.test.js');
await import('./lineinfile.test.js');
await import('./blockinfile.test.js');
await import('./replace.test.js');
await import('./slurp.test.js');
await import('./file.test.js');
await import('./stat.test.js');
