"""Drives the production Compose stack under test: compose calls, sign-in, readiness."""

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Two checkouts (git worktrees) can run their stacks side by side under different names.
PROJECT = os.environ.get("STACK_TEST_PROJECT", "delta-stack-test")
IMAGE_TAG = PROJECT.removeprefix("delta-")
APP_UID = APP_GID = 4242
# Build contexts where a careless .env.prod could end up in an image.
BUILD_CONTEXTS = [ROOT, ROOT / "app", ROOT / "frontend"]


@dataclass
class Stack:
    url: str
    env_file: Path
    env: dict[str, str]
    secrets: dict[str, str]
    data_dir: Path
    git_sha: str
    # The edge's HTTPS port, inside the container as published (nothing listens in TLS mode off).
    https_port: int

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """The one compose command line (scripts/compose.sh), on this stack's files and project."""
        return subprocess.run(
            [str(ROOT / "scripts/compose.sh"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
        )

    def container(self, service: str) -> str:
        return self.compose("ps", "-q", service).stdout.strip()

    def login(self) -> dict[str, str]:
        response = requests.post(
            f"{self.url}/api/auth/login",
            json={"username": "admin", "password": self.secrets["ADMIN_PASSWORD"]},
            timeout=30,
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def request_rows(self, correlation_id: str, headers: dict[str, str], timeout: float = 30) -> list[dict]:
        """The rows of one request through the edge: once both the edge's access line and the
        backend's own lines are in (two files, two tailers), or what there is at the timeout."""

        def complete() -> list[dict]:
            found = requests.get(
                f"{self.url}/api/logs", params={"correlation_id": correlation_id}, headers=headers, timeout=10
            )
            assert found.status_code == 200, found.text
            rows = found.json()["items"]
            return rows if {row["source"] for row in rows} >= {"edge", "backend"} else []

        return poll(complete, timeout=timeout, interval=0.2) or []

    def wait_until_ready(self, timeout: float = 120) -> None:
        def ready() -> bool:
            try:
                return requests.get(f"{self.url}/api/health/ready", timeout=5).status_code == 200
            except requests.ConnectionError:
                return False

        assert poll(ready, timeout=timeout, interval=1), f"the stack did not become ready within {timeout} s"


def poll(condition, *, timeout: float, interval: float):
    """condition() again every `interval` seconds until it is truthy or `timeout` has passed;
    its last value (the stack tests' one polling loop)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    path.chmod(0o600)


def render_edge_file(name: str, http_port: int, https_port: int, tls: str = "off", domains=()) -> str:
    """One of the edge's files rendered from roles/app_edge's own template, with the role's defaults
    but for the TLS mode and domains given (the stack tests speak plain HTTP to the edge: mode off)."""
    templates = ROOT / "roles/app_edge/templates"
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(),
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # The role's defaults, but for those Ansible would template (vault lookups: none here).
    defaults = yaml.safe_load((ROOT / "roles/app_edge/defaults/main.yml").read_text())
    settings = {name: value for name, value in defaults.items() if "{{" not in str(value)}
    settings.update(
        {
            "ansible_managed": "Rendered by tests/stack",
            "app_edge_tls": tls,
            "app_edge_domains": list(domains),
            "app_edge_metrics_token": "",
            # Small enough that a stack test makes Caddy roll its access log for real.
            "app_edge_access_log_roll_size_mb": 1,
            "delta_app_http_port": http_port,
            "delta_app_https_port": https_port,
        }
    )
    return environment.get_template(f"{name}.j2").render(settings)


def render_edge_config(edge_dir: Path, http_port: int, https_port: int, uid: int) -> None:
    """The edge's files as roles/app_edge lays them out, in TLS mode off (molecule checks TLS)."""
    for name, mode in (("config", 0o750), ("state", 0o750), ("data", 0o700)):
        (edge_dir / name).mkdir(parents=True)
        os.chown(edge_dir / name, uid, uid)
        (edge_dir / name).chmod(mode)
    for name in ("Caddyfile", "metrics.caddy", "maintenance.caddy"):
        (edge_dir / "config" / name).write_text(render_edge_file(name, http_port, https_port))


def reload_edge(stack: Stack) -> subprocess.CompletedProcess:
    """What roles/app_edge/tasks/reload.yml runs in the edge."""
    return subprocess.run(
        ["docker", "exec", stack.container("edge"),
         "caddy", "reload", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile", "--force"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def write_secret_files(directory: Path, values: dict[str, str], uid: int) -> None:
    """One file a secret, as Ansible writes them: exact bytes, 0400, owned by the app's uid."""
    directory.mkdir(mode=0o700)
    for name, value in values.items():
        path = directory / name
        path.write_bytes(value.encode("utf-8"))
        os.chown(path, uid, 0)
        path.chmod(0o400)
