"""Boot the real processes (gunicorn or the Procfile's runserver lines, under core.tracing.launch; a test agent,
redis-server, databases) for the end-to-end tests, make bench and make screenshots; wait on readiness,
never on sleeps."""

import itertools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from api_app.otlp_spans import read_spans
from harness.spans import Span, thinker_requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _own_ports() -> Iterator[int]:
    """The ports free_port hands out in this test process. Under make test's pytest-xdist, each test process has
    1,000 of its own, below the kernel's ephemeral range (32768-60999): a port one process picked for a server about
    to start is never what another process, or the kernel for any socket bound to port 0, takes meanwhile."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        while True:
            yield 0  # the kernel's choice
    first, start = 20000 + int(worker[2:]) % 12 * 1000, secrets.randbelow(1000)
    # All 1,000 from a random one on, wrapping round: a range cut at its start left some processes a handful of ports,
    # each held by a server or its connections' TIME_WAIT, and everything they booted failed (a CI run).
    yield from itertools.cycle(first + (start + n) % 1000 for n in range(1000))


_ports = _own_ports()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now, for a server the caller starts."""
    for _ in range(1000):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", next(_ports)))
            except OSError:  # taken: by a server still running, or another program's
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port left in this test process's range")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as honcho and docker compose read them (comments and blanks skipped)."""
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def wait_until(check: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# How long a process may take to say it is ready: make test boots stacks in three test processes at once on two
# cores, where a boot that takes 5-20 s alone can take three times as long. A limit, not an expectation.
BOOT_TIMEOUT = 120


def proc_stats() -> dict[int, tuple[int, float]]:
    """Every process on the machine: pid -> (parent pid, user+system CPU seconds), from /proc/<pid>/stat."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it exited while we looked
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return stats


def command_line(pid: int) -> str:
    """A process's command line, its arguments joined by spaces; empty once it has gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def process_tree(root_pids: list[int], stats: dict[int, tuple[int, float]] | None = None) -> dict[int, float]:
    """These processes and all their descendants, each with its user+system CPU seconds (`stats`: one proc_stats())."""
    stats = proc_stats() if stats is None else stats
    wanted, frontier = set(root_pids), list(root_pids)
    while frontier:
        pid = frontier.pop()
        children = [child for child, (parent, _) in stats.items() if parent == pid and child not in wanted]
        wanted.update(children)
        frontier.extend(children)
    return {pid: stats[pid][1] for pid in wanted if pid in stats}


@dataclass
class Process:
    """One child process with its output in a log file; stop() ends it and its children."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    cwd: Path = REPO
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> "Process":
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def children(self) -> list[int]:
        """The pids whose parent is this process (a gunicorn master's workers)."""
        return [pid for pid, (parent, _) in proc_stats().items() if self.popen is not None and parent == self.popen.pid]

    def wait_ready(self, probe: Callable[[], bool], timeout: float = BOOT_TIMEOUT) -> "Process":
        def ready() -> bool:
            if not self.running():
                raise RuntimeError(f"{self.name} exited early:\n{self.log()[-3000:]}")
            try:
                return probe()
            except (requests.RequestException, OSError):
                return False

        try:
            wait_until(ready, timeout=timeout, what=f"{self.name} to be ready")
        except Exception:
            self.kill()  # a process that never got ready must not outlive the test
            raise
        return self

    def stop(self) -> None:
        popen = self.popen
        if popen is not None and popen.poll() is None:
            os.killpg(popen.pid, 15)
            try:
                popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()  # what ignored SIGTERM, in whichever process group of the tree it is

    def kill(self) -> None:
        """End it and everything it started at once (SIGKILL), for a fixture's teardown: nothing is left to check of
        how it stops, and a graceful stop costs 1-9 s (gunicorn's, ddtrace's flush at exit) that stop() waits out.
        Every process group in its tree, not only its own: the Procfile's keeper starts its command in a session of
        its own, and whatever forks meanwhile is born into its parent's group."""
        popen = self.popen
        if popen is None or popen.poll() is not None:
            return
        groups = {popen.pid}
        for pid in process_tree([popen.pid]):
            try:
                groups.add(os.getpgid(pid))
            except ProcessLookupError:  # it exited while we looked
                pass
        groups.discard(os.getpgrp())  # never the test's own
        for group in groups:
            try:
                os.killpg(group, 9)
            except ProcessLookupError:
                pass
        popen.wait()


def http_ok(url: str) -> Callable[[], bool]:
    return lambda: requests.get(url, timeout=1).status_code == 200


@dataclass
class TraceStore:
    """Datadog's test agent, wherever it runs, read back through its HTTP API: ddtrace's spans from `url`,
    OpenTelemetry's (OTLP) from `otlp_url`, where it keeps them apart, converted to the same shape."""

    url: str
    otlp_url: str = field(default="", kw_only=True)

    def spans(self, trace_id: int | str) -> list[Span]:
        return self.all_spans(int(trace_id))

    def all_spans(self, trace_id: int | None = None) -> list[Span]:
        """Every span the agent holds, both tracers' (or those of `trace_id`)."""
        params = None if trace_id is None else {"trace_ids": str(trace_id)}
        response = requests.get(f"{self.url}/test/traces", params=params, timeout=5)
        response.raise_for_status()
        otlp_spans = read_spans(self.otlp_url, 5, trace_id) if self.otlp_url else []
        return [span for chunk in response.json() for span in chunk] + otlp_spans

    def traces(self) -> list[list[Span]]:
        """Every trace the agent holds, its spans grouped by trace id (each process flushes its own part)."""
        by_id: dict[int, list[Span]] = {}
        for span in self.all_spans():
            by_id.setdefault(span["trace_id"], []).append(span)
        return list(by_id.values())

    def wait_for_trace(
        self, trace_id: int | str, complete: Callable[[list[Span]], bool], timeout: float = 30
    ) -> list[Span]:
        """The spans of one trace, once `complete(spans)` holds (each process flushes on its own)."""
        return wait_until(
            lambda: (lambda spans: spans if spans and complete(spans) else None)(self.spans(trace_id)),
            timeout=timeout,
            what=f"trace {trace_id} to arrive complete",
            interval=0.2,
        )


@dataclass
class TraceAgent(TraceStore):
    """A test agent these tests started."""

    web_ui_url: str
    process: Process


def start_trace_agent(log_dir: Path, forward_to: str = "") -> TraceAgent:
    """A test agent on free ports; with `forward_to`, it also forwards what it receives there."""
    port, ui_port, otlp_port = free_port(), free_port(), free_port()
    # An explicit --agent-url: the test agent would otherwise forward to DD_TRACE_AGENT_URL.
    command = [
        str(BIN / "ddapm-test-agent"), "--agent-url", forward_to,
        "--host", "127.0.0.1", "--port", str(port), "--web-ui-port", str(ui_port),
        "--otlp-http-port", str(otlp_port), "--otlp-grpc-port", str(free_port()),
    ]  # fmt: skip
    process = Process("trace agent", command, dict(os.environ), log_dir / f"agent-{port}.log").start()
    url = f"http://127.0.0.1:{port}"
    # /test/traces, not /info: a forwarding test agent relays GET /info downstream as a POST, which fails.
    process.wait_ready(http_ok(f"{url}/test/traces"))
    return TraceAgent(
        url=url, otlp_url=f"http://127.0.0.1:{otlp_port}", web_ui_url=f"http://127.0.0.1:{ui_port}", process=process
    )


def redis_answers(port: int) -> bool:
    """Whether a Redis on 127.0.0.1:`port` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(log_dir: Path) -> tuple[str, Process]:
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = Process("redis-server", command, dict(os.environ), log_dir / f"redis-{port}.log").start()
    process.wait_ready(lambda: redis_answers(port))
    return f"redis://127.0.0.1:{port}/0", process


_redis_databases = itertools.count()


def own_redis_database(redis_url: str) -> str:
    """The same Redis server, another of its 16 databases: stacks never see each other's memo."""
    return urlunsplit(urlsplit(redis_url)._replace(path=f"/{1 + next(_redis_databases) % 15}"))


def clean_env(**overrides: str) -> dict[str, str]:
    """This environment without its ddtrace and Django settings (ours must not leak in), then `overrides`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DD_", "DJANGO_", "_DD_"))}
    env.update(overrides)
    return env


def service_env(**overrides: str) -> dict[str, str]:
    """The environment a service runs with: this one, the repo's tracing.env, then `overrides`."""
    return clean_env(**{**read_env_file(REPO / "tracing.env"), **overrides})


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def start_gunicorn(
    name: str,
    env: dict[str, str],
    log_dir: Path,
    app: str = "thinkproject.wsgi:application",
    chdir: Path | None = None,
    ready_path: str = "/healthz",
    wrapper: tuple[str, ...] = (),
    repo: Path = REPO,
) -> tuple[str, Process]:
    """`python -m core.tracing.launch gunicorn` with the repo's gunicorn.conf.py, as docker compose runs the services:
    under ddtrace-run, or the OpenTelemetry SDK where `env` says TRACER=otel (API_TRACER, THINKER_TRACER).

    `wrapper` goes in front of the command: a profiler such as valgrind, which slows start-up 10-50x.
    `repo` is the checkout whose code runs (perf/bench_ab.py's --a-tree: another commit's worktree).
    """
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port)}
    command = [
        *wrapper,
        sys.executable,
        "-m",
        "core.tracing.launch",
        str(BIN / "gunicorn"),
        "-c",
        str(repo / "gunicorn.conf.py"),
        "--chdir",
        str(chdir or repo),
        app,
    ]
    env = {**env, "PYTHONPATH": str(repo)} if repo != REPO else env
    process = Process(name, command, env, log_dir / f"{name}-{port}.log", cwd=repo).start()
    url = f"http://127.0.0.1:{port}"
    process.wait_ready(http_ok(f"{url}{ready_path}"), timeout=600 if wrapper else BOOT_TIMEOUT)
    return url, process


