"""deploy/kubernetes as files: its kustomizations, their manifests, the objects in them."""

from pathlib import Path
from typing import Any

import yaml

from harness.processes import read_env_file
from tests.compose import REPO

KUBERNETES = REPO / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"  # what `kubectl apply -k deploy/kubernetes` and the overlay build on
OVERLAY = KUBERNETES / "test-agent"


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(folder: Path) -> dict[str, Any]:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def manifests() -> list[Path]:
    return [
        *(BASE / name for name in kustomization(BASE)["resources"]),
        *(OVERLAY / name for name in kustomization(OVERLAY)["resources"] if name != "../base"),
    ]


def objects(kind: str | None = None) -> list[dict[str, Any]]:
    return [doc for path in manifests() for doc in documents(path) if kind is None or doc["kind"] == kind]


def workload(name: str) -> dict[str, Any]:
    (found,) = [
        doc
        for doc in objects()
        if doc["kind"] in ("Deployment", "StatefulSet", "Job") and doc["metadata"]["name"] == name
    ]
    return found


def pod_spec(name: str) -> dict[str, Any]:
    return workload(name)["spec"]["template"]["spec"]


def env_names(container: dict[str, Any]) -> set[str]:
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        if source.get("configMapRef", {}).get("name") == "thinker-config":
            names |= set(read_env_file(BASE / "config.env"))
    return names


def env_value(container: dict[str, Any], name: str) -> Any:
    (item,) = [item for item in container["env"] if item["name"] == name]
    return item.get("value", item.get("valueFrom"))
