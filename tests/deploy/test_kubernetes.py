"""deploy/kubernetes, checked without a cluster: against the Kubernetes API's schemas, and against the code
(the variables it reads, its URLs, gunicorn's port, the Dockerfile's user, compose's test agent)."""

import re
import runpy
import subprocess

import kubernetes_validate
import pytest
import yaml
from django.urls import Resolver404, resolve

from harness.processes import read_env_file
from tests.compose import REPO, compose_config
from tests.deploy.manifests import (
    BASE,
    KUBERNETES,
    OVERLAY,
    documents,
    env_names,
    env_value,
    kustomization,
    manifests,
    objects,
    pod_spec,
    workload,
)
from tests.test_docs import CONFIGURED, environment_variables_read

KUBERNETES_VERSION = "1.37.0"  # the newest release kubernetes-validate ships the schemas of
APPS = ("api", "thinker")  # each its SERVICE
WORKLOADS = (*APPS, "worker")  # the apps and step 6's Celery worker, from the same image
# Read by others than our code: Django's createsuperuser, ddtrace (its agent address and unified tagging),
# the OpenTelemetry SDK (its exporter's address).
READ_ELSEWHERE = {"DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD",
                  "DJANGO_SUPERUSER_EMAIL", "DD_AGENT_HOST", "DD_TRACE_AGENT_URL", "DD_ENV", "DD_SERVICE", "DD_VERSION",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}  # fmt: skip


@pytest.mark.parametrize("path", manifests(), ids=lambda path: str(path.relative_to(KUBERNETES)))
def test_every_manifest_is_valid_for_a_current_kubernetes_release(path):
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validation_is_strict_enough_to_catch_a_typo():
    deployment = workload("api")
    typo = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("folder", [BASE, OVERLAY], ids=["base", "test-agent"])
def test_the_kustomization_lists_every_manifest_and_every_file_it_needs_exists(folder):
    listed = kustomization(folder)
    on_disk = {path.name for path in folder.glob("*.yaml")} - {"kustomization.yaml"}
    assert {name for name in listed["resources"] if name != "../base"} == on_disk
    for generator in listed.get("configMapGenerator", []) + listed.get("secretGenerator", []):
        for name in generator.get("envs", []):
            assert (folder / name).exists() or (folder / f"{name}.example").exists(), name


def test_both_ways_to_apply_build_on_the_base_and_none_on_a_folder_that_holds_it():
    """kustomize refuses a kustomization that builds on a folder containing it (a cycle, found by
    kustomize 4.5 on the first layout, where the overlay sat inside the folder it built on)."""
    assert kustomization(KUBERNETES)["resources"] == ["base"]
    assert kustomization(OVERLAY)["resources"][0] == "../base"
    for folder in (KUBERNETES, BASE, OVERLAY):
        for resource in kustomization(folder)["resources"]:
            target = (folder / resource).resolve()
            assert not (target.is_dir() and folder.resolve().is_relative_to(target)), (folder, resource)


def test_the_secrets_stay_out_of_the_repo():
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/kubernetes/base/secrets.env"], cwd=REPO)
    assert ignored.returncode == 0, "secrets.env must be git-ignored"
    example = read_env_file(BASE / "secrets.env.example")
    assert example["DJANGO_SECRET_KEY"] == example["POSTGRES_PASSWORD"] == ""
    assert not any(doc["kind"] == "Secret" for doc in objects()), "secrets come from secretGenerator, not a manifest"
    values = yaml.safe_load((KUBERNETES / "datadog-values.yaml").read_text())
    assert "apiKey" not in values["datadog"] and values["datadog"]["apiKeyExistingSecret"]


def test_make_writes_a_secrets_file_whose_database_url_has_the_postgres_password(tmp_path):
    (tmp_path / "deploy" / "kubernetes" / "base").mkdir(parents=True)
    (tmp_path / "deploy" / "kubernetes" / "base" / "secrets.env.example").write_text(
        (BASE / "secrets.env.example").read_text()
    )
    made = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), "deploy/kubernetes/base/secrets.env"],
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    secrets = read_env_file(tmp_path / "deploy" / "kubernetes" / "base" / "secrets.env")
    assert len(secrets["DJANGO_SECRET_KEY"]) >= 50 and len(secrets["POSTGRES_PASSWORD"]) >= 24
    assert secrets["DATABASE_URL"] == f"postgres://thinker:{secrets['POSTGRES_PASSWORD']}@postgres:5432/thinker"


