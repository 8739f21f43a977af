"""A loopback HTTP server that misbehaves on purpose, for rolecall's hostile-input tests.

Prints its port, then serves POST /<mode>/sessions where mode is:
  slow     never answers
  close    closes the connection without a response
  huge     answers 200 with a 10 MB body
  badjson  answers 201 with a body that is not JSON
  trickle  answers 200 with its head at once, then its body one byte per second
  redirect-PORT  answers 307 to http://127.0.0.1:PORT/close/sessions
and GET /count, which answers how many other requests it has received.
"""
import socket
import sys
import threading
import time

received = 0
received_lock = threading.Lock()


def drain_body(connection, request):
    """Reads the rest of the request body, so closing the connection does not reset it."""
    head, _, body = request.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return
        body += chunk


def handle(connection):
    global received
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(65536)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
        mode = path.strip("/").split("/")[0]
        if mode == "count":
            body = str(received).encode()
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            return
        with received_lock:
            received += 1
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
        elif mode == "trickle":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                time.sleep(1)
                connection.sendall(b" ")
        elif mode.startswith("redirect-"):
            drain_body(connection, request)
            target = f"http://127.0.0.1:{mode.split('-', 1)[1]}/close/sessions"
            connection.sendall(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode())
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
