"""The base image kit's images, seen from outside: slim, labelled with their recipe, usable."""

import http.client
import json
import os
import ssl
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES = {
    line.split("=", 1)[0]: line.split("=", 1)[1]
    for line in (ROOT / ".cache/base-images.env").read_text().split()
}
KIT_BUILT = all(image.startswith("delta-strangle/") for image in IMAGES.values())


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def run_in(image: str, script: str, *options: str) -> str:
    """The script's standard output, read from the container's log once it exited: an attached
    `docker run --rm` returned no output at all once in a loaded run (2026-12-06, exit 0)."""
    container = docker("create", *options, image, "sh", "-c", script).stdout.strip()
    try:
        docker("start", container)
        status = docker("wait", container).stdout.strip()
        logs = docker("logs", container)
        assert status == "0", f"exit {status}: {logs.stderr[-2000:]}"
        return logs.stdout
    finally:
        docker("rm", "-f", container, check=False)


def test_every_base_image_is_recorded_and_present():
    assert set(IMAGES) == {
        "DEBIAN_BASE_IMAGE",
        "PYTHON_BASE_IMAGE",
        "NODE_BASE_IMAGE",
        "NGINX_BASE_IMAGE",
        "CADDY_BASE_IMAGE",
        "HOST_BASE_IMAGE",
        "PEBBLE_BASE_IMAGE",
        "RESTIC_REST_SERVER_BASE_IMAGE",
        "REGISTRY_BASE_IMAGE",
        "PROMETHEUS_BASE_IMAGE",
    }
    for image in IMAGES.values():
        docker("image", "inspect", image)


@pytest.mark.skipif(not KIT_BUILT, reason="official images in use")
def test_kit_images_carry_a_recipe_hash_tag_that_matches_their_label():
    for image in IMAGES.values():
        label = docker(
            "image", "inspect", "-f", '{{ index .Config.Labels "org.delta-strangle.recipe-hash" }}', image
        ).stdout.strip()
        assert len(label) == 16
        repo, tag = image.rsplit(":", 1)
        assert docker("image", "inspect", f"{repo}:{tag}-{label}").returncode == 0


@pytest.mark.skipif(not KIT_BUILT, reason="official images in use")
@pytest.mark.parametrize(
    "name", ["DEBIAN_BASE_IMAGE", "PYTHON_BASE_IMAGE", "NGINX_BASE_IMAGE", "CADDY_BASE_IMAGE"]
)
def test_kit_images_are_slimmed_like_the_official_ones(name):
    leftovers = run_in(
        IMAGES[name],
        "find /usr/share/doc -type f ! -name copyright; find /usr/share/man /usr/share/info -type f;"
        " find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias;"
        " ls /var/lib/apt/lists | grep -v -e '^partial$' -e '^lock$';"
        " ls /var/cache/apt/archives | grep deb$; true",
        "--user",
        "0",
    )
    assert leftovers == ""


@pytest.mark.skipif(not KIT_BUILT, reason="official images in use")
def test_extra_ca_bundle_is_not_left_in_any_layer():
    for image in IMAGES.values():
        history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image).stdout
        assert "BEGIN CERTIFICATE" not in history
        assert run_in(image, "ls /run/secrets 2>/dev/null; true", "--user", "0") == ""


def test_python_base_runs_python_3():
    out = run_in(
        IMAGES["PYTHON_BASE_IMAGE"], "python3 -c 'import sqlite3, ssl, sys; print(sys.version_info[0])'"
    )
    assert out.strip() == "3"


def test_node_base_runs_node_and_npm():
    out = run_in(
        IMAGES["NODE_BASE_IMAGE"],
        "node -e 'console.log(process.versions.node.split(\".\")[0])' && npm --version",
    )
    major, npm_version = out.split()
    assert int(major) == 22
    assert npm_version


