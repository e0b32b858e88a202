"""docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs on CI machines)."""

import json
import re
import runpy
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.compose import EXAMPLE_ENV, REPO, compose, compose_config, service_environment

APP_SERVICES = ("thinker", "api")


@pytest.fixture(scope="module")
def services() -> dict:
    return compose_config()["services"]


def test_the_compose_file_is_valid_for_a_real_compose_implementation():
    result = compose("config", "--quiet")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_secrets():
    result = compose("config", "--quiet", env={})
    assert result.returncode != 0
    assert "in .env" in result.stderr


def test_every_dependency_exists_and_is_waited_on_by_its_health(services):
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on a missing service {dependency}"
            if rule["condition"] == "service_completed_successfully":
                assert services[dependency].get("restart") == "no", f"{dependency} must be a one-shot"
            else:
                assert rule["condition"] == "service_healthy", f"{name} -> {dependency}"
                assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if service.get("restart") != "no":
            assert "healthcheck" in service, name


def test_the_startup_order_is_db_and_redis_then_thinker_then_api(services):
    assert {"db", "redis", "migrate"} <= set(services["thinker"]["depends_on"])
    assert "thinker" in services["api"]["depends_on"]
    assert "db" in services["migrate"]["depends_on"]


def published(service: dict) -> list[tuple[str, int]]:
    """(host address, port) of each port a service publishes: `docker-compose config` (1.29) gives a port bound to
    an address as "127.0.0.1:5001:5001/tcp", others as Compose's long form, which Compose v2 gives for both."""
    ports = []
    for port in service.get("ports", []):
        if isinstance(port, str):
            address, host_port, _ = port.split(":")
            ports.append((address, int(host_port)))
        else:
            ports.append((port.get("host_ip", "0.0.0.0"), int(port["published"])))
    return ports


def test_the_api_and_the_thinker_are_published_on_5000_and_5001(services):
    ports = {name: [port for _, port in published(services[name])] for name in APP_SERVICES}
    assert ports == {"api": [5000], "thinker": [5001]}
    assert service_environment(services["api"])["PORT"] == "5000"
    assert service_environment(services["thinker"])["PORT"] == "5001"


def test_only_the_api_is_published_beyond_this_machine(services):
    # The thinker continues its callers' traces; the agent gives every trace to whoever asks, and takes any.
    ports = {(name, address, port) for name, service in services.items() for address, port in published(service)}
    assert {(name, port) for name, address, port in ports if address != "127.0.0.1"} == {("api", 5000)}
    assert {(name, port) for name, address, port in ports if address == "127.0.0.1"} == {
        ("thinker", 5001), ("agent", 8126), ("agent", 8080),
    }  # fmt: skip


def test_gunicorn_runs_one_thinker_process_and_two_api_ones_under_compose(services, monkeypatch):
    workers = {}
    for name in APP_SERVICES:
        monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
        for key, value in service_environment(services[name]).items():
            monkeypatch.setenv(key, value)
        workers[name] = runpy.run_path(str(REPO / "gunicorn.conf.py"))["workers"]
    assert workers == {"thinker": 1, "api": 2}


@pytest.mark.parametrize("variable", ["THINKER_URL", "REDIS_URL", "DATABASE_URL", "DD_TRACE_AGENT_URL"])
def test_urls_name_services_that_exist(services, variable):
    for name in APP_SERVICES + ("migrate",):
        value = service_environment(services[name]).get(variable)
        if value is not None:
            host = urlsplit(value).hostname
            assert host in services, f"{name}: {variable}={value} names no service"


def test_the_published_port_is_the_port_the_url_uses(services):
    thinker_url = urlsplit(service_environment(services["api"])["THINKER_URL"])
    assert str(thinker_url.port) == service_environment(services["thinker"])["PORT"]


def test_unified_service_tagging_matches_the_labels(services):
    for name in APP_SERVICES:
        env = service_environment(services[name])
        labels = services[name]["labels"]
        assert env["DD_SERVICE"] == labels["com.datadoghq.tags.service"]
        assert env["DD_ENV"] == labels["com.datadoghq.tags.env"]
        assert env["DD_VERSION"] == labels["com.datadoghq.tags.version"]
    assert service_environment(services["api"])["DD_SERVICE"] == "thinker-api"
    assert service_environment(services["thinker"])["DD_SERVICE"] == "thinker-microservice"


