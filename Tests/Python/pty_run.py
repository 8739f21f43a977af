"""Runs a command on a new pseudo-terminal, as an interactive user would, for rolecall's tests.

Usage: pty_run.py INPUT COMMAND [ARGS...]. Waits for the command's first output, types INPUT,
then prints {"output": ..., "status": ...} as JSON once the command has exited (or after 20 s).
INPUT may hold several answers separated by \x1e: each is typed once the command has written
something more (the next prompt).
"""
import json
import os
import pty
import select
import sys
import time


class Terminal:
    """A command started on a new pseudo-terminal, and everything it has drawn so far."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.output = b""

    def read(self, seconds, until_output=False):
        """What the command draws during `seconds`, or until its first output with `until_output`."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the command closed the terminal
                return
            if not chunk:
                return
            self.output += chunk
            if until_output:
                time.sleep(0.3)  # let the prompt settle
                return

    def type(self, text):
        os.write(self.fd, text)


if __name__ == "__main__":
    typed, argv = sys.argv[1].encode(), sys.argv[2:]
    terminal = Terminal(argv)
    for answer in typed.split(b"\x1e"):
        terminal.read(10, until_output=True)
        terminal.type(answer)
    terminal.read(20)
    waited, status = os.waitpid(terminal.pid, 0)
    print(json.dumps({"output": terminal.output.decode(errors="replace"), "status": os.waitstatus_to_exitcode(status)}))
