#!/usr/bin/env python3
"""Soak run of rollout-status: repeated rollouts against kube-sim with faults every few seconds.

Usage (a release build, as shipped; its own scratch path so it does not disturb the debug build):
    swift build -c release --scratch-path .build-release-soak --product rollout-status
    swift build -c release --scratch-path .build-release-soak --product kube-sim
    python3 Scripts/soak.py --bin-dir "$(swift build -c release --scratch-path .build-release-soak --show-bin-path)"
        [--minutes 30] [--warmup-minutes 5] [--outage-every-minutes 5] [--seed N] [--out DIR]
        [--sim-request-log]
A two-minute smoke run of the script itself: --minutes 2 --warmup-minutes 0.5 --outage-every-minutes 1.

What it does (not part of CI; issue 7 asks for one 30-minute run before a release):
- starts `kube-sim serve` with three Deployments in namespace `shop` (label tier=soak) and one
  Deployment `soak-observer/slow` that never becomes ready;
- starts one long-lived *observer* gate on `slow` with `--timeout` just past the soak's end: the same
  process lives through every fault for the whole run, its RSS is sampled every 10 s, and at the end
  its verdict must be `timeout` (exit 2): still progressing, which is the truth;
- in rounds, changes the image of the three Deployments (every third round to an image whose pods
  crash-loop) and runs a fresh *pipeline* gate `-n shop -l tier=soak --timeout 600s`, whose verdict
  must be exit 0 (healthy image) or exit 1 with error.code process-crashing (broken image);
- meanwhile injects a fault every 2-5 s through kube-sim's /sim/ endpoints: watch streams closed,
  cut mid-line or stalled, history expired (410 on resume), 429 with Retry-After and 503 bursts on
  list, watch and log; and every 5 minutes the API server goes away for 10 s and comes back on the
  same port.

It passes when every verdict is right and the observer's RSS after warm-up stays within 10 % of its
value at the end of warm-up. It prints a summary and writes `summary.json` (with every round's start,
verdict and length) and every report to --out. To explain a slow or wrong round it also keeps:
`faults.log` (each fault with its time), the round's gate stderr with each line's time since the gate
started (`round-NNN.stderr`), kube-sim's pods and Deployments once a minute while the round lasts
(`round-NNN-cluster.json`), and with --sim-request-log every request kube-sim served (`kube-sim.stderr`,
stalled ones marked). Times in faults.log, kube-sim.stderr and summary.json share one origin.
Exit status: 0 pass, 1 fail, 2 setup problem.
"""
import argparse
import base64
import json
import os
import pathlib
import random
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Every time in the soak's logs (faults.log, kube-sim's request log, rounds in summary.json) counts from here.
ORIGIN = time.monotonic()

SCENARIO = """\
name: soak
description: Three Deployments rolled out again and again; one that never becomes ready.
workloads:
  timeScale: 0.2
  default: healthy after 2s
  deployments:
    - {name: web, namespace: shop, replicas: 3, start: rolled-out, labels: {app: web, tier: soak},
       image: "registry.example.com/shop/web:1", behaviour: healthy after 2s, maxSurge: 1, maxUnavailable: 0}
    - {name: api, namespace: shop, replicas: 2, start: rolled-out, labels: {app: api, tier: soak},
       image: "registry.example.com/shop/api:1", behaviour: healthy after 2s}
    - {name: worker, namespace: shop, replicas: 2, start: rolled-out, labels: {app: worker, tier: soak},
       image: "registry.example.com/shop/worker:1", behaviour: healthy after 2s}
    - {name: slow, namespace: soak-observer, replicas: 1, labels: {app: slow},
       image: "registry.example.com/soak/slow:1", behaviour: slow-start after 100000s,
       progressDeadlineSeconds: 100000}
  rules:
    - image: "*:broken-*"
      behaviour: {name: crash-loop, after: 1s, exitCode: 3, log: "panic: soak round broken on purpose"}
    - image: "*"
      behaviour: healthy after 2s
"""

DEPLOYMENTS = ["web", "api", "worker"]

# A stalled watch (headers, then silence) is only found by the gate's idle limit, 120 s, which must stay
# above kube-apiserver's bookmark interval (about a minute). With a stall among the faults every few
# minutes, one round can lose a watch to two stalls in a row: 180 s (the first soak run) timed out twice
# in 183 rounds for that reason alone. Ten minutes leaves room for four.
ROUND_TIMEOUT_SECONDS = 600


# A broken round ends within seconds; one still running after this long gets the cluster's state recorded.
SNAPSHOT_AFTER_SECONDS = 60


