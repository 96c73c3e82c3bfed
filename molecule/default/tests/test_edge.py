"""The edge in TLS mode internal, seen from outside the host (the CI machine, as another machine
would connect): HTTPS that verifies against the internal CA's root, HTTP redirected to HTTPS, HSTS,
nothing below TLS 1.2, the client's address and scheme reaching the backend, and a hardened edge."""

import json
import socket
import ssl
import subprocess

import pytest
from host_checks import APP_ROOT, EDGE_ROOT_CA, audit_events, container_id, own_network_field

HOST_CONTAINER = "delta-molecule-default"
APP_UID = 10001


def _inspect(name, template):
    return subprocess.run(
        ["docker", "inspect", "-f", template, name], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def address():
    return _inspect(HOST_CONTAINER, own_network_field("IPAddress"))


@pytest.fixture(scope="module")
def root_ca(host, tmp_path_factory):
    """The root the deploy printed for the operator (trust-root.yml prints this file)."""
    path = tmp_path_factory.mktemp("edge") / "root.crt"
    path.write_text(host.file(EDGE_ROOT_CA).content_string)
    return str(path)


def _tls_context(root_ca, version=None):
    context = ssl.create_default_context(cafile=root_ca)
    if version is not None:
        # Let this client offer old protocols, so a refusal is the edge's and not the client's.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = context.maximum_version = version
    return context


def _request(address, port, path, *, context=None, method="GET", headers=None, body=b""):
    """One HTTP/1.1 request to the host's address, naming the host (Host and SNI): status,
    headers (lower-case names), body, and the negotiated TLS version."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST_CONTAINER}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    raw = socket.create_connection((address, port), timeout=10)
    connection = context.wrap_socket(raw, server_hostname=HOST_CONTAINER) if context else raw
    with connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        version = connection.version() if context else None
    head, _, content = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    fields = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in fields.items()}, content, version


def test_https_verifies_against_the_internal_root_and_serves_the_release(host, address, root_ca):
    context = _tls_context(root_ca)
    status, headers, body, version = _request(address, 443, "/api/health/ready", context=context)
    assert status == 200, body
    assert version in ("TLSv1.2", "TLSv1.3")
    assert json.loads(body)["version"] == host.check_output(f"git -C {APP_ROOT} rev-parse HEAD")


def test_a_client_without_the_root_refuses_the_certificate(address):
    with pytest.raises(ssl.SSLCertVerificationError):
        _request(address, 443, "/api/health", context=ssl.create_default_context())


def test_http_is_redirected_to_https(address):
    status, headers, _, _ = _request(address, 80, "/api/health?probe=1")
    assert status == 308
    assert headers["location"] == f"https://{HOST_CONTAINER}/api/health?probe=1"


def test_https_answers_carry_hsts_and_the_security_headers(address, root_ca):
    for path in ("/", "/api/health"):
        _, headers, _, _ = _request(address, 443, path, context=_tls_context(root_ca))
        assert headers["strict-transport-security"] == "max-age=31536000", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "server" not in headers, path


def test_tls_below_1_2_is_refused_by_the_edge(address, root_ca):
    # The same client setup that offers exactly TLS 1.2 gets in: the refusal below is the edge's.
    tls_1_2 = _tls_context(root_ca, ssl.TLSVersion.TLSv1_2)
    assert _request(address, 443, "/api/health", context=tls_1_2)[3] == "TLSv1.2"
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        with pytest.raises(ssl.SSLError) as refused:
            _request(address, 443, "/api/health", context=_tls_context(root_ca, old))
        assert "PROTOCOL_VERSION" in str(refused.value).upper(), refused.value


def test_the_backend_sees_the_clients_address_and_https(host, address, root_ca):
    gateway = _inspect(HOST_CONTAINER, own_network_field("Gateway"))
    password = host.file(f"{APP_ROOT}/secrets/ADMIN_PASSWORD").content_string
    before = len(audit_events(host, "auth.sign_in", at_least=0, timeout=0))
    status, _, body, _ = _request(
        address,
        443,
        "/api/auth/login",
        context=_tls_context(root_ca),
        method="POST",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"username": "admin", "password": password}).encode(),
    )
    assert status == 200, body
    sign_in = audit_events(host, "auth.sign_in", at_least=before + 1)[-1]
    # This machine's address as the host sees it (the host container's gateway), not the edge's.
    assert sign_in["source_address"] == gateway
    # A redirect the backend makes itself names the scheme it was told (X-Forwarded-Proto).
    status, headers, _, _ = _request(address, 443, "/api/health/", context=_tls_context(root_ca))
    assert status == 307
    assert headers["location"].startswith(f"https://{HOST_CONTAINER}/api/health")


def test_the_edge_runs_unprivileged_on_a_read_only_root(host):
    edge = container_id(host, "edge")
    config = json.loads(host.check_output(f"docker inspect {edge}"))[0]["HostConfig"]
    assert config["ReadonlyRootfs"] is True
    assert config["CapDrop"] == ["ALL"]
    assert not config["CapAdd"]
    assert "no-new-privileges:true" in config["SecurityOpt"]
    assert host.check_output(f"docker exec {edge} id -u") == str(APP_UID)
    effective = host.check_output(f"docker exec {edge} grep CapEff /proc/1/status").split()[1]
    assert int(effective, 16) == 0


def test_only_the_edge_publishes_ports(host):
    published = {}
    listing = host.check_output("docker ps --format '{{.Label \"com.docker.compose.service\"}} {{.Ports}}'")
    for line in listing.splitlines():
        service, _, ports = line.partition(" ")
        if "->" in ports:
            published[service] = ports
    assert list(published) == ["edge"], published


def test_release_env_carries_the_edges_settings_and_the_edge_publishes_them(host):
    values = dict(
        line.split("=", 1)
        for line in host.file(f"{APP_ROOT}/release.env").content_string.splitlines()
        if line and not line.startswith("#")
    )
    assert (values["EDGE_HTTP_PORT"], values["EDGE_HTTPS_PORT"]) == ("80", "443")
    edge_inputs = host.check_output(f"git -C {APP_ROOT} log -1 --format=%H HEAD -- docker/edge.Dockerfile")
    assert values["EDGE_IMAGE_TAG"] == edge_inputs
    edge = json.loads(host.check_output(f"docker inspect {container_id(host, 'edge')}"))[0]
    ports = edge["NetworkSettings"]["Ports"]
    bindings = {(b["HostIp"], b["HostPort"]) for found in ports.values() if found for b in found}
    assert {(values["EDGE_BIND_ADDRESS"], "80"), (values["EDGE_BIND_ADDRESS"], "443")} <= bindings


def test_the_edges_private_files_are_the_apps_alone(host):
    data = host.file(f"{APP_ROOT}/edge/data")
    assert (data.uid, data.mode) == (APP_UID, 0o700)
    caddyfile = host.file(f"{APP_ROOT}/edge/config/Caddyfile")
    assert (caddyfile.uid, caddyfile.mode) == (APP_UID, 0o640)
    assert "tls internal" in caddyfile.content_string