def test_secrets_come_from_the_env_file_not_the_repo(services):
    for name in APP_SERVICES:
        env = service_environment(services[name])
        assert env["DJANGO_SECRET_KEY"] == EXAMPLE_ENV["DJANGO_SECRET_KEY"]
        assert EXAMPLE_ENV["POSTGRES_PASSWORD"] in env["DATABASE_URL"]
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO)
    assert ignored.returncode == 0, ".env must be git-ignored"
    example = (REPO / ".env.example").read_text()
    assert re.search(r"^DJANGO_SECRET_KEY=$", example, re.M) and re.search(r"^POSTGRES_PASSWORD=$", example, re.M)


def test_the_real_agent_is_a_profile_with_apm_open_to_the_other_containers(services):
    datadog = services["datadog"]
    assert datadog["profiles"] == ["datadog"], "the real agent must not start without its profile"
    assert datadog["environment"]["DD_APM_ENABLED"] == "true"
    assert datadog["environment"]["DD_APM_NON_LOCAL_TRAFFIC"] == "true"


def test_the_test_agent_forwards_only_when_asked(services):
    assert services["agent"]["environment"]["DD_AGENT_URL"] == ""
    forwarding = compose_config({**EXAMPLE_ENV, "TEST_AGENT_FORWARD_URL": "http://datadog:8126"})
    assert forwarding["services"]["agent"]["environment"]["DD_AGENT_URL"] == "http://datadog:8126"


def test_the_dockerfile_runs_the_command_compose_runs():
    cmd = next(line for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    dockerfile_command = json.loads(cmd.removeprefix("CMD "))
    services = compose_config()["services"]
    for name in APP_SERVICES:
        assert services[name]["command"] == dockerfile_command


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "load/Dockerfile"])
def test_the_dockerfile_passes_hadolint(dockerfile):
    result = subprocess.run([f"{sys.prefix}/bin/hadolint", str(REPO / dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_non_root_user():
    users = [line.split()[1] for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


@pytest.mark.parametrize("https", ["false", "true"])
@pytest.mark.parametrize("service", APP_SERVICES)
def test_check_deploy_has_no_warnings_with_the_compose_environment(service, https):
    env = {**service_environment(compose_config()["services"][service]), "DJANGO_HTTPS": https, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("shell_step", "step"), [(None, "6"), ("2", "2")])
def test_the_seeds_step_reaches_every_service(shell_step, step):
    """`STEP=2 docker-compose up`, as the seed starts each step; without STEP, step 6 (everything on)."""
    env = EXAMPLE_ENV if shell_step is None else {**EXAMPLE_ENV, "STEP": shell_step}
    services = compose_config(env)["services"]
    assert {name: service_environment(services[name])["STEP"] for name in (*APP_SERVICES, "worker")} == {
        "api": step,
        "thinker": step,
        "worker": step,
    }


def test_the_load_profile_runs_make_loads_locust_at_the_api_once_it_is_healthy():
    services = compose_config({**EXAMPLE_ENV, "LOAD_RATE": "5"})["services"]  # docker-compose 1.x lists every profile
    load = services["load"]
    assert load["profiles"] == ["load"] and load["build"]["dockerfile"] == "load/Dockerfile"
    assert load["command"][:3] == ["locust", "--config", "load/locust.conf"]
    host = load["command"][load["command"].index("--host") + 1]
    assert urlsplit(host).hostname in services and urlsplit(host).port == 5000
    assert load["depends_on"] == {"api": {"condition": "service_healthy"}}
    assert service_environment(load)["LOAD_RATE"] == "5"
    froms = [line for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("FROM ")]
    assert len(froms) == 1, "one stage: the legacy builder would build every stage with every app build"


def test_the_test_agent_image_is_the_release_the_tests_pin(services):
    pinned = re.search(r"^ddapm-test-agent==(\S+)$", (REPO / "requirements-agent.txt").read_text(), re.M)
    assert services["agent"]["image"].rsplit(":", 1)[1] == f"v{pinned[1]}"
    assert services["agent"]["command"][1:3] == ["--host", "0.0.0.0"], "it binds 127.0.0.1 unless told"


def test_the_image_holds_every_package_the_services_import():
    """.dockerignore is an allowlist: a package the services import and the list forgets fails only at build time."""
    from tests.test_layout import imported_modules

    allowed = {
        line[1:].strip("/") for line in (REPO / ".dockerignore").read_text().splitlines() if line.startswith("!")
    }
    local = {path.parent.name for path in REPO.glob("*/__init__.py")}
    served = ["thinkproject", "core", "api_app", "thinker_app", "thoughts"]
    imported = {
        module.partition(".")[0]
        for package in served
        for path in (REPO / package).rglob("*.py")
        for module in imported_modules(path)
    }
    assert {"thoughts", "core"} <= imported & local  # the scan sees them
    assert sorted((imported & local) - allowed) == []
