#!/usr/bin/env python3
"""Measures kube-sim itself (not a test; pytest does not collect it): how fast it gets ready, settles a
large rolling update and fans a burst of changes out to many selector watches, with its CPU time and peak
memory from GNU time.

    python3 Tests/Fidelity/measure_simulator.py large-release  --kube-sim .build/release/kube-sim
    python3 Tests/Fidelity/measure_simulator.py burst          --kube-sim .build/release/kube-sim

large-release plays examples/scenarios/large-release.yaml (1000 Deployments over 50 namespaces, 10 000
unrelated pods, every Deployment updated at 5 s) while one all-namespaces watch on Deployments follows
every change: "ready" is the READY line, "initial" the moment the watch has seen all 1000 complete at
revision 1, "settled" the moment all are complete at revision 2 (kubectl's rollout-status rule).

burst writes a scenario whose timeline creates 10 000 pods at 10 s (labels group=g0…g199, ten namespaces)
while 200 all-namespaces watches select one group each: it reports when the first and the last of the
10 000 events reached their watch.

Uses only the standard library, HTTPS with the kubeconfig's CA and bearer token.
"""

import argparse
import base64
import http.client
import json
import os
import pathlib
import re
import select
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]


class Sim:
    def __init__(self, binary, scenario, workdir, extra=()):
        self.workdir = workdir
        kubeconfig = workdir / "kubeconfig"
        self.time_output = workdir / "time.txt"
        wrapper = os.environ.get("KUBE_SIM_WRAPPER", "").split()  # such as "perf record -g -o /tmp/perf.data"
        command = ["/usr/bin/time", "-v", "-o", str(self.time_output), *wrapper, binary, "serve", "--scenario",
                   str(scenario), "--kubeconfig-out", str(kubeconfig), *extra]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = ""
        while time.monotonic() - self.started < 600:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                break
            if self.process.poll() is not None:
                break
        if not line.startswith("READY "):
            raise SystemExit(f"kube-sim did not start: {line!r} {self.process.stderr.read()}")
        self.ready = time.monotonic() - self.started
        url = line.split()[1]
        match = re.match(r"https://([^:]+):(\d+)", url)
        self.host, self.port = match.group(1), int(match.group(2))
        text = (workdir / "kubeconfig-token").read_text()
        ca = re.search(r"certificate-authority-data: (\S+)", text).group(1)
        self.token = re.search(r"token: \"?([^\"\s]+)", text).group(1)
        ca_file = workdir / "ca.crt"
        ca_file.write_bytes(base64.b64decode(ca))
        self.context = ssl.create_default_context(cafile=str(ca_file))

    def connection(self, timeout=600):
        return http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=timeout)

    def get(self, path):
        connection = self.connection()
        connection.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return json.loads(body)

    def watch(self, path, on_event, stop):
        """Streams a watch, calling on_event(event, monotonic time) per line until stop is set."""
        connection = self.connection()
        connection.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"watch {path}: HTTP {response.status} {response.read()!r}")
        buffer = b""
        try:
            while not stop.is_set():
                chunk = response.read1(1 << 20)
                if not chunk:
                    return
                now = time.monotonic()
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        on_event(json.loads(line), now)
        except (OSError, http.client.HTTPException):
            return
        finally:
            connection.close()

    def finish(self):
        stats = self.get("/sim/stats")
        # GNU time does not forward signals: stop kube-sim itself, then time reports and exits.
        pid = self.process.pid
        while True:  # the innermost process is kube-sim (a wrapper such as perf may sit in between)
            children = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if not children:
                break
            pid = int(children[0])
        os.kill(pid, signal.SIGTERM)
        self.process.wait(timeout=120)
        usage = self.time_output.read_text()
        user = float(re.search(r"User time \(seconds\): ([\d.]+)", usage).group(1))
        system = float(re.search(r"System time \(seconds\): ([\d.]+)", usage).group(1))
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", usage).group(1))
        return {"cpuSeconds": round(user + system, 2), "peakRSSMiB": round(peak / 1024, 1), "stats": stats}


