"""An HTTP CONNECT proxy on loopback for the client transport's tests.

Prints its port, then one line `CONNECT host:port` per tunnel asked for (and `AUTH user:password`
after it when the request carried Basic credentials). Every tunnel goes to
127.0.0.1 at the asked port, whatever the host: a test can name a host that does not resolve,
which is what makes the client use the proxy (loopback is never proxied).
"""
import base64
import http.server
import select
import socket


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_CONNECT(self):
        print(f"CONNECT {self.path}", flush=True)
        authorization = self.headers.get("Proxy-Authorization", "")
        if authorization.startswith("Basic "):
            print(f"AUTH {base64.b64decode(authorization[6:]).decode()}", flush=True)
        port = int(self.path.rpartition(":")[2])
        upstream = socket.create_connection(("127.0.0.1", port))
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                break
            for source in readable:
                data = source.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if source is self.connection else self.connection).sendall(data)

    def log_message(self, *arguments):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
