"""An HTTPS server on loopback for the client transport's tests (certificate and key in PEM files).

usage: tls_server.py CERT KEY
Prints its port, then answers every GET and POST with 200 and a JSON body; GET /connections
answers how many connections it has accepted (this one included).
"""
import http.server
import ssl
import sys
import threading

connections = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        with lock:
            connections += 1
        super().setup()

    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = str(connections).encode() if self.path == "/connections" else b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *arguments):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
