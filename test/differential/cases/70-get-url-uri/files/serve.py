# A web server for this case, on loopback only: serves the case's www/ on a
# free port, prints "PORT PID" once it listens, and stops by itself after
# two minutes if the playbook never stops it (kill PID).
import http.server, os, socketserver, sys, threading

root = sys.argv[1]
server = socketserver.TCPServer(('127.0.0.1', 0), lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=root))
port = server.server_address[1]
if os.fork() > 0:
    os._exit(0)
os.setsid()
if os.fork() > 0:
    os._exit(0)
print(port, os.getpid(), flush=True)
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
threading.Timer(120, server.shutdown).start()
server.serve_forever()
