"""docker-compose.yml's topology without containers: each app service's own command and environment,
run as local processes (service host names mapped to loopback), on the real PostgreSQL and Redis; as the
file comes, and with THINKER_TRACER=otel in .env (a mixed fleet, as `THINKER_TRACER=otel docker compose up`)."""

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from api_app.otlp_spans import tracer_of
from harness.processes import (
    BIN,
    POSTGRES_SERVER,
    REPO,
    Process,
    create_postgres_database,
    free_port,
    http_ok,
    own_redis_database,
)
from harness.spans import database_spans, http_hops, joined, thinker_requests
from tests.compose import EXAMPLE_ENV, compose_config, service_environment


@pytest.fixture(scope="module", params=[{}, {"THINKER_TRACER": "otel"}], ids=["ddtrace", "thinker-otel"])
def topology(request, e2e_logs: Path, redis_url: str, trace_agent) -> Iterator[dict[str, str]]:
    services = compose_config({**EXAMPLE_ENV, **request.param})["services"]
    ports = {"thinker": free_port(), "api": free_port()}
    compose_db = urlsplit(service_environment(services["thinker"])["DATABASE_URL"])
    # The compose database, as a fresh database on the local PostgreSQL, owned by the compose user.
    database_url = create_postgres_database(
        POSTGRES_SERVER, f"thinker_topology_{secrets.token_hex(4)}", owner=compose_db.username
    )
    redis_db = own_redis_database(redis_url)
    local = {
        "db": urlsplit(database_url).netloc.rpartition("@")[2],
        "redis": urlsplit(redis_db).netloc,
        "agent": urlsplit(trace_agent.url).netloc,
        "agent:4318": urlsplit(trace_agent.otlp_url).netloc,  # its OTLP port
        "thinker": f"127.0.0.1:{ports['thinker']}",
        "api": f"127.0.0.1:{ports['api']}",
    }

    def localize(name: str, value: str) -> str:
        """Point a URL at the local stand-in of the service it names; leave everything else alone."""
        parts = urlsplit(value)
        if not parts.scheme or parts.hostname not in local:
            return value
        userinfo = parts.netloc.rpartition("@")[0]
        stand_in = local.get(f"{parts.hostname}:{parts.port}", local[parts.hostname])
        netloc = f"{userinfo}@{stand_in}" if userinfo else stand_in
        path = {"db": urlsplit(database_url).path, "redis": urlsplit(redis_db).path}.get(parts.hostname, parts.path)
        return urlunsplit(parts._replace(netloc=netloc, path=path))

    def environment(name: str) -> dict[str, str]:
        env = {key: localize(name, value) for key, value in service_environment(services[name]).items()}
        if name in ports:
            env.update(PORT=str(ports[name]), HOST="127.0.0.1")
        return {"PATH": f"{BIN}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/tmp"), **env}

    # The image's build step (Dockerfile), then the one-shot `migrate` service.
    for command in (
        ["python", "manage.py", "collectstatic", "--noinput", "-v0"],
        services["migrate"]["command"],
    ):
        step = subprocess.run(command, env=environment("migrate"), cwd=REPO, capture_output=True, text=True)
        assert step.returncode == 0, step.stderr

    started = []
    try:
        for name in ("thinker", "api"):  # depends_on order
            process = Process(
                f"compose-{name}", services[name]["command"], environment(name), e2e_logs / f"compose-{name}.log"
            )
            started.append(process.start())
            process.wait_ready(http_ok(f"http://{local[name]}/readyz"))
        yield {
            "api_url": f"http://{local['api']}",
            "thinker_url": f"http://{local['thinker']}",
            "database_url": database_url,
            "redis_url": redis_db,
            "thinker_tracer": request.param.get("THINKER_TRACER", "ddtrace"),
        }
    finally:
        for process in reversed(started):
            process.kill()


@pytest.mark.parametrize(
    ("subject", "author"), [("war", "Agatha Christie"), ("mankind", "Oscar Wilde"), ("art", "The Machine")]
)
def test_the_compose_stack_answers_the_seeds_curls(topology, subject, author):
    response = requests.get(f"{topology['api_url']}/think/", params={"subject": subject}, timeout=10)
    assert response.status_code == 200
    assert response.json()["author"] == author


def test_the_compose_stack_makes_one_trace_on_postgresql_tagged_with_its_environment(topology, trace_agent):
    import redis

    redis.Redis.from_url(topology["redis_url"]).flushdb()
    response = requests.get(f"{topology['api_url']}/think/", params={"subject": "music"}, timeout=10)
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
    assert {span["service"] for span in spans} >= {"thinker-api", "thinker-microservice"}
    assert thinker_requests(spans)[0]["parent_id"] == http_hops(spans)[0]["span_id"]
    (query,) = [
        s for s in database_spans(spans) if "thinker_app_thought" in s["resource"] + s["meta"].get("db.statement", "")
    ]
    assert query["meta"].get("db.system", "postgresql") == "postgresql"
    assert {span["meta"].get("env") for span in spans} == {"docker"}
    assert tracer_of(thinker_requests(spans)[0]) == topology["thinker_tracer"]


def test_the_one_shot_migration_created_the_admin_user_from_the_environment(topology):
    import psycopg

    with psycopg.connect(topology["database_url"]) as conn:
        row = conn.execute(
            "SELECT is_superuser FROM auth_user WHERE username = %s", [EXAMPLE_ENV["DJANGO_SUPERUSER_USERNAME"]]
        ).fetchone()
    assert row == (True,)


def test_the_admin_is_served_with_its_static_files(topology):
    assert requests.get(f"{topology['api_url']}/admin/login/", timeout=10).status_code == 200
    css = requests.get(f"{topology['api_url']}/static/admin/css/base.css", timeout=10)
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
