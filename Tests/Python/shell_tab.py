"""Presses TAB in an interactive shell on a pseudo-terminal, as a person would, for the completion tests.

Usage: shell_tab.py SETUP LINE SHELL [ARGS...]. Starts SHELL, types SETUP and Enter (e.g. sourcing a
completion script), then LINE and TAB, and prints everything the shell drew after SETUP: the
completion candidates among it (with the terminal's escape sequences).
"""
import os
import pty
import select
import sys
import time

setup, line, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, terminal = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

output = b""


def read(seconds):
    """What the shell draws during `seconds`."""
    global output
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the shell closed the terminal
            return
        if not chunk:
            return
        output += chunk


read(2)
os.write(terminal, setup.encode() + b"\n")
read(2)
start = len(output)
os.write(terminal, line.encode() + b"\t")
read(3)
os.write(terminal, b"\x03")  # abandon the line, then leave
read(0.5)
os.write(terminal, b"exit\n")
read(1)
try:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
except (ProcessLookupError, ChildProcessError):
    pass
sys.stdout.write(output[start:].decode(errors="replace"))
