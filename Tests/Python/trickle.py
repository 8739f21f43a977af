"""Sends an HTTP request one byte per interval and prints how many seconds passed before the
server closed the connection ("open" if it was still open after the limit).

usage: trickle.py HOST PORT tls|plain headers|body|second INTERVAL LIMIT
"""
import socket
import ssl
import sys
import time

host, port, transport, part, interval, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
raw = socket.create_connection((host, port), timeout=limit)
start = time.monotonic()
if transport == "tls":
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = context.wrap_socket(raw, server_hostname=host)
else:
    connection = raw
body = b'{"user": "alice", "password": "a wrong one", "totp": "123456"}'
head = f"POST /v1/login HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(body) + 1000}\r\n\r\n".encode()
if part == "headers":
    quick, slow = b"", head + body
elif part == "body":
    quick, slow = head, body * 100
else:
    # "second": a GET with a body that the server answers before the body arrives; the body comes
    # after the answer; then a second request, trickled.
    early = f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 5\r\n\r\n".encode()
    connection.sendall(early)
    connection.settimeout(5)
    connection.recv(4096)
    connection.sendall(b"12345")
    quick, slow = b"", head + body
    start = time.monotonic()
connection.sendall(quick)
connection.settimeout(interval)
for index in range(len(slow)):
    if time.monotonic() - start > limit:
        print("open")
        sys.exit(0)
    try:
        connection.sendall(slow[index:index + 1])
        if connection.recv(4096) == b"":
            break
    except socket.timeout:
        continue
    except (OSError, ssl.SSLError):
        break
    # Anything the server answers before closing (a 400, say) is read and ignored.
print(f"{time.monotonic() - start:.1f}")
