"""What a deployed host looks like from outside: a running Docker engine that starts containers."""

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from host_checks import own_network_field

HOST_CONTAINER = "delta-molecule-default"
NESTED_IMAGE = os.environ.get("DEBIAN_BASE_IMAGE", "delta-strangle/debian:trixie-slim")


def test_docker_service_is_enabled_and_running(host):
    docker = host.service("docker")
    assert docker.is_enabled
    assert docker.is_running


def test_compose_v2_and_buildx_answer(host):
    assert host.run("docker compose version --short").stdout.strip().startswith("2.")
    assert host.run("docker buildx version").rc == 0


def test_daemon_limits_container_logs_and_keeps_containers_on_restart(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config["log-driver"] == "json-file"
    assert config["log-opts"] == {"max-size": "10m", "max-file": "3"}
    assert config["live-restore"] is True
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["LoggingDriver"] == "json-file"
    assert info["LiveRestoreEnabled"] is True


@pytest.fixture(scope="module")
def nested_image(host, tmp_path_factory):
    """Nothing can be pulled: carry a base image from the outer engine into the host's engine.

    Saved to a file first, so a load that fails says why (through a pipe, a failed load only
    showed as `docker save` killed by SIGPIPE). The carrying is this fixture's means, not what
    the tests check, so a failed load is tried once more, its first error printed."""
    archive = tmp_path_factory.mktemp("nested-image") / "image.tar"
    save = subprocess.run(
        ["docker", "save", "-o", str(archive), NESTED_IMAGE], capture_output=True, text=True, check=False
    )
    assert save.returncode == 0, save.stderr
    for attempt in (1, 2):
        with archive.open("rb") as stdin:
            load = subprocess.run(
                ["docker", "exec", "-i", HOST_CONTAINER, "docker", "load"],
                stdin=stdin,
                capture_output=True,
                check=False,
            )
        if load.returncode == 0:
            return NESTED_IMAGE
        print(f"docker load into {HOST_CONTAINER}, try {attempt}: exit {load.returncode}: {load.stderr!r}")
    raise AssertionError(f"docker load into {HOST_CONTAINER} failed twice: {load.stderr!r}")


def test_host_engine_runs_a_container_on_a_bridge_network(host, nested_image):
    result = host.run(f"docker run --rm {nested_image} sh -c 'cat /etc/debian_version; ls /sys/class/net'")
    assert result.rc == 0, result.stderr
    version, *interfaces = result.stdout.split()
    assert version.startswith("13")
    assert "eth0" in interfaces


def test_host_engine_keeps_a_detached_container_running(host, nested_image):
    host.run("docker rm -f molecule-nested")
    started = host.run(f"docker run -d --name molecule-nested {nested_image} sleep 300")
    assert started.rc == 0, started.stderr
    try:
        state = host.check_output("docker inspect -f '{{.State.Status}}' molecule-nested")
        assert state == "running"
    finally:
        host.run("docker rm -f molecule-nested")


def test_extra_ca_bundle_is_trusted_when_given(host):
    bundle = os.environ.get("EXTRA_CA_BUNDLE", "")
    installed = host.file("/usr/local/share/ca-certificates/delta-strangle-extra-ca.crt")
    if not bundle:
        assert not installed.exists
        return
    assert installed.exists
    assert installed.mode == 0o644
    first_cert = Path(bundle).read_text(encoding="ascii").split("-----END CERTIFICATE-----")[0]
    assert first_cert.strip() in host.file("/etc/ssl/certs/ca-certificates.crt").content_string


def _connect_from_outside(address, port):
    """A TCP connection from the CI machine to the host, as another machine would try."""
    try:
        with socket.create_connection((address, port), timeout=3):
            return "open"
    except TimeoutError:
        return "dropped"
    except OSError as error:
        return type(error).__name__


def test_the_firewall_lets_in_the_edge_ports_and_drops_the_rest(host):
    address_format = own_network_field("IPAddress")
    address = subprocess.run(
        ["docker", "inspect", "-f", address_format, HOST_CONTAINER],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Something listening on a port the firewall does not allow.
    host.run("systemd-run --unit=firewall-probe python3 -m http.server 9999 --bind 0.0.0.0")
    try:
        listening = "python3 -c \"import socket; socket.create_connection(('127.0.0.1', 9999), 2)\""
        assert host.run(f"for _ in $(seq 50); do {listening} && exit 0; sleep 0.2; done; exit 1").rc == 0
        assert _connect_from_outside(address, 9999) == "dropped"
        assert _connect_from_outside(address, 80) == "open"
        assert _connect_from_outside(address, 443) == "open"
    finally:
        host.run("systemctl stop firewall-probe")
    assert "table inet delta_firewall" in host.check_output("nft list tables")
