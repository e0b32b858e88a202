"""docker-compose.yml on a real Docker engine: `make compose-test` (not part of `make test`; .ci/run runs both).

The project's image is built from its Dockerfile, the stack runs from its compose file with one override
(tests/deploy/compose.engine.yml lists every difference), and each check below is made against the
running containers. Base images that no registry can give are stand-ins (tests/deploy/standins/).
"""

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import yaml

from harness.processes import (
    TraceStore,
    admin_post,
    admin_session,
    free_port,
    memoized_quote,
    read_env_file,
    wait_until,
)
from harness.spans import SERVICES, WORKER, by_name, database_spans, dump, joined, queue_spans, thinker_requests
from tests.compose import EXAMPLE_ENV, REPO, compose, compose_env, compose_executable
from tests.deploy.engine import docker, docker_engine, dockerfile_bases, ensure_image
from tests.deploy.manifests import BASE, env_value, pod_spec, workload

pytestmark = pytest.mark.engine

PROJECT = "thinkerengine"
OVERRIDE = REPO / "tests" / "deploy" / "compose.engine.yml"
APP_IMAGE = "thinker:local"
API = "http://127.0.0.1:5000"
THINKER = "http://127.0.0.1:5001"
AGENT = "http://127.0.0.1:8126"
# What the stack listens on, with host networking: the real file's ports, the test agent's OTLP
# defaults, and the override's db and redis.
PORTS = {5000: "api", 5001: "thinker", 8126: "agent", 8080: "agent UI", 4317: "agent OTLP/gRPC",
         4318: "agent OTLP/HTTP", 25432: "db", 26379: "redis"}  # fmt: skip
# What the image may hold (.dockerignore is an allowlist), staticfiles from the build's collectstatic.
IMAGE_FILES = {"api_app", "core", "gunicorn.conf.py", "load", "manage.py", "requirements-load.txt", "requirements.txt",
               "staticfiles", "thinker_app", "thinkproject", "thoughts"}  # fmt: skip


