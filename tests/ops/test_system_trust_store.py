"""The ops tools install behind an intercepting proxy: uv, which checks HTTPS against its own
bundled roots, is told to use the system trust store (scripts/lib.sh use_system_trust_store, called
by install-ops-tools.sh), where the proxy's CA is. On a machine without such a proxy the first
test has nothing to show and is skipped."""

import subprocess
import sys
from pathlib import Path

import pytest
from repo_ansible import ROOT

UV = Path(sys.executable).parent / "uv"
SYSTEM_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def resolve(tmp_path: Path, *, trust_system_store: bool) -> subprocess.CompletedProcess:
    """uv resolving one package from PyPI in an environment with no CA settings of its own."""
    requirements = tmp_path / "requirements.in"
    requirements.write_text("six==1.16.0\n")
    setup = f"source {ROOT}/scripts/lib.sh && use_system_trust_store && " if trust_system_store else ""
    return subprocess.run(
        ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={tmp_path}", "bash", "-c",
         f"{setup}{UV} pip compile --quiet --no-cache --python-version 3.11 {requirements}"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(not UV.exists() or not SYSTEM_CA.exists(), reason="needs uv and a system trust store")
def test_uv_with_its_own_roots_fails_behind_the_proxy(tmp_path):
    result = resolve(tmp_path, trust_system_store=False)
    if result.returncode == 0:
        pytest.skip("no intercepting proxy on this machine: uv's own roots reach PyPI")
    assert "certificate" in result.stderr


@pytest.mark.skipif(not UV.exists() or not SYSTEM_CA.exists(), reason="needs uv and a system trust store")
def test_uv_reaches_pypi_through_the_system_trust_store(tmp_path):
    result = resolve(tmp_path, trust_system_store=True)
    assert result.returncode == 0, result.stderr
    assert "six==1.16.0" in result.stdout


def test_install_ops_tools_uses_the_system_trust_store_before_uv_runs():
    script = (ROOT / "scripts/install-ops-tools.sh").read_text()
    assert script.index("use_system_trust_store\n") < script.index('"$VENV/bin/uv"')