def test_nginx_base_serves_as_an_unprivileged_user():
    name = "delta-test-nginx-base"
    docker("rm", "-f", name, check=False)
    docker(
        "run",
        "-d",
        "--name",
        name,
        "--read-only",
        "--tmpfs=/tmp",
        "--cap-drop",
        "ALL",
        IMAGES["NGINX_BASE_IMAGE"],
    )
    try:
        probe = (
            "for i in $(seq 1 50); do exec 3<>/dev/tcp/127.0.0.1/8080 2>/dev/null && break; sleep 0.1; done;"
            " printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; head -n 1 <&3; id -u"
        )
        status, uid = docker("exec", name, "bash", "-c", probe).stdout.splitlines()[:2]
        assert status.split()[1] in {"200", "403", "404"}, status
        assert uid != "0"
    finally:
        docker("rm", "-f", name, check=False)


def test_caddy_base_runs_caddy_2_11_unprivileged_on_a_read_only_root():
    out = run_in(
        IMAGES["CADDY_BASE_IMAGE"],
        "caddy version; caddy adapt --config /etc/caddy/Caddyfile >/dev/null && echo adapted; id -u",
        "--read-only",
        "--user",
        "10001:10001",
        "--cap-drop",
        "ALL",
    )
    version, adapted, uid = out.split("\n")[:3]
    assert version.removeprefix("v").startswith("2.11."), version
    assert adapted == "adapted"
    assert uid == "10001"


def test_host_image_boots_systemd_as_pid_1():
    out = run_in(
        IMAGES["HOST_BASE_IMAGE"],
        "readlink -f /sbin/init; for c in python3 sudo update-ca-certificates; do command -v $c; done",
    )
    assert out.split() == [
        "/usr/lib/systemd/systemd",
        "/usr/bin/python3",
        "/usr/bin/sudo",
        "/usr/sbin/update-ca-certificates",
    ]


def pebble_directory(port: str, ca_file: Path) -> dict | None:
    """pebble's ACME directory on localhost:port, its HTTPS verified with ca_file; None until it answers."""
    context = ssl.create_default_context(cafile=str(ca_file))
    connection = http.client.HTTPSConnection("localhost", int(port), context=context, timeout=2)
    try:
        connection.request("GET", "/dir")
        return json.load(connection.getresponse())
    except OSError:
        return None
    finally:
        connection.close()


def test_pebble_serves_an_acme_directory_over_https_as_an_unprivileged_user(tmp_path):
    # TEST-ONLY key and certificate for pebble's own HTTPS, readable by the image's user.
    tmp_path.chmod(0o755)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem", "-days", "1",
         "-subj", "/CN=pebble", "-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (tmp_path / "key.pem").chmod(0o644)
    config = {
        "listenAddress": "0.0.0.0:14000",
        "managementListenAddress": "0.0.0.0:15000",
        "certificate": "/etc/pebble/cert.pem",
        "privateKey": "/etc/pebble/key.pem",
        "httpPort": 80,
        "tlsPort": 443,
    }
    (tmp_path / "pebble-config.json").write_text(json.dumps({"pebble": config}))
    name = "delta-test-pebble-base"
    docker("rm", "-f", name, check=False)
    docker("run", "-d", "--name", name, "--read-only", "--cap-drop", "ALL", "-p", "127.0.0.1::14000",
           "-v", f"{tmp_path}:/etc/pebble:ro", IMAGES["PEBBLE_BASE_IMAGE"])  # fmt: skip
    try:
        port = docker("port", name, "14000/tcp").stdout.split(":")[-1].strip()
        for _ in range(100):
            directory = pebble_directory(port, tmp_path / "cert.pem")
            if directory is not None:
                break
            time.sleep(0.2)
        assert directory is not None, docker("logs", name).stderr
        assert directory["newOrder"].endswith("/order-plz")
        assert docker("exec", name, "id", "-u").stdout.strip() == "65534"
    finally:
        docker("rm", "-f", name, check=False)


def test_kit_rejects_an_unknown_image_source():
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/build-base-images.sh")],
        env={**os.environ, "BASE_IMAGES_SOURCE": "dockerhub"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "BASE_IMAGES_SOURCE must be auto, official or kit" in result.stderr
