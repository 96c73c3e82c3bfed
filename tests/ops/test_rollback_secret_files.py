"""Going back to a release from before secrets became files is refused up front, naming why."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAY = """
- name: Check a release as a rollback does
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check that the release takes its secrets as files
      ansible.builtin.include_role:
        name: app_stack
        tasks_from: release-reads-secret-files
"""


def git(checkout: Path, *args: str) -> str:
    command = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@localhost", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def checkout_with_two_releases(tmp_path: Path) -> tuple[Path, str, str]:
    """A checkout whose first release reads secrets from .env.prod and whose second has secret files."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    git(checkout, "init", "--quiet")
    compose = checkout / "docker-compose.prod.yml"
    compose.write_text("services:\n  backend:\n    env_file: .env.prod\n")
    git(checkout, "add", ".")
    git(checkout, "commit", "--quiet", "-m", "secrets in .env.prod")
    old = git(checkout, "rev-parse", "HEAD")
    current = (ROOT / "docker-compose.prod.yml").read_text()
    compose.write_text(current)
    git(checkout, "commit", "--quiet", "-am", "secrets as files")
    return checkout, old, git(checkout, "rev-parse", "HEAD")


def check_release(tmp_path: Path, checkout: Path, sha: str) -> subprocess.CompletedProcess:
    play = tmp_path / "check.yml"
    play.write_text(PLAY)
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
         "-e", f"ansible_python_interpreter={sys.executable}",
         "-e", f"delta_app_root={checkout}", "-e", f"app_stack_release_sha={sha}"],
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
             "ANSIBLE_ROLES_PATH": str(ROOT / "roles")},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_release_that_reads_secrets_from_env_prod_is_refused(tmp_path):
    checkout, old, _ = checkout_with_two_releases(tmp_path)
    result = check_release(tmp_path, checkout, old)
    assert result.returncode != 0
    assert f"Release {old} reads its secrets from .env.prod" in " ".join(result.stdout.split())


def test_a_release_with_secret_files_passes(tmp_path):
    checkout, _, new = checkout_with_two_releases(tmp_path)
    result = check_release(tmp_path, checkout, new)
    assert result.returncode == 0, result.stdout


def test_a_release_missing_from_the_checkout_is_refused(tmp_path):
    checkout, _, _ = checkout_with_two_releases(tmp_path)
    result = check_release(tmp_path, checkout, "0" * 40)
    assert result.returncode != 0
    assert "is not in the checkout on the host" in " ".join(result.stdout.split())