def complete(deployment, revision):
    metadata, spec, status = deployment["metadata"], deployment.get("spec", {}), deployment.get("status", {})
    if metadata.get("annotations", {}).get("deployment.kubernetes.io/revision") != revision:
        return False
    if status.get("observedGeneration", 0) < metadata.get("generation", 0):
        return False
    replicas = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    return updated >= replicas and status.get("replicas", 0) <= updated and status.get("availableReplicas", 0) >= updated


def large_release(binary, workdir, extra=(), count=1000):
    sim = Sim(binary, REPOSITORY / "examples/scenarios/large-release.yaml", workdir, extra)
    state, lock, stop = {}, threading.Lock(), threading.Event()
    marks = {}

    def on_event(event, now):
        if event["type"] not in ("ADDED", "MODIFIED"):
            return
        deployment = event["object"]
        key = (deployment["metadata"]["namespace"], deployment["metadata"]["name"])
        with lock:
            state[key] = deployment
            if len(state) < count:
                return
            for revision, name in (("1", "initial"), ("2", "settled")):
                if name not in marks and all(complete(d, revision) for d in state.values()):
                    marks[name] = now - sim.started

    thread = threading.Thread(
        target=sim.watch, args=("/apis/apps/v1/deployments?watch=true&labelSelector=tier%3Dbench", on_event, stop),
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and "settled" not in marks:
        time.sleep(0.2)
    stop.set()
    result = sim.finish()
    return {"readySeconds": round(sim.ready, 2), **{f"{k}Seconds": round(v, 2) for k, v in marks.items()}, **result}


def burst(binary, workdir, extra=(), changes=10000, watches=200, namespaces=10):
    lines = ["name: burst", "description: 10000 pods created at 10s, 200 selector watches", "timeline:"]
    for index in range(changes):
        lines.append(
            f"- {{at: 10s, create: {{kind: Pod, metadata: {{name: p-{index}, namespace: burst-{index % namespaces}, "
            f"labels: {{group: g{index % watches}}}}}, spec: {{nodeName: n1, containers: [{{name: app, image: app:1}}]}}, "
            f"status: {{phase: Running}}}}}}"
        )
    scenario = workdir / "burst.yaml"
    scenario.write_text("\n".join(lines) + "\n")
    sim = Sim(binary, scenario, workdir, extra)
    received, times, lock, stop = [0], [], threading.Lock(), threading.Event()

    def on_event(event, now):
        if event["type"] == "ADDED":
            with lock:
                received[0] += 1
                times.append(now)

    threads = []
    for group in range(watches):
        path = f"/api/v1/pods?watch=true&resourceVersion=1&labelSelector=group%3Dg{group}"
        thread = threading.Thread(target=sim.watch, args=(path, on_event, stop), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and received[0] < changes:
        time.sleep(0.05)
    stop.set()
    result = sim.finish()
    return {
        "readySeconds": round(sim.ready, 2),
        "received": received[0],
        "firstEventSeconds": round(min(times) - sim.started, 3) if times else None,
        "lastEventSeconds": round(max(times) - sim.started, 3) if times else None,
        "spreadSeconds": round(max(times) - min(times), 3) if times else None,
        **result,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measurement", choices=["large-release", "burst"])
    parser.add_argument("--kube-sim", default=str(REPOSITORY / ".build/release/kube-sim"))
    parser.add_argument("--arg", action="append", default=[], help="an extra kube-sim serve argument (repeatable)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = pathlib.Path(directory)
        run = large_release if arguments.measurement == "large-release" else burst
        result = run(arguments.kube_sim, workdir, [a for arg in arguments.arg for a in arg.split()])
    stats = result.pop("stats")
    result["behaviour"] = stats.get("behaviour")
    result["bytesSent"] = stats.get("bytesSent")
    result["resourceVersion"] = stats.get("resourceVersion")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