@dataclass
class Stack:
    api_url: str
    thinker_url: str
    api: Process
    thinker: Process
    redis_url: str
    env: dict[str, str]

    def stop(self) -> None:
        """Stop the API, then the thinker it calls."""
        self.api.stop()
        self.thinker.stop()

    def kill(self) -> None:
        """End both at once (Process.kill), for a fixture's teardown."""
        self.api.kill()
        self.thinker.kill()


def start_pair(
    start_thinker: Callable[[], tuple[str, Process]],
    start_api: Callable[[str], tuple[str, Process]],
) -> tuple[str, Process, str, Process]:
    """Start a thinker, then an API that calls it; if the API fails to start, stop the thinker too."""
    thinker_url, thinker = start_thinker()
    try:
        api_url, api = start_api(thinker_url)
    except Exception:
        thinker.kill()
        raise
    return thinker_url, thinker, api_url, api


def boot_stack(
    logs: Path, redis_url: str, agent_url: str, *, wrapper: tuple[str, ...] = (), repo: Path = REPO, **extra_env: str
) -> Stack:
    """A fresh database and Redis database, then the thinker and the API under core.tracing.launch gunicorn (ddtrace-run
    unless env says TRACER=otel), running the code of `repo`."""
    redis_url = own_redis_database(redis_url)
    common = stack_env(logs, redis_url, agent_url, **extra_env)
    thinker_url, thinker, api_url, api = start_pair(
        lambda: start_gunicorn("thinker", thinker_env(common), logs, wrapper=wrapper, repo=repo),
        lambda url: start_api(logs, common, url, wrapper=wrapper, repo=repo),
    )
    return Stack(api_url, thinker_url, api, thinker, redis_url, common)