@dataclass
class EngineStack:
    """The compose project on the engine, driven through the merged compose file."""

    compose_file: Path
    log_dir: Path
    started_at: float = 0.0
    before: dict[str, set[str]] = field(default_factory=dict)

    def compose(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [compose_executable(), "-p", PROJECT, "--project-directory", str(REPO), "-f", str(self.compose_file), *args],
            env=compose_env(), cwd=REPO, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if check:
            assert result.returncode == 0, f"compose {' '.join(args)}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result

    def container(self, service: str) -> str:
        ids = docker("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}",
                     "--filter", f"label=com.docker.compose.service={service}").stdout.split()  # fmt: skip
        assert len(ids) == 1, f"{service}: containers {ids}"
        return ids[0]

    def inspect(self, service: str) -> dict[str, Any]:
        return json.loads(docker("inspect", self.container(service)).stdout)[0]

    def health(self, service: str) -> str:
        return self.inspect(service)["State"].get("Health", {}).get("Status", "none")

    def first_events(self) -> dict[tuple[str, str], int]:
        """(service, status) -> when the engine first reported it, in ns, since the stack was started."""
        events = docker("events", "--since", f"{self.started_at:.3f}", "--until", f"{time.time():.3f}",
                        "--filter", f"label=com.docker.compose.project={PROJECT}", "--format", "{{json .}}").stdout  # fmt: skip
        first: dict[tuple[str, str], int] = {}
        for line in events.splitlines():
            event = json.loads(line)
            service = event["Actor"]["Attributes"].get("com.docker.compose.service")
            if event.get("Type") == "container" and service:
                first.setdefault((service, event["status"]), event["timeNano"])
        return first


def engine_objects() -> dict[str, set[str]]:
    return {
        "containers": set(docker("ps", "-a", "-q", "--no-trunc").stdout.split()),
        "networks": set(docker("network", "ls", "-q", "--no-trunc").stdout.split()),
        "volumes": set(docker("volume", "ls", "-q").stdout.split()),
    }


def merged_compose_file(log_dir: Path) -> Path:
    """docker-compose.yml with the override, as Compose merges them, minus the published ports.

    The one change no override file can make: docker-compose 1.29 refuses `ports` beside host
    networking, and an override can add ports but not remove them (Compose v2's `!reset` could).
    """
    result = compose("config", env=EXAMPLE_ENV, files=(REPO / "docker-compose.yml", OVERRIDE))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    for service in config["services"].values():
        service.pop("ports", None)
    path = log_dir / "docker-compose.merged.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)  # it holds the test's secrets
    return path


def base_images(compose_file: Path) -> list[str]:
    """Every image the stack starts from: the FROM of each Dockerfile it builds, then the pulled ones."""
    services = [s for s in yaml.safe_load(compose_file.read_text())["services"].values() if not s.get("profiles")]
    pulled = sorted({s["image"] for s in services if "build" not in s})
    dockerfiles = {
        Path(s["build"]["context"]) / s["build"].get("dockerfile", "Dockerfile") for s in services if "build" in s
    }
    froms = sorted({base for path in dockerfiles for base in dockerfile_bases(path)})
    return froms + pulled


def image_size_mb(image: str) -> float:
    return json.loads(docker("image", "inspect", image).stdout)[0]["Size"] / 1e6


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineStack]:
    log_dir = tmp_path_factory.mktemp("engine")
    with docker_engine(log_dir) as started_engine:
        engine = EngineStack(merged_compose_file(log_dir), log_dir)
        engine.compose("down", "-v", "--remove-orphans")  # what a run that died half-way left
        busy = {port: name for port, name in PORTS.items() if _listening(port)}
        assert not busy, f"ports the stack needs are taken on this machine: {busy}"
        engine.before = engine_objects()

        report = [f"engine: {'started dockerd' if started_engine else 'the running one'}"]
        for image in base_images(engine.compose_file):
            started = time.monotonic()
            report.append(f"{image}: {ensure_image(image, log_dir)} ({time.monotonic() - started:.0f} s)")
        started = time.monotonic()
        engine.compose("build", timeout=900)
        report.append(f"{APP_IMAGE}: built in {time.monotonic() - started:.0f} s, {image_size_mb(APP_IMAGE):.0f} MB")

        engine.started_at = time.time()
        try:
            engine.compose("up", "-d", timeout=600)
            wait_until(  # the worker's first healthcheck runs 10 s after it starts, beside the others
                lambda: engine.health("api") == engine.health("worker") == "healthy",
                timeout=120,
                what="the api and the worker to be healthy",
                interval=0.5,
            )
            report.append(f"stack up and healthy in {time.time() - engine.started_at:.0f} s")
            print("\n" + "\n".join(f"  compose-test: {line}" for line in report))
            yield engine
        finally:
            (log_dir / "compose.log").write_text(engine.compose("logs", "--no-color", check=False).stdout)
            engine.compose("down", "-v", "--remove-orphans", check=False)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_services_become_healthy_in_the_order_the_file_declares(stack):
    at = stack.first_events()
    healthy = {
        service: at.get((service, "health_status: healthy"))
        for service in ("db", "redis", "agent", "thinker", "api", "worker")
    }
    assert all(healthy.values()), f"never healthy: {[s for s, t in healthy.items() if not t]}"
    assert healthy["db"] < at[("migrate", "start")], "migrate started before the database was healthy"
    assert at[("migrate", "die")] < at[("thinker", "start")] < healthy["thinker"] < at[("api", "start")]
    assert healthy["redis"] < at[("thinker", "start")]
    assert at[("migrate", "die")] < at[("worker", "start")] and healthy["redis"] < at[("worker", "start")]
    migrate = stack.inspect("migrate")["State"]
    assert (migrate["Status"], migrate["ExitCode"]) == ("exited", 0)


