"""Fixtures for the fidelity tests: real kubectl and the Python kubernetes client against kube-sim.

`kube_sim` is a factory fixture. Call it with a scenario (a path, or a file name in
examples/scenarios) and it starts `$KUBE_SIM serve --scenario FILE --kubeconfig-out PATH`, waits for the
one `READY <url>` line, and returns a `KubeSim` handle:

    def test_something(kube_sim):
        sim = kube_sim("timeline-crashed-pod.yaml", manual_clock=True)
        pods = sim.json("get", "pods", "-A")            # kubectl ... -o json, parsed
        sim.advance(1)                                   # scenario time, with manual_clock=True
        assert sim.stats()["watchStreamsOpen"] == 0      # GET /sim/stats
        core = sim.python_client().CoreV1Api()           # the kubernetes package, same kubeconfig

Every simulator started by the fixture is stopped with SIGTERM at the end of the test, and the test
fails if it does not exit 0. `KUBE_SIM` is the built binary (see `make test-fidelity`).
"""

import json
import os
import pathlib
import select
import signal
import ssl
import subprocess
import threading
import time
import urllib.request

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = REPOSITORY / "examples" / "scenarios"
CONTEXTS = ["sim-cert", "sim-token"]


def kube_sim_binary():
    binary = os.environ.get("KUBE_SIM")
    if not binary:
        pytest.skip("KUBE_SIM is not set (make test-fidelity sets it)")
    return binary


def scenario_path(scenario):
    path = pathlib.Path(scenario)
    if not path.is_absolute() and not path.exists():
        path = SCENARIOS / scenario
    return path


class KubeSim:
    """A running kube-sim, its kubeconfig, and helpers to drive kubectl, the Python client and /sim/."""

    def __init__(self, process, url, kubeconfig, context, workdir):
        self.process = process
        self.url = url
        self.kubeconfig = kubeconfig
        self.context = context
        self.workdir = workdir
        config = json.loads(
            subprocess.run(
                ["kubectl", "--kubeconfig", str(kubeconfig), "config", "view", "--raw", "-o", "json"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        self.config = config
        cluster = config["clusters"][0]["cluster"]
        self.ca_file = None
        if "certificate-authority-data" in cluster:
            import base64

            self.ca_file = workdir / "ca.crt"
            self.ca_file.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))

    @classmethod
    def start(cls, scenario, workdir, context="sim-cert", extra_args=(), timeout=90):
        workdir.mkdir(parents=True, exist_ok=True)
        kubeconfig = workdir / "kubeconfig"
        command = [kube_sim_binary(), "serve", "--kubeconfig-out", str(kubeconfig), *extra_args]
        if scenario is not None:
            command[2:2] = ["--scenario", str(scenario_path(scenario))]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Generous: the first start on a loaded 2-core machine is slow.
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.5)
            if ready:
                line = process.stdout.readline()
                break
            if process.poll() is not None:
                break
        if not line.startswith("READY "):
            process.kill()
            _, errors = process.communicate(timeout=10)
            pytest.fail(f"kube-sim did not start on {scenario}: {line!r} {errors}")
        return cls(process, line.split()[1], kubeconfig, context, workdir)

    # kubectl

    def kubectl(self, *args, context=None, timeout=60, check=False):
        result = subprocess.run(
            ["kubectl", "--kubeconfig", str(self.kubeconfig), "--context", context or self.context, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
        return result

    def json(self, *args, context=None):
        result = self.kubectl(*args, "-o", "json", context=context, check=True)
        return json.loads(result.stdout)

    def kubectl_background(self, *args, context=None):
        """Starts a long-running kubectl (such as a watch) whose output is collected as it arrives."""
        return Background(
            ["kubectl", "--kubeconfig", str(self.kubeconfig), "--context", context or self.context, *args]
        )

    # the control endpoint

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def stats(self):
        return self.control("GET", "/sim/stats")

    def advance(self, seconds):
        """Moves scenario time forward (the simulator must run with manual_clock=True)."""
        return self.control("POST", f"/sim/clock/advance?seconds={seconds}")

    def fault(self, **rule):
        """Arms a fault rule, such as fault(action="status", code=503, count=2, verbs=["list"])."""
        return self.control("POST", "/sim/faults", rule)

    def wait_for(self, predicate, timeout=30, interval=0.05):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        return predicate()

    # the Python kubernetes client

    def python_client(self, context=None):
        kubernetes = pytest.importorskip("kubernetes")
        return kubernetes.config.new_client_from_config(
            config_file=str(self.kubeconfig), context=context or self.context
        )

    # lifecycle

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops kube-sim with a signal and returns its exit code (0 when it stopped cleanly)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                return None
        return self.process.returncode


class Background:
    """A process whose stdout and stderr are read by threads, so nothing is lost to buffering."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._chunks = {"stdout": [], "stderr": []}
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._pump, args=(self.process.stdout, "stdout"), daemon=True),
            threading.Thread(target=self._pump, args=(self.process.stderr, "stderr"), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream, name):
        while True:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                return
            with self._lock:
                self._chunks[name].append(chunk)

    def output(self, name="stdout"):
        with self._lock:
            return b"".join(self._chunks[name]).decode(errors="replace")

    def wait_for_output(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and text not in self.output():
            time.sleep(0.05)
        return text in self.output()

    def stop(self, timeout=30):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)
        return self.process.returncode


@pytest.fixture
def kube_sim(tmp_path):
    """Factory: kube_sim(scenario, context="sim-cert", manual_clock=False, args=()) -> KubeSim."""
    started = []

    def start(scenario=None, context="sim-cert", manual_clock=False, args=()):
        extra = list(args) + (["--manual-clock"] if manual_clock else [])
        sim = KubeSim.start(scenario, tmp_path / f"sim-{len(started)}", context, extra)
        started.append(sim)
        return sim

    yield start
    codes = [sim.stop() for sim in started]
    assert all(code == 0 for code in codes), f"kube-sim exit codes on SIGTERM: {codes}"


def json_documents(text):
    """The JSON values in `text`, one after another (kubectl -o json --watch prints them back to back)."""
    decoder = json.JSONDecoder()
    documents, index = [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return documents
        value, index = decoder.raw_decode(text, index)
        documents.append(value)
