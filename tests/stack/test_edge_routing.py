"""The edge while a service is replaced, as app_stack's rolling step does it: the edge's upstream
is the compose service's name, so a second container is reached once it runs and the old one can
go, and requests through the edge keep being answered.

A request whose connection is closed before any answer is sent again once, as HTTP clients may
for an idempotent request (RFC 9112, 9.3.1); such retries are counted and printed, and a request
that fails again counts as failed."""

import http.client
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import urllib3
from stack_harness import Stack, poll, reload_edge


def closed_before_any_answer(error: requests.ConnectionError) -> bool:
    cause = error.args[0] if error.args else None
    if isinstance(cause, urllib3.exceptions.ProtocolError) and len(cause.args) > 1:
        cause = cause.args[1]
    return isinstance(cause, (http.client.RemoteDisconnected, ConnectionResetError))


class RequestLoop(threading.Thread):
    """GET a URL every 50 ms until stopped; every answer that is not a 200 is kept."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.count, self.retried, self.failures = url, 0, 0, []
        self.stopping = threading.Event()

    def get(self) -> int | str:
        try:
            return requests.get(self.url, timeout=5).status_code
        except requests.ConnectionError as error:
            if not closed_before_any_answer(error):
                raise
        self.retried += 1
        return requests.get(self.url, timeout=5).status_code

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                status = self.get()
            except requests.RequestException as error:
                status = f"{type(error).__name__}: {error}"[:300]
            self.count += 1
            if status != 200:
                self.failures.append(status)
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def report(self) -> str:
        return (
            f"{self.count} requests, {len(self.failures)} failed, "
            f"{self.retried} sent again after a closed connection"
        )


def health(container: str) -> str:
    state = subprocess.run(["docker", "inspect", container], capture_output=True, text=True, check=True)
    return json.loads(state.stdout)[0]["State"]["Health"]["Status"]


@pytest.mark.parametrize(("service", "path"), [("backend", "/api/health"), ("frontend", "/")])
def test_a_service_replaced_next_to_the_running_one_loses_no_request(stack: Stack, service, path):
    old = stack.container(service)
    loop = RequestLoop(f"{stack.url}{path}")
    loop.start()
    try:
        stack.compose("up", "-d", "--no-deps", "--no-recreate", "--scale", f"{service}=2", service)
        new = next(
            container for container in stack.compose("ps", "-q", service).stdout.split() if container != old
        )
        assert poll(lambda: health(new) == "healthy", timeout=120, interval=1), (
            f"the new {service} stayed unhealthy"
        )
        subprocess.run(["docker", "stop", "-t", "30", old], capture_output=True, check=True)
        subprocess.run(["docker", "rm", old], capture_output=True, check=True)
        time.sleep(2)
    finally:
        loop.stop()
    assert loop.count > 40, loop.count
    assert loop.failures == [], f"{len(loop.failures)} of {loop.count} requests failed: {loop.failures[:10]}"
    assert stack.container(service) == new
    print(f"{service} replaced through the edge: {loop.report()}")


def test_a_configuration_change_is_applied_by_reload_and_a_refused_one_changes_nothing(stack: Stack):
    caddyfile = Path(stack.env["EDGE_DIR"]) / "config/Caddyfile"
    rendered = caddyfile.read_text()
    edge = stack.container("edge")
    loop = RequestLoop(f"{stack.url}/api/health")
    loop.start()
    try:
        caddyfile.write_text(
            rendered.replace("Referrer-Policy strict-origin-when-cross-origin", "Referrer-Policy no-referrer")
        )
        applied = reload_edge(stack)
        assert applied.returncode == 0, applied.stderr
        assert requests.get(f"{stack.url}/", timeout=10).headers["Referrer-Policy"] == "no-referrer"
        caddyfile.write_text(rendered.replace("route {", "route {\n\t\tno_such_directive on", 1))
        refused = reload_edge(stack)
        assert refused.returncode != 0
        assert "no_such_directive" in refused.stderr
        assert requests.get(f"{stack.url}/", timeout=10).headers["Referrer-Policy"] == "no-referrer"
        time.sleep(1)
    finally:
        caddyfile.write_text(rendered)
        restored = reload_edge(stack)
        loop.stop()
    assert restored.returncode == 0, restored.stderr
    assert stack.container("edge") == edge, "the edge was recreated"
    assert loop.failures == [], f"{len(loop.failures)} of {loop.count} requests failed: {loop.failures[:10]}"
    print(f"edge reloaded twice (one refused): {loop.report()}")