def test_the_db_healthcheck_waits_out_the_first_boots_socket_only_server(stack, tmp_path):
    """The official image's first boot runs a temporary server on the Unix socket only; a check that
    passes then lets `migrate` connect over TCP too early. Held open here by an init script."""
    db = yaml.safe_load(stack.compose_file.read_text())["services"]["db"]
    check = db["healthcheck"]["test"][1:]  # after "CMD"
    hold = tmp_path / "initdb"
    hold.mkdir(mode=0o755)
    (hold / "hold.sh").write_text("until [ -e /tmp/go ]; do sleep 0.05; done\n")
    (hold / "hold.sh").chmod(0o644)
    port = str(free_port())
    container = docker(
        "run", "-d", "--rm", "--network", "host", "-v", f"{hold}:/docker-entrypoint-initdb.d:ro",
        *(arg for key, value in {**db["environment"], "PGPORT": port}.items() for arg in ("-e", f"{key}={value}")),
        db["image"],
    ).stdout.strip()  # fmt: skip
    try:
        socket_only = ["pg_isready", "-q", "-U", "thinker", "-d", "thinker"]
        wait_until(lambda: docker("exec", container, *socket_only, check=False).returncode == 0,
                   timeout=60, what="the first boot's temporary server", interval=0.1)  # fmt: skip
        assert not _listening(int(port)), "the temporary server must not listen on TCP"
        assert docker("exec", container, *check, check=False).returncode != 0, f"{check} passed before TCP was open"
        docker("exec", container, "touch", "/tmp/go")
        wait_until(lambda: docker("exec", container, *check, check=False).returncode == 0,
                   timeout=60, what="the real server", interval=0.2)  # fmt: skip
        assert _listening(int(port))
    finally:
        docker("rm", "-f", "-v", container, check=False)  # and its anonymous data volume


@pytest.mark.parametrize(("service", "port"), [("api", 5000), ("thinker", 5001), ("agent", 8126), ("agent", 8080)])
def test_every_server_listens_on_all_interfaces_as_compose_networks_need(stack, service, port):
    """With host networking anything reaches 127.0.0.1; on Compose's own network the other containers
    come from another address, so a server bound to loopback (the test agent's default) is out of reach."""
    listening = set()
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # LISTEN
                listening.add(address)
    assert listening, f"nothing listens on {port}"
    assert listening <= {"00000000", "0" * 32}, f"{service} listens on {listening}, not on every interface"


