"""A real Docker engine for `make compose-test`: dockerd, the stand-in base images, and their cache.

Nothing here is needed where a registry answers: a present or pullable image is used as it is.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.processes import Process, wait_until

STANDINS = Path(__file__).resolve().parent / "standins"
BASE_IMAGE = "thinker-standin/debian:bookworm"
STANDIN_LABEL = "org.thinker.standin"
TEST_AGENT_REPOSITORY = "ghcr.io/datadog/dd-apm-test-agent/ddapm-test-agent"
# Official image -> the folder under standins/ that builds its stand-in.
STANDIN_FOLDERS = {
    "python:3.11-slim-bookworm": "python",
    "postgres:15-bookworm": "postgres",
    "redis:7-bookworm": "redis",
    TEST_AGENT_REPOSITORY: "test-agent",
}
# The CA certificates the machine added for its TLS proxy: pip inside a build needs them too.
HOST_CA_CERTIFICATES = Path("/usr/local/share/ca-certificates")


def docker(*args: str, timeout: float = 60, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """`docker ARGS`, its output captured as text."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def engine_answers() -> bool:
    return docker("info", "--format", "{{.ServerVersion}}", check=False, timeout=10).returncode == 0


@contextmanager
def docker_engine(log_dir: Path) -> Iterator[bool]:
    """A Docker engine for the duration: the one that answers, or a dockerd started (and stopped) here.

    Yields whether this started it. The engine it starts has no bridge and no iptables rules: every
    container the tests run uses the host's network.
    """
    if engine_answers():
        yield False
        return
    dockerd = shutil.which("dockerd")
    assert dockerd, "no Docker engine answers and dockerd is missing: apt-get install docker.io (.ci/run does)"
    process = Process(
        "dockerd", [dockerd, "--iptables=false", "--bridge=none"], dict(os.environ), log_dir / "dockerd.log"
    )
    process.start()

    def answers() -> bool:
        assert process.running(), f"dockerd exited:\n{process.log()[-3000:]}"
        return engine_answers()

    try:
        wait_until(answers, timeout=60, what="dockerd to answer", interval=0.2)
        yield True
    finally:
        process.stop()


def dockerfile_bases(path: Path) -> list[str]:
    """The images a Dockerfile builds FROM."""
    return [line.split()[1] for line in path.read_text().splitlines() if line.startswith("FROM ")]


def image_labels(image: str) -> dict[str, str] | None:
    """The image's labels ({} for none), or None when the engine does not have it."""
    result = docker("image", "inspect", image, check=False)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout)[0]["Config"].get("Labels") or {}


def standin_folder(image: str) -> Path | None:
    repository = image.rsplit(":", 1)[0] if image.startswith(TEST_AGENT_REPOSITORY) else image
    folder = STANDIN_FOLDERS.get(repository)
    return STANDINS / folder if folder else None


def standin_build_args(image: str) -> dict[str, str]:
    if image.startswith(TEST_AGENT_REPOSITORY + ":"):
        return {"VERSION": image.rsplit(":", 1)[1].removeprefix("v")}
    return {}


def folder_hash(folder: Path, build_args: dict[str, str]) -> str:
    """What a stand-in is built from: its folder's files and its build arguments."""
    digest = hashlib.sha256(json.dumps(build_args, sort_keys=True).encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def ensure_base_image(log_dir: Path, mirror: str = "http://deb.debian.org/debian") -> str:
    """The stand-ins' base, a debootstrapped Debian bookworm imported into the engine: 'cached' or 'built'."""
    if image_labels(BASE_IMAGE) is not None:
        return "cached"
    debootstrap = shutil.which("debootstrap")
    assert debootstrap, "building the stand-in base needs debootstrap (apt-get install debootstrap; .ci/run does)"
    with tempfile.TemporaryDirectory(prefix="thinker-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        with open(log_dir / "debootstrap.log", "w") as log:
            subprocess.run(
                [debootstrap, "--variant=minbase", "--include=ca-certificates", "bookworm", str(rootfs), mirror],
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=600,
            )
        for certificate in HOST_CA_CERTIFICATES.glob("*.crt"):
            shutil.copy(certificate, rootfs / "usr/local/share/ca-certificates" / certificate.name)
        subprocess.run(["chroot", str(rootfs), "update-ca-certificates"], capture_output=True, check=True)
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            subprocess.run(["find", str(rootfs / cache), "-type", "f", "-delete"], check=True)
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        docker(
            "import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change", 'CMD ["bash"]', "-", BASE_IMAGE, stdin=tar.stdout, timeout=300,
        )  # fmt: skip
        assert tar.wait() == 0
    return "built"


def ensure_image(image: str, log_dir: Path) -> str:
    """Make `image` present: 'present' (a real one), 'pulled', or its stand-in 'cached' or 'built'."""
    folder = standin_folder(image)
    labels = image_labels(image)
    build_args = standin_build_args(image)
    wanted = folder_hash(folder, build_args) if folder else None
    if labels is not None and STANDIN_LABEL not in labels:
        return "present"
    if labels is not None and labels[STANDIN_LABEL] == wanted:
        return "cached"
    if labels is None and docker("pull", image, check=False, timeout=300).returncode == 0:
        return "pulled"
    assert folder, f"{image} is neither present nor pullable, and there is no stand-in for it under {STANDINS}"
    (parent,) = dockerfile_bases(folder / "Dockerfile")
    if parent == BASE_IMAGE:
        ensure_base_image(log_dir)
    else:
        ensure_image(parent, log_dir)
    arguments = [arg for key, value in build_args.items() for arg in ("--build-arg", f"{key}={value}")]
    result = docker(
        "build", "--network", "host", "--label", f"{STANDIN_LABEL}={wanted}", *arguments, "-t", image, str(folder),
        timeout=900, check=False,
    )  # fmt: skip
    (log_dir / f"standin-{folder.name}.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (
        f"building the stand-in for {image} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return "built"
