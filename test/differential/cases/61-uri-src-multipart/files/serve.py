# A web server for this case, on loopback only (and, with "unix", also on a
# Unix socket in a private temporary directory): serves www/ (argv[1]) and
# answers /echo... with JSON describing the request it got: method, the X-*
# headers, Content-Type (a multipart boundary written as BOUNDARY),
# Content-Length, the body, and a multipart body's parts. /redirect?to=PATH
# answers 302. Prints "PORT PID [SOCKET]" once it listens; stops by itself after
# two minutes if the playbook never stops it (kill PID), removing its socket.
import email.parser, email.policy, http.server, json, os, re, shutil, signal, socketserver, sys, tempfile, threading
from urllib.parse import parse_qs, urlsplit

root = sys.argv[1]


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass

    def address_string(self):
        return 'local'

    def reply(self, code, data, headers=()):
        body = json.dumps(data, sort_keys=True).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        url = urlsplit(self.path)
        if url.path == '/redirect':
            self.send_response(302)
            self.send_header('Location', parse_qs(url.query)['to'][0])
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        if not url.path.startswith('/echo'):
            if self.command in ('GET', 'HEAD'):
                return super().do_GET() if self.command == 'GET' else super().do_HEAD()
            return self.reply(405, {})
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        ctype = self.headers.get('Content-Type') or ''
        m = re.search(r'boundary="?([^";]+)"?', ctype)
        out = {
            'method': self.command,
            'path': self.path,
            'x_headers': {k.lower(): v for k, v in self.headers.items() if k.lower().startswith('x-')},
            'content_type': ctype.replace(m.group(1), 'BOUNDARY') if m else ctype,
            'content_length': self.headers.get('Content-Length'),
            'cache_control': self.headers.get('Cache-Control'),
        }
        if m:
            raw = body.replace(m.group(1).encode(), b'BOUNDARY')
            out['body'] = raw.decode('utf-8', 'replace')
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(b'Content-Type: ' + ctype.encode() + b'\r\n\r\n' + body)
            out['parts'] = [
                {'headers': [[k, v] for k, v in p.items()], 'data': p.get_payload(decode=True).decode('utf-8', 'replace')}
                for p in msg.iter_parts()
            ]
        else:
            out['body'] = body.decode('utf-8', 'replace')
        self.reply(200, out)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Tcp(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


class Unix(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


servers = [Tcp(('127.0.0.1', 0), Handler)]
words = [str(servers[0].server_address[1])]
sockdir = None
if 'unix' in sys.argv[2:]:
    sockdir = tempfile.mkdtemp(prefix='tsplay-case-')
    servers.append(Unix(os.path.join(sockdir, 'http.sock'), Handler))
# The first process prints what the daemon reports through a pipe, so the
# words are out before the command that started the server returns.
r, w = os.pipe()
if os.fork() > 0:
    os.close(w)
    with os.fdopen(r) as f:
        sys.stdout.write(f.read())
    sys.stdout.flush()
    os._exit(0)
os.close(r)
os.setsid()
if os.fork() > 0:
    os._exit(0)
words.insert(1, str(os.getpid()))
if sockdir:
    words.append(os.path.join(sockdir, 'http.sock'))
os.write(w, (' '.join(words) + '\n').encode())
os.close(w)
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)


def stop(*_):
    if sockdir:
        shutil.rmtree(sockdir, ignore_errors=True)
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
threading.Timer(120, stop).start()
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