def test_every_variable_the_manifests_set_is_one_the_services_read():
    read = set().union(*map(environment_variables_read, CONFIGURED)) | READ_ELSEWHERE
    tracing = set(read_env_file(REPO / "tracing.env"))
    for name in (*APPS, "migrate"):
        for container in pod_spec(name)["containers"] + pod_spec(name).get("initContainers", []):
            assert sorted(env_names(container) - read - tracing) == [], f"{name}/{container['name']}"
    assert set(read_env_file(BASE / "secrets.env.example")) - read == {"POSTGRES_PASSWORD"}  # the database's own


def test_the_config_carries_tracing_envs_policy_and_the_node_gives_the_agent():
    config, tracing = read_env_file(BASE / "config.env"), read_env_file(REPO / "tracing.env")
    # The agent's addresses and the tags come from each pod (its node, its labels), not from the config.
    from_the_pod = {"DD_TRACE_AGENT_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "DD_ENV", "DD_VERSION"}
    assert {key: tracing[key] for key in tracing.keys() - from_the_pod} == {
        key: config[key] for key in tracing.keys() - from_the_pod
    }
    assert "DD_TRACE_AGENT_URL" not in config and "DD_TRACE_AGENT_URL" in str(kustomization(OVERLAY))
    assert "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://test-agent:4318/v1/traces" in str(kustomization(OVERLAY))
    for name in WORKLOADS:
        container = pod_spec(name)["containers"][0]
        assert env_value(container, "DD_AGENT_HOST") == {"fieldRef": {"fieldPath": "status.hostIP"}}
        assert env_value(container, "OTEL_EXPORTER_OTLP_ENDPOINT") == "http://$(DD_AGENT_HOST):4318"
    assert config["STEP"] == "6"


@pytest.mark.parametrize("name", WORKLOADS)
def test_unified_service_tagging_comes_from_the_pods_labels(name):
    labels = workload(name)["spec"]["template"]["metadata"]["labels"]
    container = pod_spec(name)["containers"][0]
    services = compose_config()["services"]
    assert labels["tags.datadoghq.com/service"] == services[name]["environment"]["DD_SERVICE"]
    assert workload(name)["metadata"]["labels"]["tags.datadoghq.com/service"] == labels["tags.datadoghq.com/service"]
    for tag in ("env", "service", "version"):
        assert f"tags.datadoghq.com/{tag}" in labels
        assert env_value(container, f"DD_{tag.upper()}") == {
            "fieldRef": {"fieldPath": f"metadata.labels['tags.datadoghq.com/{tag}']"}
        }


@pytest.mark.parametrize("name", APPS)
def test_the_probes_are_paths_the_service_serves(name):
    container = pod_spec(name)["containers"][0]
    assert env_value(container, "SERVICE") == name
    urlconf = f"thinkproject.urls.{name}"
    probes = {kind: container[f"{kind}Probe"]["httpGet"] for kind in ("startup", "liveness", "readiness")}
    assert {kind: probe["path"] for kind, probe in probes.items()} == {
        "startup": "/healthz",
        "liveness": "/healthz",
        "readiness": "/readyz",
    }
    for probe in probes.values():
        assert resolve(probe["path"], urlconf=urlconf)
        # The kubelet would send the pod's IP as Host, which ALLOWED_HOSTS refuses.
        assert {"name": "Host", "value": "localhost"} in probe["httpHeaders"]
    with pytest.raises(Resolver404):
        resolve("/no-such-probe", urlconf=urlconf)


@pytest.mark.parametrize("name", APPS)
def test_the_container_port_is_the_port_gunicorn_binds(name, monkeypatch):
    container = pod_spec(name)["containers"][0]
    port = env_value(container, "PORT")
    monkeypatch.setenv("PORT", port)
    monkeypatch.setenv("SERVICE", name)
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["bind"].endswith(f":{port}")
    assert container["ports"] == [{"name": "http", "containerPort": int(port)}]
    (service,) = [s for s in objects("Service") if s["metadata"]["name"] == name]
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    if name == "thinker":
        thinker_url = read_env_file(BASE / "config.env")["THINKER_URL"]
        assert thinker_url == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"


@pytest.mark.parametrize("name", APPS)
def test_a_stopping_pod_leaves_its_service_before_gunicorn_stops_and_has_time_to_finish(name, monkeypatch):
    """The preStop pause covers kube-proxy's lag; gunicorn then refuses new connections and finishes those
    it holds (tests/e2e/test_scale_out.py) within its graceful_timeout, all before the kubelet's SIGKILL."""
    monkeypatch.setenv("SERVICE", name)
    monkeypatch.delenv("GUNICORN_WORKER_CLASS", raising=False)
    gunicorn = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    spec = pod_spec(name)
    pause = spec["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pause >= 5
    assert spec["terminationGracePeriodSeconds"] > pause + gunicorn["graceful_timeout"]
    assert gunicorn["worker_class"] == "core.gunicorn_workers.ThreadWorker"


def test_the_pods_run_as_the_dockerfiles_user_and_group():
    dockerfile = (REPO / "Dockerfile").read_text()
    (user,) = re.findall(r"^USER (\d+)$", dockerfile, re.M)
    (group,) = re.findall(r"groupadd --gid (\d+)", dockerfile)
    for name in (*WORKLOADS, "migrate"):
        security = pod_spec(name)["securityContext"]
        assert (security["runAsUser"], security["runAsGroup"], security["runAsNonRoot"]) == (
            int(user),
            int(group),
            True,
        )


@pytest.mark.parametrize("name", [*WORKLOADS, "migrate", "postgres", "redis", "test-agent"])
def test_every_container_is_locked_down_and_writes_only_to_named_volumes(name):
    spec = pod_spec(name)
    assert spec["securityContext"]["runAsNonRoot"] is True
    volumes = {volume["name"] for volume in spec.get("volumes", [])}
    claims = {claim["metadata"]["name"] for claim in workload(name)["spec"].get("volumeClaimTemplates", [])}
    for container in spec["containers"] + spec.get("initContainers", []):
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
        }  # fmt: skip
        assert {"requests", "limits"} <= set(container["resources"]), container["name"]
        assert {mount["name"] for mount in container.get("volumeMounts", [])} <= volumes | claims


def test_the_thinker_is_reachable_only_from_the_api_inside_the_cluster():
    thinker_services = [s for s in objects("Service") if s["spec"]["selector"] == {"app.kubernetes.io/name": "thinker"}]
    assert thinker_services and all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in thinker_services)
    assert not any("externalIPs" in s["spec"] or "nodePort" in str(s) for s in thinker_services)
    (policy,) = [
        p
        for p in objects("NetworkPolicy")
        if p["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "thinker"}
    ]
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["ingress"] == [
        {"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api"}}}], "ports": [{"port": 5001}]}
    ]
    api_labels = workload("api")["spec"]["template"]["metadata"]["labels"]
    assert api_labels["app.kubernetes.io/name"] == "api"


