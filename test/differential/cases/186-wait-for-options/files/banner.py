# Listens on 127.0.0.1:PORT and greets each connection with a banner, then
# closes it; stops when OUT/release exists (60 s at most).
import os, socket, sys, time

port, out = int(sys.argv[1]), sys.argv[2]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', port))
server.listen(5)
server.settimeout(0.2)
open(os.path.join(out, 'ready'), 'w').close()
deadline = time.time() + 60
while not os.path.exists(os.path.join(out, 'release')) and time.time() < deadline:
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    conn.sendall(b'220 hello from tsplay\r\nsecond line\r\n')
    time.sleep(0.2)
    conn.close()
server.close()
