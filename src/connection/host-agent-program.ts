// The program of the host agent (see host-agent.ts): a small Python 3 loop that
// answers file requests (probe, atomic write) with system calls instead of
// starting stat/sha1sum/mktemp/chmod/mv for every task. It is sent first on the
// agent's stdin, so nothing of it (or of any file content) is on a command
// line. Works with Python 3.6+ (RHEL 8's platform-python) and needs nothing
// beyond the standard library. It imports as little as it can (binascii, not
// base64 which pulls in re; its own temporary names, not tempfile; JSON through
// the json package's C half, not the package, which pulls in re, enum,
// functools and collections: two thirds of the agent's start): a hundred hosts
// start it at once, on their CPUs.
//
// Protocol: one JSON object per line each way, answered in order.
//   {"op": "probe", "paths": [...], "follow": bool, "checksum": bool, "content": bool}
//     -> {"ok": true, "states": [state...]}
//   {"op": "write", "path": p, "data": base64, "mode": "0644"?, "owner"?, "group"?,
//    "backup": bool, "parents": bool (create missing directories, as mkdir -p), "probeAfter": {...}?}
//     -> {"ok": true, "backup": path?, "after": state?}
//   {"op": "put", "paths": [dest, parent], "content": bool, "follow": bool (default true),
//    "unlessSha1" or "ifSha1": hex, and write's fields}
//     -> {"ok": true, "states": [state of dest, state of parent], "wrote": bool, "backup"?, "after"?}
//     probes both (with checksum) and writes dest only where the controller's plan
//     would: parent present, dest not a directory, and dest not already a regular
//     file whose SHA-1 is unlessSha1 (copy), or dest still the regular file with
//     SHA-1 ifSha1 that the edit was planned from (lineinfile...).
//   {"op": "stat", "requests": [{"path", "follow": bool, "checksum": "sha1"...}]}
//     -> {"ok": true, "stats": [fields...]}: the key=value fields remote-stat.ts's
//     shell script prints (raw, mode, uid, ..., target, real, r/w/x, sum), as strings.
//   any failure -> {"error": "message"}
// A state mirrors the shell probe in remote-files.ts: {"type": "absent"} or
// {"type", "mode" (octal digits as stat %a), "uid", "gid", "owner", "group",
//  "size", "mtime", "target"?, "sha1"?, "content" (base64)?}.