def test_both_apps_and_the_worker_run_two_replicas_with_a_disruption_budget_and_the_api_autoscales():
    budgets = {b["metadata"]["name"]: b["spec"] for b in objects("PodDisruptionBudget")}
    for name in WORKLOADS:
        assert workload(name)["spec"]["replicas"] == 2
        assert budgets[name] == {"minAvailable": 1, "selector": workload(name)["spec"]["selector"]}
    (autoscaler,) = objects("HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}
    assert autoscaler["spec"]["minReplicas"] == 2


def test_the_apps_wait_for_the_migrate_job_which_runs_what_compose_runs():
    job = pod_spec("migrate")["containers"][0]
    assert job["command"] == compose_config()["services"]["migrate"]["command"]
    for name in WORKLOADS:
        (init,) = pod_spec(name)["initContainers"]
        assert "migrate --check" in init["command"][-1]


def test_the_worker_runs_what_compose_runs_and_its_probes_ping_its_own_node():
    (container,) = pod_spec("worker")["containers"]
    assert container["command"] == compose_config()["services"]["worker"]["command"]
    assert env_value(container, "SERVICE") == "worker"
    for probe in ("startupProbe", "livenessProbe"):
        ping = container[probe]["exec"]["command"][-1]
        assert "inspect ping --destination celery@$HOSTNAME" in ping, ping
        assert container[probe]["timeoutSeconds"] > 5  # the ping's own timeout
    assert "ports" not in container and not [s for s in objects("Service") if s["metadata"]["name"] == "worker"]


def test_the_test_agent_is_the_release_compose_runs():
    container = pod_spec("test-agent")["containers"][0]
    agent = compose_config()["services"]["agent"]
    assert container["image"] == agent["image"]
    assert container["command"] == agent["command"]


def test_the_datadog_helm_values_turn_apm_on_at_the_port_the_pods_send_to():
    values = yaml.safe_load((KUBERNETES / "datadog-values.yaml").read_text())
    assert values["datadog"]["apm"]["portEnabled"] is True
    assert values["datadog"]["logs"]["enabled"] is True
