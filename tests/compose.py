"""docker-compose.yml as a real Compose implementation reads it (Debian's docker-compose: no engine needed)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]

# What .env would hold; the values only need to exist for interpolation.
EXAMPLE_ENV = {
    "DJANGO_SECRET_KEY": "compose-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "POSTGRES_PASSWORD": "compose-test-password",
    "DJANGO_SUPERUSER_USERNAME": "admin",
    "DJANGO_SUPERUSER_PASSWORD": "compose-test-admin-password",
    "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
}


def compose_executable() -> str:
    executable = shutil.which("docker-compose")
    assert executable, "the compose tests need Debian's docker-compose (apt-get install docker-compose; .ci/run does)"
    return executable


def compose_env() -> dict[str, str]:
    """Only PATH and HOME (and DOCKER_HOST): compose prefers the shell's variables to the env file's."""
    return {key: os.environ[key] for key in ("PATH", "HOME", "DOCKER_HOST") if key in os.environ}


def compose(
    *args: str, env: dict[str, str] | None = None, files: tuple[Path, ...] = (REPO / "docker-compose.yml",)
) -> subprocess.CompletedProcess:
    """Run `docker-compose ARGS` on the repo's file (or `files`, merged in order) with `env` as its .env file."""
    executable = compose_executable()
    file_args = [arg for path in files for arg in ("-f", str(path))]
    with tempfile.NamedTemporaryFile("w", suffix=".env") as env_file:
        env_file.write("".join(f"{key}={value}\n" for key, value in (env if env is not None else EXAMPLE_ENV).items()))
        env_file.flush()
        return subprocess.run(
            [executable, "--project-directory", str(REPO), "--env-file", env_file.name, *file_args, *args],
            env=compose_env(),
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )


def compose_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """The compose file after validation, interpolation and YAML-anchor merging."""
    result = compose("config", env=env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def service_environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as its container gets it: env_file(s) first, then `environment`."""
    from harness.processes import read_env_file

    env: dict[str, str] = {}
    env_files = service.get("env_file", [])
    for path in [env_files] if isinstance(env_files, str) else env_files:
        env.update(read_env_file(REPO / path))
    env.update({key: "" if value is None else str(value) for key, value in service.get("environment", {}).items()})
    return env
