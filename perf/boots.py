"""Boots of what `make bench` measures beside ours: the workshop's own Flask app and the floors, each as two
gunicorn services under ddtrace-run (harness/processes.py boots ours)."""

import secrets
import subprocess
import sys
from pathlib import Path

from harness.processes import Stack, clean_env, own_redis_database, service_env, start_gunicorn, start_pair

PERF = Path(__file__).resolve().parent

FLASK_SEED = PERF / "flask_seed"
# gunicorn.conf.py gives our thinker one process; the seed's and the floor's get the same worker model.
THINKER_PROCESSES = {"GUNICORN_WORKERS": "1"}


def boot_flask_seed(logs: Path, redis_url: str, agent_url: str, **extra_env: str) -> Stack:
    """The workshop's own Flask app (perf/flask_seed) under ddtrace-run gunicorn with our gunicorn.conf.py.

    ddtrace's defaults, none of tracing.env: the seed as the workshop ships it. Services seed-api and
    seed-thinker, so its traces stand apart from ours in the test agent.
    """
    env = clean_env(
        SEED_DATABASE_URL=f"sqlite:///{logs / f'seed-{secrets.token_hex(4)}.sqlite3'}",
        REDIS_URL=own_redis_database(redis_url),
        DD_TRACE_AGENT_URL=agent_url,
        DD_ENV="local",
        **extra_env,
    )
    subprocess.run([sys.executable, "thinker.py"], cwd=FLASK_SEED, env=env, check=True, capture_output=True)
    thinker_url, thinker, api_url, api = start_pair(
        lambda: start_gunicorn(
            "seed-thinker",
            {**THINKER_PROCESSES, **env, "DD_SERVICE": "seed-thinker"},
            logs,
            "thinker:app",
            FLASK_SEED,
            "/?subject=war",
        ),
        lambda url: start_gunicorn(
            "seed-api",
            {**env, "DD_SERVICE": "seed-api", "THINKER_URL": url},
            logs,
            "api:app",
            FLASK_SEED,
            "/think/?subject=war",
        ),
    )
    return Stack(api_url, thinker_url, api, thinker, env["REDIS_URL"], env)


DJANGO_FLOOR = PERF / "django_floor"


def boot_floor_pair(
    name: str,
    logs: Path,
    redis_url: str,
    agent_url: str,
    chdir: Path,
    apps: tuple[str, str],
    *,
    wrapper: tuple[str, ...] = (),
    **extra_env: str,
) -> Stack:
    """A floor's thinker and API (`apps`: their WSGI names) under ddtrace-run gunicorn with tracing.env, as
    ours boots; services `<name>-thinker` and `<name>-api`. Floors answer hits only. `wrapper`: as
    harness.processes.start_gunicorn's (valgrind for perf/bench_ab.py --callgrind)."""
    env = service_env(REDIS_URL=own_redis_database(redis_url), DD_TRACE_AGENT_URL=agent_url, **extra_env)
    thinker_app, api_app = apps
    thinker_url, thinker, api_url, api = start_pair(
        lambda: start_gunicorn(
            f"{name}-thinker",
            {**THINKER_PROCESSES, **env, "SERVICE": "thinker", "DD_SERVICE": f"{name}-thinker"},
            logs,
            thinker_app,
            chdir,
            "/?subject=war",
            wrapper,
        ),
        lambda url: start_gunicorn(
            f"{name}-api",
            {**env, "SERVICE": "api", "DD_SERVICE": f"{name}-api", "THINKER_URL": url},
            logs,
            api_app,
            chdir,
            "/think/?subject=war",
            wrapper,
        ),
    )
    return Stack(api_url, thinker_url, api, thinker, env["REDIS_URL"], env)


def boot_django_floor(
    logs: Path, redis_url: str, agent_url: str, *, wrapper: tuple[str, ...] = (), **extra_env: str
) -> Stack:
    """perf/django_floor (each service's framework choices, none of our code): services django-floor-{api,thinker}."""
    apps = ("wsgi:application", "wsgi:application")
    return boot_floor_pair("django-floor", logs, redis_url, agent_url, DJANGO_FLOOR, apps, wrapper=wrapper, **extra_env)
