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

typed, argv = sys.argv[1].encode(), sys.argv[2:]
pid, terminal = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

output = b""


def read(seconds, until_output=False):
    global output
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the command closed the terminal
            return
        if not chunk:
            return
        output += chunk
        if until_output:
            time.sleep(0.3)  # let the prompt settle
            return


for answer in typed.split(b"\x1e"):
    read(10, until_output=True)
    os.write(terminal, answer)
read(20)
waited, status = os.waitpid(pid, 0)
print(json.dumps({"output": output.decode(errors="replace"), "status": os.waitstatus_to_exitcode(status)}))
