"""What the scripts that drive a real team issuer share (scripts/faults, scripts/console-browser):
building it, an issuer made from scratch with `rolecall-issuer` and its replicas, its database, and a
PostgreSQL server of its own through scripts/postgres-test-server.

The scripts import it from their own directory:
    sys.path.insert(0, str(Path(__file__).resolve().parent)); import testkit
"""
import os
import random
import re
import signal
import sqlite3
import ssl
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_TEST_SERVER = ROOT / "scripts" / "postgres-test-server"


def build(*products):
    """`swift build` of `products`; the directory of the binaries. Exits with the build's output
    when it fails."""
    for product in products:
        done = subprocess.run(["swift", "build", "--product", product], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stdout[-4000:] + done.stderr[-4000:])
    return Path(subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip())


def unverified_tls():
    """TLS without checking the test issuer's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Issuer:
    """An issuer database reached with `rolecall-issuer`, from a home of its own in `work`, and the
    replicas serving it (each a `rolecall-issuer serve`, by name)."""

    def __init__(self, bin_dir, work, database):
        self.bin = bin_dir
        self.work = work
        self.home = work / "home"
        self.home.mkdir(mode=0o700, exist_ok=True)
        self.database = database
        self.environment = {**os.environ, "ROLECALL_HOME": str(self.home), "ROLECALL_ISSUER_DATABASE": database}
        self.environment.pop("ROLECALL_ISSUER_KEY", None)
        self.replicas = {}
        self.urls = {}

    def admin(self, arguments):
        """`rolecall-issuer ARGUMENTS`' standard output; raises with its error when it fails."""
        done = subprocess.run([str(self.bin / "rolecall-issuer")] + arguments, env=self.environment, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"rolecall-issuer {' '.join(arguments[:2])}: {done.stderr.strip()}")
        return done.stdout

    def serve(self, name, arguments=(), prefix=(), extra_environment=None):
        """Starts replica `name` and waits until it listens; returns its URL and TLS pin. The first
        start takes a port the system gives (`--listen 127.0.0.1:0`, the URL it prints says which);
        a replica started again under the same name listens on the same port, so that clients
        holding its URL find it again. Its standard error goes to `work/replica-NAME.log`."""
        port = urllib.parse.urlsplit(self.urls[name]).port if name in self.urls else 0
        log_path = self.work / f"replica-{name}.log"
        with open(log_path, "a") as log:
            process = subprocess.Popen(list(prefix) + [str(self.bin / "rolecall-issuer"), "serve", "--listen", f"127.0.0.1:{port}", *arguments],
                                       env={**self.environment, **(extra_environment or {})}, stdout=subprocess.PIPE, stderr=log, text=True)
        url = pin = None
        for line in process.stdout:
            if match := re.search(r"serving (https://\S+)", line):
                url = match.group(1).rstrip("/")
            if match := re.search(r"SHA-256 \(.*\): ([0-9a-f]{64})", line):
                pin = match.group(1)
            if url and pin:
                break
        if not (url and pin):
            process.kill()
            process.wait()
            raise RuntimeError(f"replica {name} did not start: {log_path.read_text()[-2000:]}")
        self.replicas[name] = process
        self.urls[name] = url
        return url, pin

    def kill(self, name):
        """SIGKILL: what a crash or an OOM kill does to a replica."""
        process = self.replicas.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self):
        """Every replica, with SIGTERM (SIGKILL after 10 s)."""
        for process in self.replicas.values():
            if process.poll() is None:
                process.terminate()
        for process in self.replicas.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.replicas = {}

    def query(self, sql, parameters=()):
        """Rows of `sql` on the issuer's database: SQLite's own values, or PostgreSQL's as text
        (through psql, which takes no parameters)."""
        if self.database.startswith("sqlite:"):
            with sqlite3.connect(self.database[len("sqlite:"):]) as db:
                return db.execute(sql, parameters).fetchall()
        assert not parameters, "psql takes no parameters"
        done = subprocess.run(["psql", self.database, "-tA", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True)
        return [tuple(line.split("\t")) for line in done.stdout.splitlines() if line]


class Postgres:
    """A PostgreSQL server of its own, through scripts/postgres-test-server, with its data in
    `directory` (the script's TMPDIR)."""

    def __init__(self, directory):
        self.directory = directory
        self.port = None

    def _run(self, command, port):
        environment = {**os.environ, "TMPDIR": str(self.directory), "ROLECALL_TEST_POSTGRES_PORT": str(port)}
        return subprocess.run([str(POSTGRES_TEST_SERVER), command], env=environment, capture_output=True, text=True)

    def start(self):
        """Starts the server (again, after a crash: on its port and data); returns its URL. The
        first start tries a few random ports: PostgreSQL cannot be asked to take a free one."""
        for port in [self.port] if self.port else random.sample(range(40000, 60000), 5):
            done = self._run("start", port)
            if done.returncode == 0:
                self.port = port
                return done.stdout.strip()
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip()[-800:]}")

    def crash(self):
        """What a power cut or `pg_ctl stop -m immediate` leaves: no shutdown checkpoint."""
        self._run("crash", self.port)

    def running(self):
        return self._run("status", self.port).returncode == 0

    def stop(self):
        """Stops it and deletes its data."""
        if self.port:
            self._run("stop", self.port)
