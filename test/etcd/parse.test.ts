// Reading etcdctl's JSON output, as etcd 3.4's etcdctl prints it (the samples
// are its real output): v3 base64 keys and values, 64-bit member IDs kept
// exact (in hex, as `member remove` takes them), v2 nodes, endpoint health.
import { describe, expect, it } from 'vitest';
import { etcdMessage } from '../../src/etcd/command.js';
import { parseGetV2, parseGetV3, parseHealth, parseKeysV2, parseKeysV3, parseMembers } from '../../src/etcd/parse.js';

const HEADER = '"header":{"cluster_id":324952591200643719,"member_id":3319814642761637952,"revision":2,"raft_term":2}';

describe('etcdctl output', () => {
  it('v3 get: the value, or undefined for a missing key', () => {
    expect(parseGetV3(`{${HEADER},"kvs":[{"key":"L2E=","create_revision":2,"mod_revision":2,"version":1,"value":"eyJ4IjoxfQ=="}],"count":1}`)).toBe('{"x":1}');
    expect(parseGetV3(`{${HEADER}}`)).toBeUndefined();
    expect(parseKeysV3(`{${HEADER},"kvs":[{"key":"L3QvYQ=="},{"key":"L3QvYg=="}],"count":2}`)).toEqual(['/t/a', '/t/b']);
    expect(parseKeysV3(`{${HEADER}}`)).toEqual([]);
  });

  it('v2 get and ls: a value, a directory, the leaves under a directory', () => {
    expect(parseGetV2('{"action":"get","node":{"key":"/v2/a","value":"hello","nodes":null,"createdIndex":4,"modifiedIndex":4},"prevNode":null}')).toEqual({ value: 'hello', dir: false });
    expect(parseGetV2('{"action":"get","node":{"key":"/d","dir":true,"value":""}}')).toEqual({ dir: true });
    const tree = '{"action":"get","node":{"key":"/v2","dir":true,"value":"","nodes":[{"key":"/v2/a","value":"1","nodes":null},{"key":"/v2/d","dir":true,"value":"","nodes":[{"key":"/v2/d/e","value":"2"}]},{"key":"/v2/empty","dir":true,"nodes":null}]}}';
    expect(parseKeysV2(tree)).toEqual(['/v2/a', '/v2/d/e']);
    expect(parseKeysV2('{"action":"get","node":{"key":"/v2/empty","dir":true,"value":"","nodes":null}}')).toEqual(['/v2/empty']);
  });

  it('member list: 64-bit IDs exact, in hex; a member not started has no name', () => {
    const out = `{${HEADER},"members":[{"ID":3319814642761637952,"name":"h1","peerURLs":["http://10.0.0.11:2380"],"clientURLs":["http://10.0.0.11:2379"]},{"ID":18446744073709551615,"peerURLs":["http://10.0.0.12:2380"],"isLearner":true}]}`;
    expect(parseMembers(out)).toEqual({
      cluster_id: '48276a8f75b6a87',
      members: [
        { id: '2e1259d415f2a040', name: 'h1', peer_urls: ['http://10.0.0.11:2380'], client_urls: ['http://10.0.0.11:2379'], is_learner: false },
        { id: 'ffffffffffffffff', name: '', peer_urls: ['http://10.0.0.12:2380'], client_urls: [], is_learner: true },
      ],
    });
  });

  it('endpoint health: health and error per endpoint', () => {
    const out = '[{"endpoint":"http://127.0.0.1:23790","health":true,"took":"3.2ms"},{"endpoint":"http://127.0.0.1:1","health":false,"took":"3.0s","error":"context deadline exceeded"}]';
    expect(parseHealth(out)).toEqual([
      { endpoint: 'http://127.0.0.1:23790', health: true },
      { endpoint: 'http://127.0.0.1:1', health: false, error: 'context deadline exceeded' },
    ]);
  });

  it("says etcdctl's own message: its Error line, after v3's log lines", () => {
    const v3 = '{"level":"warn","msg":"retrying of unary invoker failed"}\nError: context deadline exceeded\n';
    expect(etcdMessage({ rc: 1, stdout: '', stderr: v3 })).toBe('Error: context deadline exceeded');
    expect(etcdMessage({ rc: 2, stdout: '', stderr: 'something else\n' })).toBe('something else');
    expect(etcdMessage({ rc: 3, stdout: '', stderr: '' })).toBe('etcdctl exit code 3');
  });

  it('names the command whose output it could not read', () => {
    expect(() => parseMembers('Error: oops')).toThrow(/unexpected output from etcdctl member list: Error: oops/);
  });
});
