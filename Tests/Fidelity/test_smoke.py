"""Smoke checks of the fidelity harness: the real clients are installed and kube-sim starts."""

import os
import subprocess


def test_kubectl_is_installed():
    out = subprocess.run(["kubectl", "version", "--client", "-o", "json"], capture_output=True, text=True, check=True)
    assert '"clientVersion"' in out.stdout


def test_python_kubernetes_client_imports():
    import kubernetes  # noqa: F401


def test_kube_sim_prints_help():
    binary = os.environ["KUBE_SIM"]
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "kube-sim" in out.stdout
