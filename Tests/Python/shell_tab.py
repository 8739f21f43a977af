"""Presses TAB in an interactive shell on a pseudo-terminal, as a person would, for the completion tests.

Usage: shell_tab.py SETUP LINE SHELL [ARGS...]. Starts SHELL, types SETUP and Enter (e.g. sourcing a
completion script), then LINE and TAB, and prints everything the shell drew after SETUP: the
completion candidates among it (with the terminal's escape sequences).
"""
import os
import sys

from pty_run import Terminal

setup, line, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
shell = Terminal(argv)
shell.read(2)
shell.type(setup.encode() + b"\n")
shell.read(2)
start = len(shell.output)
shell.type(line.encode() + b"\t")
shell.read(3)
shell.type(b"\x03")  # abandon the line, then leave
shell.read(0.5)
shell.type(b"exit\n")
shell.read(1)
try:
    os.kill(shell.pid, 9)
    os.waitpid(shell.pid, 0)
except (ProcessLookupError, ChildProcessError):
    pass
sys.stdout.write(shell.output[start:].decode(errors="replace"))
