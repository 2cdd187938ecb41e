#!/usr/bin/python3
"""Run a command on a new pseudo-terminal and answer its prompts, as a
person at a terminal would: pty-answer.py PROMPT-REGEX ANSWER... -- CMD...
Each ANSWER is typed (with a line end) after the output matched its
PROMPT-REGEX since the previous answer. Prints everything the command
wrote to the terminal, then exits with the command's status (124 if a
prompt did not come within 30 s)."""
import os
import pty
import re
import select
import sys
import time


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    pairs, cmd = argv[:sep], argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    start = 0
    status = None
    for i in range(0, len(pairs), 2):
        want, answer = re.compile(pairs[i].encode()), pairs[i + 1]
        deadline = time.monotonic() + 30
        while not want.search(seen, start):
            left = deadline - time.monotonic()
            if left <= 0:
                sys.stdout.write(seen.decode(errors="replace"))
                print(f"pty-answer: no prompt /{pairs[i]}/ within 30 s")
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                sys.exit(124)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                seen += chunk
        start = len(seen)
        os.write(fd, answer.encode() + b"\n")
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
