"""deploy/k8s: the manifests are valid Kubernetes (strict schema) and say what a class needs.

Nothing here can run a cluster; these checks are what can be known without one: every
resource validates against the Kubernetes schemas (kubernetes-validate, strict: no unknown
fields), and the settings a classroom depends on are present and agree with each other.
"""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"


def resources() -> dict[str, dict]:
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            found[doc["kind"]] = doc
    return found


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_every_manifest_validates_strictly_against_the_kubernetes_schemas(path: Path):
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_broken_manifest():
    """Not vacuous: a misspelt field and a wrong type fail."""
    deployment = resources()["Deployment"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replica"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replicas"] = "ten"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_there_is_a_deployment_a_service_and_an_ingress():
    assert set(resources()) == {"Deployment", "Service", "Ingress"}


def test_pods_are_ready_only_when_streamlit_answers_its_health_check():
    (container,) = resources()["Deployment"]["spec"]["template"]["spec"]["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
        assert container[probe]["httpGet"]["port"] == "http"
    assert {"name": "http", "containerPort": 8501} in container["ports"]
    assert "--server.port=8501" in container["command"]
    assert {"name": "OPENBLAS_NUM_THREADS", "value": "1"} in container["env"]


def test_each_replica_requests_the_one_core_its_process_can_use():
    (container,) = resources()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["requests"]["cpu"] == "1"
    assert container["resources"]["limits"]["memory"]  # a leak restarts the pod, not the node


def test_the_service_and_ingress_reach_the_deployments_pods():
    found = resources()
    labels = found["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert found["Deployment"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert found["Service"]["spec"]["selector"].items() <= labels.items()
    backend = found["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": found["Service"]["metadata"]["name"], "port": {"name": "http"}}


def test_a_browser_stays_on_its_pod_and_its_websocket_stays_open_for_a_lesson():
    notes = resources()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "affinity-mode"] == "persistent"
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600
    assert int(notes[prefix + "proxy-send-timeout"]) >= 3600


def test_the_pod_runs_as_the_dockerfiles_unprivileged_user():
    dockerfile = (K8S.parent / "Dockerfile").read_text()
    spec = resources()["Deployment"]["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert f"--uid {spec['securityContext']['runAsUser']} xent" in dockerfile
