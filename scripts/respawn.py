#!/usr/bin/env python
"""Keeps one process of `make run` (a Procfile line) running: `python scripts/respawn.py COMMAND...`.

honcho stops every process as soon as one exits, so a Redis or a thinker that died took the whole stack down with
it. Under this keeper a process that dies after it started is started again (after 1 s, doubling up to 10 s while
it keeps dying), and the others never notice: the API answers on the slow path while Redis is away and reaches
the thinker again once it is back (docs/faults.md). One that exits by itself within its first STARTUP_SECONDS (a
settings error, a taken port) is not retried: its exit stops make run, with its error as the last thing printed. Ctrl-C
and honcho's SIGTERM stop it and its process group, and nothing is started again.
"""

import os
import signal
import subprocess
import sys
import threading
import time

STARTUP_SECONDS = 5.0
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 10.0
# A run this long counts as healthy: the next death waits the first pause again.
STEADY_SECONDS = 60.0


def main(command: list[str]) -> int:
    if not command:
        sys.exit("usage: respawn.py COMMAND [ARGS...]")
    name = " ".join(command)
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum: int, frame: object) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause, first = FIRST_PAUSE_SECONDS, True
    while not stopping.is_set():
        started = time.monotonic()
        # A session of its own: a signal for the process (runserver's autoreloader and its child) reaches them all.
        child = subprocess.Popen(command, start_new_session=True)
        if stopping.is_set():  # a stop that came while it started found no child to signal
            os.killpg(child.pid, signal.SIGTERM)
        code = child.wait()
        ran = time.monotonic() - started
        if stopping.is_set():
            break
        # What it leaves behind goes with it: runserver's server outlives a killed autoreloader, holding the port.
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if first and ran < STARTUP_SECONDS and code >= 0:  # it exited by itself; killed by a signal, it died
            print(f"respawn: {name} failed at start-up (exit {code}); not starting it again.", flush=True)
            return code or 1
        first = False
        pause = FIRST_PAUSE_SECONDS if ran >= STEADY_SECONDS else pause
        print(f"respawn: {name} exited ({code}) after {ran:.0f} s; starting it again in {pause:g} s.", flush=True)
        stopping.wait(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
    if child is not None and child.poll() is None:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
