"""The Python kubernetes client (its generated models and its Watch helper) against kube-sim."""

import json
import threading

import pytest
import yaml

from conftest import CONTEXTS

CRASHED = "timeline-crashed-pod.yaml"
POD = "web-7d4b9c8f5d-x2x9k"

kubernetes = pytest.importorskip("kubernetes")
ApiException = kubernetes.client.exceptions.ApiException


@pytest.mark.parametrize("context", CONTEXTS)
def test_list_pods_deployments_and_namespaces(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    api = sim.python_client()
    pods = kubernetes.client.CoreV1Api(api).list_pod_for_all_namespaces()
    assert [(p.metadata.namespace, p.metadata.name) for p in pods.items] == [("shop", POD)]
    pod = pods.items[0]
    assert pod.status.phase == "Running"
    assert pod.status.container_statuses[0].ready is True
    assert pod.metadata.owner_references[0].kind == "ReplicaSet"
    deployments = kubernetes.client.AppsV1Api(api).list_namespaced_deployment("shop")
    deployment = deployments.items[0]
    assert (deployment.metadata.name, deployment.spec.replicas, deployment.status.available_replicas) == ("web", 1, 1)
    assert deployment.metadata.generation == 1
    assert int(deployments.metadata.resource_version) >= int(deployment.metadata.resource_version)
    namespaces = kubernetes.client.CoreV1Api(api).list_namespace()
    assert {n.metadata.name for n in namespaces.items} >= {"default", "kube-system", "shop"}


def test_paging_with_limit_and_continue(kube_sim, tmp_path):
    scenario = tmp_path / "many.yaml"
    scenario.write_text(
        "objects:\n"
        + "".join(f"- {{kind: ConfigMap, metadata: {{name: cm-{i:02d}, namespace: paged}}, data: {{i: '{i}'}}}}\n" for i in range(12))
    )
    sim = kube_sim(scenario, manual_clock=True)
    core = kubernetes.client.CoreV1Api(sim.python_client())
    names, token, versions = [], None, set()
    while True:
        page = core.list_namespaced_config_map("paged", limit=5, _continue=token)
        names += [item.metadata.name for item in page.items]
        versions.add(page.metadata.resource_version)
        token = page.metadata._continue
        if not token:
            break
    assert names == [f"cm-{i:02d}" for i in range(12)]
    assert len(versions) == 1


@pytest.mark.parametrize("context", CONTEXTS)
def test_watch_receives_the_timeline_change(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    core = kubernetes.client.CoreV1Api(sim.python_client())
    listed = core.list_namespaced_pod("shop")
    watcher = kubernetes.watch.Watch()

    def advance_once_watching():
        if sim.wait_for(lambda: sim.stats()["watchStreamsOpen"] >= 1):
            sim.advance(1)

    helper = threading.Thread(target=advance_once_watching)
    helper.start()
    events = []
    for event in watcher.stream(
        core.list_namespaced_pod, "shop", resource_version=listed.metadata.resource_version, timeout_seconds=60
    ):
        events.append(event)
        if event["type"] == "MODIFIED":
            watcher.stop()
    helper.join(timeout=30)
    assert [event["type"] for event in events] == ["MODIFIED"]
    pod = events[0]["object"]
    assert pod.metadata.name == POD
    assert pod.status.container_statuses[0].state.waiting.reason == "CrashLoopBackOff"
    assert pod.status.container_statuses[0].last_state.terminated.exit_code == 1
    assert int(pod.metadata.resource_version) > int(listed.metadata.resource_version)


@pytest.mark.parametrize("context", CONTEXTS)
def test_resuming_from_an_expired_resource_version_gets_410(kube_sim, context):
    sim = kube_sim(CRASHED, context=context, manual_clock=True)
    core = kubernetes.client.CoreV1Api(sim.python_client())
    old = core.list_namespaced_pod("shop").metadata.resource_version
    sim.advance(1)
    sim.control("POST", "/sim/history/expire")
    watcher = kubernetes.watch.Watch()
    with pytest.raises(ApiException) as raised:
        for _ in watcher.stream(core.list_namespaced_pod, "shop", resource_version=old, timeout_seconds=30):
            pass
    assert raised.value.status == 410
    assert "Expired" in raised.value.reason
    assert f"too old resource version: {old}" in raised.value.reason


def test_watch_with_bookmarks_and_timeout(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True, args=["--bookmark-interval", "0.2"])
    core = kubernetes.client.CoreV1Api(sim.python_client())
    listed = core.list_namespaced_pod("shop")
    events = list(
        kubernetes.watch.Watch().stream(
            core.list_namespaced_pod,
            "shop",
            resource_version=listed.metadata.resource_version,
            allow_watch_bookmarks=True,
            timeout_seconds=1,
        )
    )
    assert events, "no bookmark arrived"
    assert {event["type"] for event in events} == {"BOOKMARK"}
    assert all(event["raw_object"]["metadata"]["resourceVersion"] == listed.metadata.resource_version for event in events)


def test_previous_log_and_unauthorized(kube_sim, tmp_path):
    sim = kube_sim(CRASHED, context="sim-token", manual_clock=True)
    sim.advance(1)
    core = kubernetes.client.CoreV1Api(sim.python_client())
    log = core.read_namespaced_pod_log(POD, "shop", container="app", previous=True)
    assert "connection refused" in log
    config = yaml.safe_load(sim.kubeconfig.read_text())
    for user in config["users"]:
        if "token" in user["user"]:
            user["user"]["token"] = "not-the-token"
    wrong_file = tmp_path / "wrong-token.kubeconfig"
    wrong_file.write_text(yaml.safe_dump(config))
    wrong = kubernetes.config.new_client_from_config(config_file=str(wrong_file), context="sim-token")
    with pytest.raises(ApiException) as raised:
        kubernetes.client.CoreV1Api(wrong).list_namespaced_pod("shop")
    assert raised.value.status == 401
    assert raised.value.reason == "Unauthorized"


def test_events_through_core_and_events_k8s_io(kube_sim):
    sim = kube_sim(CRASHED, manual_clock=True)
    sim.advance(1)
    api = sim.python_client()
    core = kubernetes.client.CoreV1Api(api).list_namespaced_event(
        "shop", field_selector=f"involvedObject.kind=Pod,involvedObject.name={POD}"
    )
    assert [(e.reason, e.type, e.count) for e in core.items] == [("BackOff", "Warning", 1)]
    assert core.items[0].involved_object.field_path == "spec.containers{app}"
    # Read raw: like kube-apiserver, the view serves a legacy event's eventTime as null, which this client's
    # generated model refuses (eventTime is required in events.k8s.io/v1), so its typed list cannot be used.
    raw = kubernetes.client.EventsV1Api(api).list_namespaced_event(
        "shop", field_selector="type=Warning", _preload_content=False
    )
    view = json.loads(raw.data)
    assert view["kind"] == "EventList" and view["apiVersion"] == "events.k8s.io/v1"
    assert len(view["items"]) == 1
    event = view["items"][0]
    assert (event["regarding"]["kind"], event["regarding"]["name"]) == ("Pod", POD)
    assert event["note"].startswith("Back-off restarting failed container app")
    assert event["reportingController"] == "kubelet"
    assert event["deprecatedCount"] == 1
    assert event["eventTime"] is None
    assert "involvedObject" not in event
