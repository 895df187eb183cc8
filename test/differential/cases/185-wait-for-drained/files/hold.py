# Listens on 127.0.0.1:PORT, connects to itself and holds that connection
# until OUT/release exists (60 s at most); the client side closes first, so the
# listening side leaves no TIME_WAIT behind on PORT.
import os, socket, sys, time

port, out = int(sys.argv[1]), sys.argv[2]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', port))
server.listen(1)
client = socket.create_connection(('127.0.0.1', port))
accepted, _ = server.accept()
open(os.path.join(out, 'ready'), 'w').close()
deadline = time.time() + 60
while not os.path.exists(os.path.join(out, 'release')) and time.time() < deadline:
    time.sleep(0.1)
client.close()
accepted.recv(1)
accepted.close()
server.close()