def cluster_snapshot(sim, seconds):
    """What kube-sim shows at this moment: each pod's containers (state, restarts) in namespace shop."""
    try:
        pods = sim.request("GET", "/api/v1/namespaces/shop/pods", token="sim-token")["items"]
    except (OSError, ValueError) as error:
        return {"seconds": round(seconds, 1), "error": str(error)}
    summary = []
    for pod in pods:
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        summary.append({
            "pod": pod["metadata"]["name"], "resourceVersion": pod["metadata"].get("resourceVersion"),
            "image": pod["spec"]["containers"][0].get("image"),
            "containers": [{"name": c.get("name"), "restartCount": c.get("restartCount"),
                            "state": c.get("state")} for c in statuses]})
    try:
        deployments = sim.request("GET", "/apis/apps/v1/namespaces/shop/deployments", token="sim-token")["items"]
    except (OSError, ValueError) as error:
        deployments = [{"error": str(error)}]
    workloads = [{"name": d.get("metadata", {}).get("name"), "generation": d.get("metadata", {}).get("generation"),
                  "status": d.get("status")} for d in deployments]
    return {"seconds": round(seconds, 1), "pods": summary, "deployments": workloads}


def rss_kib(pid):
    """Resident set size of a process in KiB, from /proc."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Simulator:
    """kube-sim serve in its own process, and its API and /sim/ endpoints over HTTPS."""

    def __init__(self, bin_dir, work, request_log=False):
        self.scenario = work / "soak-scenario.yaml"
        self.scenario.write_text(SCENARIO)
        self.kubeconfig = work / "kubeconfig"
        self.process = subprocess.Popen(
            [str(bin_dir / "kube-sim"), "serve", "--scenario", str(self.scenario),
             "--kubeconfig-out", str(self.kubeconfig)] + (["--verbose"] if request_log else []),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def copy_stderr():
            # With --sim-request-log one line per request, stamped with the seconds since ORIGIN like faults.log.
            with open(work / "kube-sim.stderr", "w") as stderr:
                for line in self.process.stderr:
                    stderr.write(f"{time.monotonic() - ORIGIN:8.1f} {line}")
                    stderr.flush()

        threading.Thread(target=copy_stderr, daemon=True).start()
        line = self.process.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"kube-sim did not start: {line!r}")
        self.url = line.split(" ", 1)[1]
        ca = re.search(r"certificate-authority-data: (\S+)", self.kubeconfig.read_text()).group(1)
        self.context = ssl.create_default_context(cadata=base64.b64decode(ca).decode())
        self.token_kubeconfig = pathlib.Path(str(self.kubeconfig) + "-token")

    def request(self, method, path, body=None, content_type="application/json", token=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, context=self.context, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")

    def set_image(self, deployment, image):
        patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}
        self.request("PATCH", f"/apis/apps/v1/namespaces/shop/deployments/{deployment}", patch,
                     content_type="application/strategic-merge-patch+json", token="sim-token")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class FaultInjector(threading.Thread):
    """A fault every 2-5 s; every `outage_every` seconds the API server goes away for 10 s."""

    KINDS = ["close", "drop", "stall", "expire", "503", "429", "log503"]

    def __init__(self, sim, seed, outage_every, log_path=None):
        super().__init__(daemon=True)
        self.sim = sim
        self.random = random.Random(seed)
        self.outage_every = outage_every
        self.stopping = threading.Event()
        self.counts = {}
        # Each fault with the seconds since ORIGIN, written as it happens, to read a slow or wrong round against.
        self.log_file = open(log_path, "w") if log_path else None
        self.outages = 0
        self.errors = 0

    def note(self, kind):
        if self.log_file:
            self.log_file.write(f"{time.monotonic() - ORIGIN:8.1f} {kind}\n")
            self.log_file.flush()

    def inject(self, kind):
        sim = self.sim
        if kind == "close":
            sim.request("POST", "/sim/watches/close")
        elif kind == "drop":
            sim.request("POST", "/sim/watches/drop")
        elif kind == "stall":
            sim.request("POST", "/sim/faults", {"action": "stall", "count": 1, "verbs": ["watch"]})
            sim.request("POST", "/sim/watches/close")
        elif kind == "expire":
            sim.request("POST", "/sim/history/expire")
            sim.request("POST", "/sim/watches/close")
        elif kind == "503":
            sim.request("POST", "/sim/faults", {"action": "status", "code": 503, "count": 4, "verbs": ["list", "watch"]})
            sim.request("POST", "/sim/watches/close")
        elif kind == "429":
            sim.request("POST", "/sim/faults",
                        {"action": "status", "code": 429, "retryAfterSeconds": 1, "count": 3,
                         "verbs": ["list", "watch", "log"]})
            sim.request("POST", "/sim/watches/close")
        elif kind == "log503":
            sim.request("POST", "/sim/faults", {"action": "status", "code": 503, "count": 2, "verbs": ["log"]})

    def run(self):
        started = time.monotonic()
        next_outage = started + self.outage_every
        while not self.stopping.wait(self.random.uniform(2, 5)):
            try:
                if time.monotonic() >= next_outage:
                    self.sim.request("POST", "/sim/go-away?seconds=10")
                    self.outages += 1
                    self.note("outage")
                    next_outage += self.outage_every
                    self.stopping.wait(12)
                    continue
                kind = self.random.choice(self.KINDS)
                self.inject(kind)
                self.counts[kind] = self.counts.get(kind, 0) + 1
                self.note(kind)
            except OSError:
                # Refused while the server is away, or a reset: the next fault comes anyway.
                self.errors += 1

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)


class Gate:
    """One rollout-status process; stdout and stderr go to files beside its report, never to pipes, so a
    gate that prints many retry lines during a long run never blocks on a full pipe."""

    def __init__(self, bin_dir, kubeconfig, arguments, report_path):
        command = [str(bin_dir / "rollout-status"), "--kubeconfig", str(kubeconfig), "--quiet",
                   "--report-file", str(report_path)] + arguments
        self.stdout_path = report_path.with_suffix(".stdout")
        self.stderr_path = report_path.with_suffix(".stderr")
        started = time.monotonic()
        with open(self.stdout_path, "w") as stdout:
            self.process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
        self.pid = self.process.pid

        def copy_stderr():
            # Each line with the seconds since the gate started, to read it against the fault log; a thread
            # drains the pipe at once, so a gate printing many retry lines never blocks on it.
            with open(self.stderr_path, "w") as stderr:
                for line in self.process.stderr:
                    stderr.write(f"{time.monotonic() - started:7.1f} {line}")
                    stderr.flush()

        self.stderr_copier = threading.Thread(target=copy_stderr, daemon=True)
        self.stderr_copier.start()

    def poll(self):
        return self.process.poll()

    @property
    def returncode(self):
        return self.process.returncode

    def communicate(self, timeout=None):
        """Waits for the exit; returns (stdout, stderr) as text and removes the files."""
        self.process.wait(timeout=timeout)
        self.stderr_copier.join(timeout=10)
        stdout, stderr = self.stdout_path.read_text(), self.stderr_path.read_text()
        self.stdout_path.unlink(missing_ok=True)
        self.stderr_path.unlink(missing_ok=True)
        return stdout, stderr


def gate(bin_dir, kubeconfig, arguments, report_path):
    return Gate(bin_dir, kubeconfig, arguments, report_path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup-minutes", type=float, default=5)
    parser.add_argument("--outage-every-minutes", type=float, default=5)
    parser.add_argument("--bin-dir", default=None, help="where rollout-status and kube-sim are (swift build --show-bin-path)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=None, help="where to keep reports and summary.json")
    parser.add_argument("--sim-request-log", action="store_true",
                        help="kube-sim logs every request to kube-sim.stderr (to read a slow round against)")
    options = parser.parse_args(argv[1:])

    bin_dir = pathlib.Path(options.bin_dir or subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip())
    for name in ["rollout-status", "kube-sim"]:
        if not (bin_dir / name).exists():
            print(f"soak: {bin_dir / name} is not built (swift build --product {name})", file=sys.stderr)
            return 2
    out = pathlib.Path(options.out or tempfile.mkdtemp(prefix="rollout-soak-"))
    out.mkdir(parents=True, exist_ok=True)
    duration = options.minutes * 60
    warmup = options.warmup_minutes * 60
    print(f"soak: {options.minutes:g} min, warm-up {options.warmup_minutes:g} min, binaries {bin_dir}, output {out}",
          flush=True)

    sim = Simulator(bin_dir, out, request_log=options.sim_request_log)
    faults = FaultInjector(sim, options.seed, options.outage_every_minutes * 60, log_path=out / "faults.log")
    observer = gate(bin_dir, sim.token_kubeconfig,
                    ["-n", "soak-observer", "-l", "app=slow", "--timeout", f"{int(duration + 60)}s"],
                    out / "observer-report.json")
    samples = []  # (seconds since start, observer RSS KiB, kube-sim RSS KiB)
    rounds = []
    started = time.monotonic()
    stop_sampling = threading.Event()

    def sample():
        while not stop_sampling.wait(10):
            samples.append((round(time.monotonic() - started), rss_kib(observer.pid), rss_kib(sim.process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    faults.start()
    try:
        index = 0
        while time.monotonic() - started < duration:
            index += 1
            broken = index % 3 == 0
            tag = f"broken-{index}" if broken else f"{index}"
            for name in DEPLOYMENTS:
                for attempt in range(30):
                    try:
                        sim.set_image(name, f"registry.example.com/shop/{name}:{tag}")
                        break
                    except OSError:
                        time.sleep(1)  # the server may be away for its 10 s outage
            report_path = out / f"round-{index:03d}.json"
            round_started = time.monotonic()
            process = gate(bin_dir, sim.token_kubeconfig,
                           ["-n", "shop", "-l", "tier=soak", "--timeout", f"{ROUND_TIMEOUT_SECONDS}s"], report_path)
            peak = 0
            snapshot_at = round_started + SNAPSHOT_AFTER_SECONDS
            snapshots = []
            while process.poll() is None:
                peak = max(peak, rss_kib(process.pid) or 0)
                if time.monotonic() >= snapshot_at:
                    # A round this long has met a fault that blinds the gate (a stall, an outage): keep what the
                    # cluster really shows, to tell a stuck simulator from a gate whose view stopped following it.
                    snapshots.append(cluster_snapshot(sim, time.monotonic() - round_started))
                    snapshot_at += SNAPSHOT_AFTER_SECONDS
                time.sleep(0.2)
            stdout, stderr = process.communicate()
            seconds = time.monotonic() - round_started
            try:
                report = json.loads(stdout)
            except ValueError:
                report = {}
            code = (report.get("error") or {}).get("code")
            expected = (1, "process-crashing") if broken else (0, None)
            right = (process.returncode, code) == expected
            rounds.append({"round": index, "startedAt": round(round_started - ORIGIN, 1), "broken": broken,
                           "exit": process.returncode, "code": code,
                           "right": right, "seconds": round(seconds, 1), "peakRssKiB": peak})
            marker = "ok " if right else "WRONG"
            print(f"soak: {marker} round {index:3d} {'broken ' if broken else 'healthy'} exit {process.returncode} "
                  f"{code or '-':17s} {seconds:5.1f}s gate peak RSS {peak / 1024:6.1f} MiB "
                  f"observer {(samples[-1][1] or 0) / 1024 if samples else 0:6.1f} MiB", flush=True)
            if not right:
                snapshots.append(cluster_snapshot(sim, time.monotonic() - round_started))
            if snapshots:
                # Wrong or slow: keep what the gate said, to read against faults.log and the cluster's state.
                (out / f"round-{index:03d}.stderr").write_text(stderr)
                (out / f"round-{index:03d}-cluster.json").write_text(json.dumps(snapshots, indent=1))
    finally:
        faults.stop()
        stop_sampling.set()
        sampler.join(timeout=15)

    observer_stdout, observer_stderr = observer.communicate(timeout=duration + 300)
    observer_code = (json.loads(observer_stdout or "{}").get("error") or {}).get("code")
    observer_right = observer.returncode == 2 and observer_code == "timeout"
    sim.stop()

    after = [rss for (seconds, rss, _) in samples if seconds >= warmup and rss]
    baseline = after[0] if after else None
    drift = (max(after) / baseline - 1) if after else None
    low = (min(after) / baseline - 1) if after else None
    wrong = [r for r in rounds if not r["right"]]
    peaks = [r["peakRssKiB"] for r in rounds if r["peakRssKiB"]]
    summary = {
        "minutes": options.minutes, "rounds": len(rounds), "wrongVerdicts": len(wrong),
        "brokenRounds": sum(r["broken"] for r in rounds),
        "roundSeconds": {"min": min(r["seconds"] for r in rounds), "max": max(r["seconds"] for r in rounds)}
        if rounds else None,
        "observer": {"exit": observer.returncode, "code": observer_code, "right": observer_right,
                     "rssKiBAtWarmup": baseline, "rssKiBMax": max(after) if after else None,
                     "rssKiBMin": min(after) if after else None,
                     "driftAboveWarmup": drift, "driftBelowWarmup": low},
        "pipelineGatePeakRssKiB": {"min": min(peaks), "max": max(peaks)} if peaks else None,
        "faults": faults.counts, "outages": faults.outages, "faultRequestsRefused": faults.errors,
        "kubeSimRssKiB": {"first": samples[0][2], "last": samples[-1][2]} if samples else None,
        "samples": samples,
        "roundLog": rounds,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    rss_ok = drift is not None and drift <= 0.10 and low >= -0.10
    passed = not wrong and observer_right and rss_ok
    def mib(kib):
        return f"{kib / 1024:.1f} MiB" if kib else "n/a"

    print(f"soak: {len(rounds)} rounds ({summary['brokenRounds']} broken), {len(wrong)} wrong verdicts; "
          f"observer exit {observer.returncode} ({observer_code}); "
          f"observer RSS after warm-up {mib(baseline)} → max {mib(max(after) if after else None)} "
          f"({(drift or 0) * 100:+.1f} %), min {mib(min(after) if after else None)} ({(low or 0) * 100:+.1f} %); "
          f"faults {sum(faults.counts.values())} + {faults.outages} outages of 10 s", flush=True)
    print("soak: PASS" if passed else "soak: FAIL", flush=True)
    if not observer_right:
        (out / "observer.stderr").write_text(observer_stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