def start_worker(env: dict[str, str], log_dir: Path, name: str = "worker") -> Process:
    """Step 6's Celery worker as docker compose runs it (`python -m core.tracing.launch celery -A thinkproject
    worker`), under ddtrace-run unless `env` says WORKER_TRACER=otel (or TRACER), once it says it is ready."""
    node = f"{name}-{secrets.token_hex(3)}"
    command = [sys.executable, "-m", "core.tracing.launch", str(BIN / "celery"), "-A", "thinkproject", "worker"]
    command += ["--loglevel", "INFO", "--hostname", f"{node}@%h"]
    process = Process(name, command, service_env(**env, SERVICE="worker"), log_dir / f"{node}.log").start()
    return process.wait_ready(lambda: f"{node}@" in process.log() and " ready." in process.log())


def memoized_quote(memo: Any, subject: str) -> str | None:
    """The quote the memo holds for `subject`, read straight from Redis (a `redis.Redis` on the memo's database),
    as django-redis keeps it: `thinker:1:think:<subject>` (the prefix, the version, thoughts.memo's key)."""
    raw = memo.get(f"thinker:1:think:{subject}")
    return None if raw is None else json.loads(raw)["quote"]


def create_superuser(env: dict[str, str], username: str, password: str) -> None:
    """The admin's user, as `make superuser` (createsuperuser) makes one."""
    environ = service_env(**env, SERVICE="api", DJANGO_SUPERUSER_PASSWORD=password)
    manage(environ, "createsuperuser", "--noinput", "--username", username, "--email", f"{username}@example.com")