export const AGENT_PROGRAM = String.raw`
import binascii, grp, os, pwd, stat, sys
try:
    from _sha1 import sha1
except ImportError:
    from hashlib import sha1

def json_codec():
    # loads/dumps of compact ASCII JSON from _json alone, checked on a sample;
    # the json package where _json is missing or differs.
    try:
        import _json

        class Options(object):
            strict = True
            object_hook = None
            object_pairs_hook = None
            parse_float = float
            parse_int = int
            parse_constant = float
            memo = {}

        scan = _json.make_scanner(Options())

        def unknown(value):
            raise TypeError('%r is not JSON' % (value,))

        encode = _json.make_encoder(None, unknown, _json.encode_basestring_ascii, None, ':', ',', False, False, True)

        def loads(text):
            value, end = scan(text, 0)
            if text[end:].strip():
                raise ValueError('not one JSON value')
            return value

        def dumps(value):
            return ''.join(encode(value, 0))

        sample = {'a': [1, -2.5, None, True, False, 'x\u00e9"\n'], 'b': {}}
        if loads(dumps(sample)) != sample or dumps(sample) != '{"a":[1,-2.5,null,true,false,"x\\u00e9\\"\\n"],"b":{}}':
            raise ValueError('_json differs')
        return loads, dumps
    except Exception:
        import json
        return json.loads, json.dumps

json_loads, json_dumps = json_codec()

# The process's umask, read once (reading it means setting it).
UMASK = os.umask(0)
os.umask(UMASK)

# Names of user and group ids seen, kept while /etc/passwd and /etc/group stay as
# they were (checked once a request): a lookup reads and parses those files.
names = {}
names_stamp = None

def file_stamp(path):
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None

def refresh_names():
    global names_stamp
    stamp = (file_stamp('/etc/passwd'), file_stamp('/etc/group'))
    if stamp != names_stamp:
        names.clear()
        names_stamp = stamp

def cached_name(kind, lookup, number):
    key = (kind, number)
    if key not in names:
        try:
            names[key] = lookup(number)[0]
        except KeyError:
            return 'UNKNOWN'
    return names[key]

def user_name(uid):
    return cached_name('u', pwd.getpwuid, uid)

def group_name(gid):
    return cached_name('g', grp.getgrgid, gid)

def read_file(path):
    with open(path, 'rb') as f:
        return f.read()

def probe(path, follow, checksum, content, data=None):
    # data: the file's content when the caller has just written it (no need to read it back).
    try:
        st = os.lstat(path)
    except OSError:
        return {'type': 'absent'}
    kind = None
    if stat.S_ISLNK(st.st_mode):
        if not follow:
            kind = 'link'
        else:
            try:
                st = os.stat(path)
            except OSError:
                kind, st = 'link', None
    if kind is None:
        kind = 'directory' if stat.S_ISDIR(st.st_mode) else 'file' if stat.S_ISREG(st.st_mode) else 'other'
    state = {'type': kind}
    if st is not None:
        state.update(mode=format(stat.S_IMODE(st.st_mode), 'o'), uid=st.st_uid, gid=st.st_gid,
                     owner=user_name(st.st_uid), group=group_name(st.st_gid),
                     size=st.st_size, mtime=int(st.st_mtime))
    if kind == 'link':
        state['target'] = os.readlink(path)
    if kind == 'file' and (checksum or content):
        if data is None:
            data = read_file(path)
        if checksum:
            state['sha1'] = sha1(data).hexdigest()
        if content:
            state['content'] = binascii.b2a_base64(data).decode('ascii').rstrip('\n')
    return state

def seconds(ns):
    return '%d.%09d' % divmod(ns, 1000000000)

def stat_fields(path, follow, algorithm):
    # The key=value fields of the shell's stat script (remote-stat.ts), as strings.
    fields = {}
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        st = None
    if st is not None:
        fields.update(raw=format(st.st_mode, 'x'), mode=format(stat.S_IMODE(st.st_mode), 'o'),
                      uid=str(st.st_uid), gid=str(st.st_gid), owner=user_name(st.st_uid), group=group_name(st.st_gid),
                      size=str(st.st_size), atime=seconds(st.st_atime_ns), mtime=seconds(st.st_mtime_ns),
                      ctime=seconds(st.st_ctime_ns), nlink=str(st.st_nlink), inode=str(st.st_ino), dev=str(st.st_dev),
                      blocks=str(st.st_blocks), bsize=str(st.st_blksize),
                      major=format(os.major(st.st_rdev), 'x'), minor=format(os.minor(st.st_rdev), 'x'))
    if os.path.islink(path):
        fields['target'] = os.readlink(path)
        fields['real'] = os.path.realpath(path)
    for key, flag in (('r', os.R_OK), ('w', os.W_OK), ('x', os.X_OK)):
        if os.access(path, flag):
            fields[key] = '1'
    regular = os.path.isfile(path) and (follow or not os.path.islink(path))
    if algorithm and regular and 'r' in fields:
        import hashlib
        fields['sum'] = hashlib.new(algorithm, read_file(path)).hexdigest()
    return fields

def name_to_id(lookup, name, what):
    # pwd and grp entries both hold the numeric id third; a number that is not a name is taken as is.
    try:
        return lookup(name)[2]
    except KeyError:
        if name.isdigit():
            return int(name)
        raise Exception("invalid %s: '%s'" % (what, name))

def write(req):
    path = req['path']
    directory = os.path.dirname(path) or '.'
    if req.get('parents'):
        os.makedirs(directory, exist_ok=True)
    data = binascii.a2b_base64(req['data'])
    fd, tmp = create_temporary(directory)
    answer = {}
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        try:
            old = os.stat(path)
        except OSError:
            old = None
        # The mode asked for, else the replaced file's, else a new file's default.
        if req.get('mode'):
            os.chmod(tmp, int(req['mode'], 8))
        elif old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        else:
            os.chmod(tmp, 0o666 & ~UMASK)
        if old is not None:
            try:
                os.chown(tmp, old.st_uid, old.st_gid)
            except OSError:
                pass
        if req.get('owner') or req.get('group'):
            uid = name_to_id(pwd.getpwnam, req['owner'], 'user') if req.get('owner') else -1
            gid = name_to_id(grp.getgrnam, req['group'], 'group') if req.get('group') else -1
            os.chown(tmp, uid, gid)
        if req.get('backup') and old is not None:
            import time
            backup = '%s.%d.%s' % (path, os.getpid(), time.strftime('%Y-%m-%d@%H:%M:%S~'))
            copy_preserving(path, backup)
            answer['backup'] = backup
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    after = req.get('probeAfter')
    if after is not None:
        answer['after'] = probe(path, after.get('follow'), after.get('checksum'), after.get('content'), data)
    return answer

def put(req):
    follow = req.get('follow', True)
    states = [probe(p, follow, True, req.get('content')) for p in req['paths']]
    dest, parent = states
    holds = lambda digest: dest['type'] == 'file' and dest.get('sha1') == digest
    wanted = holds(req['ifSha1']) if 'ifSha1' in req else not holds(req['unlessSha1'])
    answer = {'states': states, 'wrote': False}
    if parent['type'] != 'absent' and dest['type'] != 'directory' and wanted:
        answer.update(write(dict(req, path=req['paths'][0])))
        answer['wrote'] = True
    return answer

def create_temporary(directory):
    # A new name next to the target (so the rename is atomic), mode 0600 until the end.
    while True:
        tmp = os.path.join(directory, '.tsplay.' + binascii.hexlify(os.urandom(6)).decode('ascii'))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue

def copy_preserving(src, dst):
    st = os.stat(src)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'wb') as f:
        f.write(read_file(src))
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    try:
        os.chown(dst, st.st_uid, st.st_gid)
    except OSError:
        pass
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))

def handle(req):
    refresh_names()
    op = req.get('op')
    if op == 'probe':
        return {'states': [probe(p, req.get('follow'), req.get('checksum'), req.get('content')) for p in req['paths']]}
    if op == 'write':
        return write(req)
    if op == 'put':
        return put(req)
    if op == 'stat':
        return {'stats': [stat_fields(r['path'], r.get('follow'), r.get('checksum')) for r in req['requests']]}
    raise Exception('unknown request %r' % op)

def reply(obj):
    out.write(json_dumps(obj).encode('ascii') + b'\n')
    out.flush()

out = sys.stdout.buffer
reply({'ok': True, 'hello': 1, 'pid': os.getpid()})
for line in iter(sys.stdin.buffer.readline, b''):
    try:
        answer = handle(json_loads(line.decode('utf-8')))
        answer['ok'] = True
    except Exception as e:
        message = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        where = getattr(e, 'filename', None)
        answer = {'error': '%s: %s' % (where, message) if where else message}
    reply(answer)
`;