@pytest.mark.parametrize(
    ("subjects", "expected"),
    [
        (["war"], [(3, "Agatha Christie", "war")]),
        (["mankind"], [(6, "Oscar Wilde", "mankind")]),
        (["music"], [(5, "J. K. Rowling", "music")]),
        (["art"], [(None, "The Machine", "art")]),
        (["war", "music"], [(3, "Agatha Christie", "war"), (5, "J. K. Rowling", "music")]),
    ],
)
def test_the_seeds_curls_answer_as_the_readme_says(stack, subjects, expected):
    response = requests.get(f"{API}/think/", params={"subject": subjects}, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    items = body if isinstance(body, list) else [body]
    assert [(item["id"], item["author"], item["subject"]) for item in items] == expected


def test_a_blank_subject_is_a_json_400_and_the_thinker_answers_on_5001(stack):
    response = requests.get(f"{API}/think/", params={"subject": ""}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    direct = requests.get(f"{THINKER}/", params={"subject": "war"}, timeout=10)
    assert direct.status_code == 200 and direct.json()["author"] == "Agatha Christie"


def test_a_miss_and_a_hit_are_each_one_trace_across_both_services_in_the_agent_container(stack):
    redis.Redis(port=26379).flushdb()
    agent = TraceStore(AGENT)
    miss = requests.get(f"{API}/think/", params={"subject": "music"}, timeout=10)
    hit = requests.get(f"{API}/think/", params={"subject": "music"}, timeout=10)
    assert (miss.headers["X-Think-Memo"], hit.headers["X-Think-Memo"]) == ("miss", "hit")

    for response in (miss, hit):
        spans = agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
        assert {span["service"] for span in spans} >= SERVICES, dump(spans)
        assert len({span["trace_id"] for span in spans}) == 1
        (hop,) = by_name(spans, "requests.request")
        assert thinker_requests(spans)[0]["parent_id"] == hop["span_id"], dump(spans)
        (think_span,) = by_name(spans, "think")
        assert think_span["meta"]["subject"] == "music"
        assert by_name(spans, "redis.command"), dump(spans)
        assert {span["meta"].get("env") for span in spans} == {"docker"}
    miss_spans = agent.spans(miss.headers["X-Trace-Id"])
    assert any("thinker_app_thought" in span["resource"] for span in by_name(miss_spans, "postgres.query")), dump(
        miss_spans
    )
    assert database_spans(agent.spans(hit.headers["X-Trace-Id"])) == []


def test_an_admin_edit_is_one_trace_through_the_worker_container_which_warms_the_memo(stack):
    """Step 6, the compose default: the admin's edit, the API's enqueue, the worker's task and its think."""
    admin = admin_session(API, EXAMPLE_ENV["DJANGO_SUPERUSER_USERNAME"], EXAMPLE_ENV["DJANGO_SUPERUSER_PASSWORD"])
    war = requests.get(f"{API}/think/", params={"subject": "war"}, timeout=10).json()
    edited = "War, as the worker container thought it."
    data = {"quote": edited, "author": war["author"], "subject": "war"}
    response = admin_post(admin, API, f"/admin/thinker_app/thought/{war['id']}/change/", data)
    assert response.status_code == 302

    memo = redis.Redis(port=26379)
    wait_until(lambda: memoized_quote(memo, "war") == edited, timeout=30, what="a warm memo")
    answer = requests.get(f"{API}/think/", params={"subject": "war"}, timeout=10)
    assert (answer.json()["quote"], answer.headers["X-Think-Memo"]) == (edited, "hit")
    spans = TraceStore(AGENT).wait_for_trace(response.headers["X-Trace-Id"], lambda spans: by_name(spans, "think"))
    (enqueue,), (task,), (think_span,) = (
        queue_spans(spans, "producer"),
        queue_spans(spans, "consumer"),
        by_name(spans, "think"),
    )
    assert task["parent_id"] == enqueue["span_id"] and think_span["parent_id"] == task["span_id"], dump(spans)
    assert task["service"] == WORKER and by_name(spans, "postgres.query"), dump(spans)
    assert {span["meta"].get("env") for span in spans} == {"docker"}


def test_the_admin_login_page_and_its_css_load(stack):
    page = requests.get(f"{API}/admin/login/", timeout=10)
    assert page.status_code == 200
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert any(href.endswith("base.css") for href in stylesheets), stylesheets
    for href in stylesheets:
        css = requests.get(f"{API}{href}", timeout=10)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css"), href


def test_the_superuser_the_migrate_service_made_from_the_environment_can_log_in(stack):
    session = requests.Session()
    session.get(f"{API}/admin/login/", timeout=10)
    response = session.post(
        f"{API}/admin/login/?next=/admin/",
        data={
            "username": EXAMPLE_ENV["DJANGO_SUPERUSER_USERNAME"],
            "password": EXAMPLE_ENV["DJANGO_SUPERUSER_PASSWORD"],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        timeout=10,
    )  # fmt: skip
    assert response.status_code == 200 and response.url == f"{API}/admin/", response.url
    assert "Site administration" in response.text


@pytest.mark.parametrize("service", ["thinker", "api", "worker", "migrate"])
def test_the_app_containers_run_as_uid_10001_with_a_read_only_view_of_the_code(stack, service):
    container = stack.inspect(service)
    assert container["Config"]["User"] == "10001"
    if service == "migrate":
        return  # exited: its user is the image's, as above
    status = docker("exec", container["Id"], "cat", "/proc/1/status").stdout
    assert re.search(r"^Uid:\s+10001\s+10001\s+10001\s+10001$", status, re.M), status
    for path in ("/app/manage.py", "/app/thinkproject/new.py", "/app/staticfiles/new.css"):
        write = docker("exec", container["Id"], "touch", path, check=False)
        assert write.returncode != 0 and "Permission denied" in write.stderr, (path, write.stderr)


def test_restarting_the_thinker_gives_502s_that_recover_without_touching_the_api(stack: EngineStack) -> None:
    api_before = stack.inspect("api")["State"]
    statuses: list[int] = []
    done = threading.Event()

    def poll() -> None:
        # Until the restart is over and an answer has come back: bounded by the restart's own timeout.
        while not (done.is_set() and statuses and statuses[-1] == 200):
            statuses.append(requests.get(f"{API}/think/", params={"subject": "war"}, timeout=10).status_code)
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    since = time.time()
    poller.start()
    try:
        stack.compose("restart", "thinker", timeout=120)
        wait_until(
            lambda: stack.health("thinker") == "healthy",
            timeout=120,
            what="the thinker to be healthy again",
            interval=0.5,
        )
    finally:
        done.set()
        poller.join(timeout=30)
    assert not poller.is_alive(), f"the API never answered 200 again: {statuses[-10:]}"
    assert 502 in statuses, f"no 502 while the thinker restarted: {sorted(set(statuses))}"
    assert set(statuses) == {200, 502}, sorted(set(statuses))
    assert statuses[-1] == 200
    api_after = stack.inspect("api")["State"]
    assert (api_after["StartedAt"], api_after["Pid"]) == (api_before["StartedAt"], api_before["Pid"]), (
        "the API was restarted"
    )
    api_logs = docker("logs", "--since", f"{since:.3f}", stack.container("api"))
    logs = api_logs.stdout + api_logs.stderr
    assert "Thinker at http://thinker:5001/ unreachable" in logs, logs[-2000:]


@pytest.mark.parametrize("name", ["thinker", "api", "test-agent"])
def test_the_images_run_as_the_kubernetes_manifests_run_them(stack, name):
    """deploy/kubernetes's pod: a read-only root with its emptyDirs writable, the pod's user and group,
    no capabilities, no new privileges. Beside the compose stack, on its database, Redis and agent."""
    spec = pod_spec(name)
    (container,) = spec["containers"]
    port = free_port()
    flags = pod_flags(spec, container)
    if name == "test-agent":
        # Its own ports: the compose stack's agent holds 8126, 8080 and the OTLP ones on this network.
        image, command, ready = container["image"], list(container["command"]), "/test/traces"
        command[command.index("--port") + 1] = str(port)
        command[command.index("--web-ui-port") + 1] = str(free_port())
        command += ["--otlp-http-port", str(free_port()), "--otlp-grpc-port", str(free_port())]
    else:
        image, command, ready = APP_IMAGE, [], "/readyz"
        flags += ["--add-host", "thinker:127.0.0.1", *pod_env_flags(name, container, PORT=str(port))]
    started = docker("run", "-d", "--network", "host", *flags, image, *command).stdout.strip()
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}{ready}", started), timeout=60, what=f"{name} to be ready")
        if name != "test-agent":
            path = "/think/" if name == "api" else "/"
            answer = requests.get(f"http://127.0.0.1:{port}{path}", params={"subject": "war"}, timeout=10)
            assert answer.status_code == 200 and answer.json()["author"] == "Agatha Christie", answer.text
        logs = docker("logs", started)
        assert "Read-only file system" not in logs.stdout + logs.stderr
    finally:
        docker("rm", "-f", "-v", started, check=False)


def test_the_worker_image_runs_as_its_kubernetes_pod_and_answers_its_own_probe(stack):
    """deploy/kubernetes's worker pod, as above, on a broker database of its own: its probe, run in the container
    as the kubelet runs it, pings this worker over the broker."""
    spec = pod_spec("worker")
    (container,) = spec["containers"]
    flags = [
        *pod_flags(spec, container),
        *pod_env_flags("worker", container, CELERY_BROKER_URL="redis://127.0.0.1:26379/5"),
    ]
    started = docker("run", "-d", "--network", "host", *flags, APP_IMAGE, *container["command"]).stdout.strip()
    try:
        wait_until(lambda: " ready." in logged(started), timeout=90, what="the worker to be ready")
        for probe in ("startupProbe", "livenessProbe"):
            ping = docker("exec", started, *container[probe]["exec"]["command"], check=False)
            assert ping.returncode == 0, ping.stdout + ping.stderr
        assert "Read-only file system" not in logged(started)
    finally:
        docker("rm", "-f", "-v", started, check=False)


def logged(container: str) -> str:
    logs = docker("logs", container)
    return logs.stdout + logs.stderr


def pod_flags(spec: dict[str, Any], container: dict[str, Any]) -> list[str]:
    """docker run's flags for a pod's security: a read-only root with its emptyDirs writable, the pod's user and
    group, no capabilities, no new privileges."""
    return ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", f"{spec['securityContext']['runAsUser']}:{spec['securityContext']['runAsGroup']}",
            *(arg for mount in container.get("volumeMounts", []) for arg in ("--tmpfs", mount["mountPath"]))]  # fmt: skip


def pod_env_flags(name: str, container: dict[str, Any], **extra: str) -> list[str]:
    """docker run's -e flags for an app pod's environment, on the compose stack's database, Redis and agent."""
    env = {
        **read_env_file(BASE / "config.env"),
        "SERVICE": env_value(container, "SERVICE"),
        "DJANGO_SECRET_KEY": EXAMPLE_ENV["DJANGO_SECRET_KEY"], "REDIS_URL": "redis://127.0.0.1:26379/0",
        "DATABASE_URL": f"postgres://thinker:{EXAMPLE_ENV['POSTGRES_PASSWORD']}@127.0.0.1:25432/thinker",
        "DD_AGENT_HOST": "127.0.0.1",  # the node's agent: here, the compose stack's
        **{f"DD_{tag.upper()}": spec_labels(name)[f"tags.datadoghq.com/{tag}"] for tag in ("env", "service", "version")},
        **extra,
    }  # fmt: skip
    return [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]


def _answers(url: str, container: str) -> bool:
    state = json.loads(docker("inspect", container).stdout)[0]["State"]
    assert state["Running"], docker("logs", container).stderr[-3000:]
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def spec_labels(name: str) -> dict[str, str]:
    return workload(name)["spec"]["template"]["metadata"]["labels"]


def test_the_image_holds_only_what_runs(stack):
    listing = docker("run", "--rm", "--network", "none", "--entrypoint", "ls", APP_IMAGE, "-A", "/app").stdout
    assert set(listing.split()) == IMAGE_FILES


def test_a_change_to_a_py_file_rebuilds_without_reinstalling_the_requirements(stack, tmp_path):
    """The requirements layer comes from the cache; the code layer is new. Reports the image's size."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, text=True, check=True).stdout.split("\0")  # fmt: skip
    context = tmp_path / "context"
    for name in filter(None, files):
        if (REPO / name).is_file():
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, context / name)
    with open(context / "thinkproject" / "__init__.py", "a") as module:
        module.write("# changed by the layer-cache test\n")
    probe = "thinker:layer-cache-probe"
    # The legacy builder, as docker-compose 1.29 built APP_IMAGE: its history names each step's layer.
    build = docker("build", "--network", "host", "-t", probe, str(context), timeout=600,
                   env={**compose_env(), "DOCKER_BUILDKIT": "0"})  # fmt: skip
    try:

        def layers(image: str) -> dict[str, str]:
            rows = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}\t{{.ID}}", image).stdout.splitlines()
            return {created_by: image_id for created_by, _, image_id in (row.rpartition("\t") for row in rows)}

        before, after = layers(APP_IMAGE), layers(probe)
        (pip,) = [step for step in before if "pip install" in step]
        (copy,) = [step for step in before if "COPY dir:" in step or "COPY . ." in step]
        assert after[pip] == before[pip], f"the requirements were reinstalled:\n{build.stdout[-2000:]}"
        assert copy not in after or after[copy] != before[copy], "the changed code did not make a new layer"
        assert "Using cache" in build.stdout.split("pip install", 1)[1].split("Step", 1)[0], build.stdout[-2000:]
    finally:
        docker("rmi", probe, check=False)
    print(f"\n  compose-test: {APP_IMAGE} is {image_size_mb(APP_IMAGE):.0f} MB "
          f"({image_size_mb(APP_IMAGE) - image_size_mb('python:3.11-slim-bookworm'):.0f} MB over its base)")  # fmt: skip


def test_repeated_wrong_passwords_lock_that_user_out_at_that_address(stack):
    # A username of its own: the superuser's login above must stay open for the tests after this one.
    session = requests.Session()
    session.get(f"{API}/admin/login/", timeout=10)
    statuses = [
        session.post(
            f"{API}/admin/login/",
            data={
                "username": "intruder",
                "password": f"guess-{n}",
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            timeout=10,
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]  # the form again four times, then django-axes' lockout


def test_down_v_leaves_no_container_network_or_volume_behind(stack):
    """Last: it takes the stack down."""
    stack.compose("down", "-v", timeout=180)
    labelled = f"label=com.docker.compose.project={PROJECT}"
    assert docker("ps", "-a", "-q", "--filter", labelled).stdout.split() == []
    assert docker("network", "ls", "-q", "--filter", labelled).stdout.split() == []
    assert docker("volume", "ls", "-q", "--filter", labelled).stdout.split() == []
    assert engine_objects() == stack.before
