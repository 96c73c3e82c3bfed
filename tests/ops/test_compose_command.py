"""scripts/compose.sh, the one compose command line: the release's environment (release.env) is
what compose interpolates, and Ansible's compose modules name the same files."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/compose.sh"
RELEASE = {
    "BACKEND_IMAGE_TAG": "b" * 40,
    "FRONTEND_IMAGE_TAG": "f" * 40,
    "EDGE_IMAGE_TAG": "e" * 40,
    "GIT_SHA": "c" * 40,
    "EDGE_BIND_ADDRESS": "127.0.0.1",
    "EDGE_HTTP_PORT": "8088",
    "EDGE_HTTPS_PORT": "8443",
}


def host_checkout(tmp_path: Path, release: dict[str, str] | None) -> Path:
    """A directory laid out as the checkout on a host: the compose file, .env.prod, release.env."""
    root = tmp_path / "checkout"
    root.mkdir()
    shutil.copy(ROOT / "docker-compose.prod.yml", root)
    (root / ".env.prod").write_text("APP_UID=10001\nAPP_GID=10001\n")
    if release is not None:
        (root / "release.env").write_text("".join(f"{key}={value}\n" for key, value in release.items()))
    return root


def compose(root: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    for key in (*RELEASE, "ENV_FILE", "RELEASE_ENV_FILE"):
        environment.pop(key, None)
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**environment, "DELTA_APP_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_runs_the_release_in_release_env(tmp_path):
    result = compose(host_checkout(tmp_path, RELEASE), "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["name"] == "delta-strangle"
    assert config["services"]["backend"]["image"] == f"delta-strangle-backend:{RELEASE['BACKEND_IMAGE_TAG']}"
    assert (
        config["services"]["frontend"]["image"] == f"delta-strangle-frontend:{RELEASE['FRONTEND_IMAGE_TAG']}"
    )
    assert config["services"]["backend"]["environment"]["GIT_SHA"] == RELEASE["GIT_SHA"]
    assert config["services"]["edge"]["image"] == f"delta-strangle-edge:{RELEASE['EDGE_IMAGE_TAG']}"
    # The edge alone publishes, on the release's address, listening inside on the ports it publishes.
    assert [service for service, spec in config["services"].items() if spec.get("ports")] == ["edge"]
    published = {(p["host_ip"], p["published"], p["target"]) for p in config["services"]["edge"]["ports"]}
    assert published == {("127.0.0.1", "8088", 8088), ("127.0.0.1", "8443", 8443)}


def test_compose_without_release_env_refuses_rather_than_run_latest(tmp_path):
    result = compose(host_checkout(tmp_path, None), "config")
    assert result.returncode != 0
    assert "release.env" in result.stderr


def test_ansible_compose_modules_name_the_files_the_command_line_names():
    role_vars = yaml.safe_load((ROOT / "roles/app_stack/vars/main.yml").read_text())
    script = SCRIPT.read_text()
    for name in role_vars["app_stack_compose_files"]:
        assert f"--file {name}" in script
    env_files = role_vars["app_stack_compose_env_files"]
    assert env_files == [".env.prod", "release.env"]
    assert '--env-file "${ENV_FILE:-.env.prod}" --env-file "${RELEASE_ENV_FILE:-release.env}"' in script