/** Python interpreters tried in order (as Ansible's discovery would find them on common systems). */
const INTERPRETERS = ['/usr/bin/python3', '/usr/libexec/platform-python', '/usr/local/bin/python3', 'python3'];

/** The program's size: the loader reads that many bytes of stdin and runs them. */
const PROGRAM_BYTES = Buffer.byteLength(AGENT_PROGRAM);

/** Reads the program from stdin, then serves requests on stdin/stdout. */
const LOADER = `import sys;exec(sys.stdin.buffer.read(${PROGRAM_BYTES}))`;

/** -S: no site module (no site-packages needed), a faster start. */
const PYTHON_FLAGS = '-S';

/**
 * The sh command that starts the agent: the inventory's interpreter if given,
 * else the first one found. Exits 127 when there is none (the caller then keeps
 * using shell commands).
 */
export function agentCommand(interpreter?: string): string {
  const candidates = interpreter ? [interpreter] : INTERPRETERS;
  const words = candidates.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' ');
  return `for p in ${words}; do if command -v "$p" >/dev/null 2>&1; then exec "$p" ${PYTHON_FLAGS} -c '${LOADER}'; fi; done; exit 127`;
}

/** What is sent to the agent first: the program itself. */
export function agentProgramText(): string {
  return AGENT_PROGRAM;
}
