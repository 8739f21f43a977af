"""A loopback HTTP server that misbehaves on purpose, for rolecall's hostile-input tests.

Prints its port, then serves POST /<mode>/sessions where mode is:
  slow     never answers
  close    closes the connection without a response
  huge     answers 200 with a 10 MB body
  badjson  answers 201 with a body that is not JSON
"""
import socket
import sys
import threading
import time


def handle(connection):
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(65536)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
        mode = path.strip("/").split("/")[0]
        if mode == "slow":
            time.sleep(30)
        elif mode == "close":
            pass
        elif mode == "huge":
            body = b"A" * (10 * 1024 * 1024)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
            connection.sendall(body)
        elif mode == "badjson":
            body = b"{this is not json"
            connection.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    except OSError:
        pass
    finally:
        connection.close()


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
deadline = time.time() + 120  # stops by itself
listener.settimeout(1)
while time.time() < deadline:
    try:
        connection, _ = listener.accept()
    except socket.timeout:
        continue
    threading.Thread(target=handle, args=(connection,), daemon=True).start()