def admin_session(api_url: str, username: str, password: str) -> requests.Session:
    """A browser's session in the admin: logged in, with its CSRF cookie."""
    session = requests.Session()
    session.get(f"{api_url}/admin/login/", timeout=10)
    response = session.post(
        f"{api_url}/admin/login/?next=/admin/",
        data={"username": username, "password": password, "next": "/admin/",
              "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10,
    )  # fmt: skip
    assert response.url == f"{api_url}/admin/", f"the admin login failed: {response.status_code} {response.url}"
    return session


def admin_post(session: requests.Session, api_url: str, path: str, data: dict[str, str]) -> requests.Response:
    """Submit an admin form at `path` (e.g. /admin/thinker_app/thought/1/change/) as the browser does: its answer
    (a redirect on success), not followed."""
    data = {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(f"{api_url}{path}", data=data, headers={"Referer": f"{api_url}{path}"},
                        allow_redirects=False, timeout=30)  # fmt: skip


def start_procfile_line(name: str, env: dict[str, str], log_dir: Path, port: int) -> Process:
    """The Procfile's line for `name` (what `make run` starts), run by a shell, listening on `port` instead of its own
    (a line that names no 127.0.0.1:<port> keeps its command, and reads its address from `env`)."""
    lines = dict(line.split(": ", 1) for line in (REPO / "Procfile").read_text().splitlines() if ": " in line)
    command = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", lines[name])
    env = {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}  # its `python` is the venv's
    log_path = log_dir / f"procfile-{name}-{port}.log"
    return Process(f"procfile-{name}", ["/bin/sh", "-c", command], env, log_path).start()


def start_procfile_service(name: str, env: dict[str, str], log_dir: Path) -> tuple[str, Process]:
    """The Procfile's line for `name`, on a free port, once its /healthz answers."""
    port = free_port()
    process = start_procfile_line(name, env, log_dir, port)
    url = f"http://127.0.0.1:{port}"
    process.wait_ready(http_ok(f"{url}/healthz"))
    return url, process


def boot_dev_stack(logs: Path, redis_url: str, agent_url: str, **extra_env: str) -> Stack:
    """The quick start's servers: the Procfile's thinker and api lines (runserver), with a fresh database.

    Which service each is (SERVICE) comes from the Procfile, not from here.
    """
    redis_url = own_redis_database(redis_url)
    common = stack_env(logs, redis_url, agent_url, **extra_env)
    thinker_url, thinker, api_url, api = start_pair(
        lambda: start_procfile_service("thinker", service_env(**common), logs),
        lambda url: start_procfile_service("api", service_env(**common, THINKER_URL=url), logs),
    )
    return Stack(api_url, thinker_url, api, thinker, redis_url, common)


# The databases fresh_database_url made: stack_env need not migrate them.
MIGRATED_DATABASES: set[str] = set()


def fresh_database_url(logs: Path, server: str | None = None) -> str:
    """A new database, migrated (a copy of the one this process migrated first): on the PostgreSQL of `server`
    (default: DATABASE_URL) when it names one, else a SQLite file."""
    server = os.environ.get("DATABASE_URL", "") if server is None else server
    if not server.startswith(("postgres://", "postgresql://")):
        path = logs / f"db-{secrets.token_hex(4)}.sqlite3"
        shutil.copyfile(migrated_template(logs, server), path)
        url = f"sqlite:///{path}"
    else:
        url = create_postgres_database(
            server, f"thinker_e2e_{secrets.token_hex(4)}", template=migrated_template(logs, server)
        )
    MIGRATED_DATABASES.add(url)
    return url


_templates: dict[tuple[Path, str], str] = {}
# The admin's user in every database fresh_database_url gives: a test that logs in needs no createsuperuser of its own.
ADMIN = ("admin", secrets.token_urlsafe(16))


def migrated_template(logs: Path, server: str) -> str:
    """The database this process migrates once, with the ADMIN user (`manage.py initdb`, as docker compose's
    `migrate` service does), and copies for each stack (each Django start costs 2-4 s of CPU): a SQLite file's path,
    or a PostgreSQL template database's name on the server of `server`."""
    key = (logs, server)
    if key not in _templates:
        if server.startswith(("postgres://", "postgresql://")):
            name = f"thinker_template_{secrets.token_hex(4)}"
            url, template = create_postgres_database(server, name), name
        else:
            path = logs / f"template-{secrets.token_hex(4)}.sqlite3"
            url, template = f"sqlite:///{path}", str(path)
        username, password = ADMIN
        admin = {
            "DJANGO_SUPERUSER_USERNAME": username,
            "DJANGO_SUPERUSER_PASSWORD": password,
            "DJANGO_SUPERUSER_EMAIL": f"{username}@example.com",
        }
        env = {"DATABASE_URL": url, "DJANGO_SECRET_KEY": secrets.token_urlsafe(32), **admin}
        manage(service_env(**env, SERVICE="api"), "initdb")
        _templates[key] = template
    return _templates[key]


CREATED_DATABASES: list[tuple[str, str]] = []
# A PostgreSQL server for the tests that need one whatever DATABASE_URL says (compose topology, faults).
POSTGRES_SERVER = os.environ.get("POSTGRES_TEST_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def create_postgres_database(server_url: str, name: str, owner: str | None = None, template: str = "") -> str:
    """CREATE DATABASE `name` on the server of `server_url`, a copy of `template` if named (dropped at the end of the
    session)."""
    import psycopg

    parts = urlsplit(server_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if owner and not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [owner]).fetchone():
            try:
                conn.execute(f'CREATE ROLE "{owner}" LOGIN')
            except psycopg.errors.UniqueViolation:  # another test process made it since we looked
                pass
        options = (f' OWNER "{owner}"' if owner else "") + (f' TEMPLATE "{template}"' if template else "")
        conn.execute(f'CREATE DATABASE "{name}"{options}')
    CREATED_DATABASES.append((admin_url, name))
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_created_databases() -> None:
    import psycopg

    while CREATED_DATABASES:
        admin_url, name = CREATED_DATABASES.pop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stack_env(logs: Path, redis_url: str, agent_url: str, **extra_env: str) -> dict[str, str]:
    """The settings both services share, with a database of their own, migrated (the one `extra_env` names is
    migrated here, unless fresh_database_url made it)."""
    database_url = extra_env.pop("DATABASE_URL", None)
    env = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url or fresh_database_url(logs),
        "REDIS_URL": redis_url,
        "DD_TRACE_AGENT_URL": agent_url,
        **extra_env,
    }
    if database_url and database_url not in MIGRATED_DATABASES:
        manage(service_env(**env, SERVICE="api"), "migrate", "--noinput")
    return env


def thinker_env(common: dict[str, str]) -> dict[str, str]:
    return service_env(**common, SERVICE="thinker")


def api_env(common: dict[str, str], thinker_url: str) -> dict[str, str]:
    return service_env(**common, SERVICE="api", THINKER_URL=thinker_url)


def start_api(
    logs: Path, common: dict[str, str], thinker_url: str, wrapper: tuple[str, ...] = (), repo: Path = REPO
) -> tuple[str, Process]:
    return start_gunicorn("api", api_env(common, thinker_url), logs, wrapper=wrapper, repo=repo)


def think(stack: Stack, *subjects: str, headers: dict[str, str] | None = None) -> requests.Response:
    """curl the API's /think/ the way the workshop does."""
    return requests.get(f"{stack.api_url}/think/", params={"subject": list(subjects)}, headers=headers, timeout=10)


def think_and_trace(agent: TraceAgent, stack: Stack, subject: str) -> tuple[requests.Response, list[list[Span]]]:
    """curl the API once about `subject`: its answer and every trace the call left, the API's first.

    One trace when the step propagates, two when it does not (STEP=1): the thinker's request is found
    by its URL and its start, after the call was sent.
    """
    sent_ns = time.time_ns()
    response = think(stack, subject)
    api_trace = int(response.headers["X-Trace-Id"])
    url = f"{stack.thinker_url}/?subject={subject}"

    def thinker_request() -> Span | None:
        return next((
            span for span in thinker_requests(agent.all_spans())
            if span["start"] >= sent_ns and span["meta"].get("http.url", "").startswith(url)
        ), None)  # fmt: skip

    thinker_trace = wait_until(
        thinker_request, timeout=30, what=f"the thinker's request for {subject!r}", interval=0.2
    )["trace_id"]
    agent.wait_for_trace(
        api_trace, lambda spans: any(s["service"] == "thinker-api" and s["parent_id"] == 0 for s in spans)
    )
    trace_ids = [api_trace] + [thinker_trace] * (thinker_trace != api_trace)
    return response, [agent.spans(trace_id) for trace_id in trace_ids]
