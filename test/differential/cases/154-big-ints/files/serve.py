# A web server on loopback answering every GET with the same JSON, whose
# numbers JavaScript's JSON.parse would round. Prints "port pid" and goes to
# the background; it stops by itself after two minutes.
import http.server, os, sys, threading

BODY = b'{"id": 18446744073709551617, "small": 3, "whole": 2.0, "ids": [12345678901234567890, -9007199254740993]}'

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
r, w = os.pipe()
if os.fork():
    os.close(w)
    sys.stdout.write(os.read(r, 100).decode())
    sys.exit(0)
os.setsid()
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
os.write(w, f'{server.server_address[1]} {os.getpid()}\n'.encode())
os.close(w)
threading.Timer(120, lambda: os._exit(0)).start()
server.serve_forever()
