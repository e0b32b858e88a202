#!/usr/bin/env python
"""The `redis` process of `make run`: use the Redis at REDIS_URL, start one if none answers, or say why not.

It stays in the foreground either way, because honcho stops every process when one exits. The Procfile runs it
under scripts/respawn.py: a redis-server that dies is started again, and the services reconnect by themselves.
make run leaves the line out where a Redis already answers (scripts/banner.py), rather than keep three processes
waiting for nothing.
"""

import os
import shutil
import signal
import socket
import sys
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def wait_forever(message: str) -> None:
    print(message, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


def redis_address() -> tuple[str, int]:
    """The host and port of REDIS_URL."""
    url = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return url.hostname or "127.0.0.1", url.port or 6379


def main() -> None:
    host, port = redis_address()
    if answers(host, port):
        wait_forever(f"Using the Redis already answering at {host}:{port}.")
    server = shutil.which("redis-server")
    if host in LOCAL_HOSTS and server:
        print(f"No Redis at {host}:{port}; starting redis-server there (in memory, nothing saved).", flush=True)
        os.execv(server, [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"])
    wait_forever(
        f"WARNING: no Redis answers at {host}:{port} and none can be started here "
        f"({'redis-server is not installed' if not server else 'REDIS_URL is not local'}). "
        "The services still answer, without the memo: every call thinks for THINK_DELAY_SECONDS."
    )


if __name__ == "__main__":
    main()
