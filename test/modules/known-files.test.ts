// What a run remembers of the files it edits (src/known-files.ts):
// regular files with content only, bounded in size and number, per host agent.
import { describe, expect, it } from 'vitest';
import type { HostAgent } from '../../src/connection/host-agent.js';
import { recallFile, rememberFile } from '../../src/host/known-files.js';
import { sha1, type RemoteFileState } from '../../src/host/remote-files.js';

const file = (path: string, content = 'x\n'): RemoteFileState => ({ path, exists: true, type: 'file', mode: '0644', content: Buffer.from(content) });
const newAgent = () => ({}) as HostAgent;

describe('known files', () => {
  it('remembers a regular file with its checksum, per host agent', () => {
    const [a, b] = [newAgent(), newAgent()];
    rememberFile(a, file('/etc/app.conf', 'one\n'));
    expect(recallFile(a, '/etc/app.conf')).toMatchObject({ checksum: sha1('one\n'), mode: '0644' });
    expect(recallFile(b, '/etc/app.conf')).toBeUndefined();
  });

  it('forgets a path that is no longer a regular file, or is too large to keep', () => {
    const a = newAgent();
    rememberFile(a, file('/f'));
    rememberFile(a, { path: '/f', exists: false });
    expect(recallFile(a, '/f')).toBeUndefined();
    rememberFile(a, file('/g'));
    rememberFile(a, file('/g', 'y'.repeat(256 * 1024 + 1)));
    expect(recallFile(a, '/g')).toBeUndefined();
    rememberFile(a, { path: '/h', exists: true, type: 'file' }); // no content: nothing to plan from
    expect(recallFile(a, '/h')).toBeUndefined();
  });

  it('keeps the 64 files seen most recently', () => {
    const a = newAgent();
    for (let i = 0; i < 64; i++) rememberFile(a, file(`/f${i}`));
    rememberFile(a, file('/f0', 'seen again\n')); // now the most recent
    rememberFile(a, file('/f64'));
    expect(recallFile(a, '/f0')?.checksum).toBe(sha1('seen again\n'));
    expect(recallFile(a, '/f1')).toBeUndefined();
    expect(recallFile(a, '/f2')).toBeDefined();
    expect(recallFile(a, '/f64')).toBeDefined();
  });
});
