"""The edge's certificate as the backend reads it from a real TLS handshake: the facts, the
cache, the failures (an answer, never an exception nor a readiness reason), the health detail
and the /metrics gauge."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi.testclient import TestClient

from control_plane.edge_certificate import (
    FAILURE_TTL_SECONDS,
    SUCCESS_TTL_SECONDS,
    EdgeCertificateProbe,
    certificate_facts,
)
from control_plane.main import create_app
from tests.conftest import login, make_settings
from tests.tls_server import TlsServer, issue_certificate, serve_tls, silent_listener

NOT_AFTER = (datetime.now(UTC) + timedelta(days=40)).replace(microsecond=0)
NOT_BEFORE = NOT_AFTER - timedelta(days=90)
GAUGE = "control_plane_edge_certificate_expiry_timestamp_seconds"
NOT_BEFORE_GAUGE = "control_plane_edge_certificate_not_before_timestamp_seconds"


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[TlsServer]:
    cert, key = issue_certificate(
        tmp_path,
        names=["trading.example.com", "www.trading.example.com"],
        not_after=NOT_AFTER,
        not_before=NOT_BEFORE,
    )
    with serve_tls(cert, key) as server:
        yield server


def gauge_value(metrics: str, name: str) -> float:
    [line] = [line for line in metrics.splitlines() if line.startswith(f"{name} ")]
    return float(line.split()[1])


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_facts_come_from_the_certificate_itself(tmp_path: Path) -> None:
    cert, _ = issue_certificate(
        tmp_path,
        names=["a.example", "b.example"],
        not_after=NOT_AFTER,
        not_before=NOT_BEFORE,
        issuer_cn="Some CA",
    )
    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(Encoding.DER)
    facts = certificate_facts(der)
    assert (facts.not_before, facts.not_after) == (NOT_BEFORE, NOT_AFTER)
    assert (facts.subject_cn, facts.issuer_cn) == ("a.example", "Some CA")
    assert facts.dns_names == ("a.example", "b.example")


def test_a_certificate_no_one_trusts_is_read_asking_for_the_configured_name(
    edge: TlsServer,
) -> None:
    result = EdgeCertificateProbe(edge.address, "trading.example.com").read()
    assert result is not None and result.error is None and result.facts is not None
    assert result.facts.not_after == NOT_AFTER
    assert result.facts.issuer_cn == "Test Edge CA"
    assert edge.server_names == ["trading.example.com"]


def test_one_handshake_serves_every_reader_until_the_answer_is_stale(edge: TlsServer) -> None:
    clock = Clock()
    probe = EdgeCertificateProbe(edge.address, "trading.example.com", clock=clock)
    first = probe.read()
    for _ in range(5):
        clock.now += 10
        assert probe.read() is first
    assert edge.handshakes == 1
    clock.now = first.checked_at + SUCCESS_TTL_SECONDS  # type: ignore[union-attr]
    assert probe.read() is not first
    assert edge.handshakes == 2


def test_a_refused_connection_is_an_error_asked_again_sooner(tmp_path: Path) -> None:
    with silent_listener() as address:
        pass  # closed: nothing listens there any more
    clock = Clock()
    probe = EdgeCertificateProbe(address, "trading.example.com", clock=clock)
    failed = probe.read()
    assert failed is not None and failed.facts is None
    assert failed.error is not None and "refused" in failed.error.lower()
    clock.now += FAILURE_TTL_SECONDS - 1
    assert probe.read() is failed
    clock.now += 1
    assert probe.read() is not failed


def test_an_edge_that_never_answers_the_handshake_times_out() -> None:
    with silent_listener() as address:
        started = time.monotonic()
        result = EdgeCertificateProbe(address, "edge", timeout=0.5).read()
        took = time.monotonic() - started
    assert result is not None and result.facts is None
    assert result.error is not None and "timed out" in result.error
    assert took < 3


def test_the_health_detail_and_metrics_report_the_edges_certificate(
    tmp_path: Path, migrated_database: Path, edge: TlsServer
) -> None:
    settings = make_settings(
        tmp_path,
        EDGE_TLS_PROBE_ADDRESS=edge.address,
        EDGE_TLS_SERVER_NAME="trading.example.com",
    )
    settings.database_path.parent.mkdir(parents=True)
    settings.database_path.write_bytes(migrated_database.read_bytes())
    with TestClient(create_app(settings)) as client:
        headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        body = client.get("/api/health/detail", headers=headers).json()
        metrics = client.get("/metrics").text
        client.get("/api/health/detail", headers=headers)
    certificate = body["edge_certificate"]
    assert certificate["probed"] is True and certificate["error"] is None
    assert certificate["not_after"] == NOT_AFTER.isoformat().replace("+00:00", "Z")
    assert certificate["not_before"] == NOT_BEFORE.isoformat().replace("+00:00", "Z")
    assert 39 * 86400 < certificate["expires_in_seconds"] <= 40 * 86400
    assert certificate["dns_names"] == ["trading.example.com", "www.trading.example.com"]
    assert (certificate["subject_cn"], certificate["issuer_cn"]) == (
        "trading.example.com",
        "Test Edge CA",
    )
    assert gauge_value(metrics, GAUGE) == NOT_AFTER.timestamp()
    assert gauge_value(metrics, NOT_BEFORE_GAUGE) == NOT_BEFORE.timestamp()
    assert edge.handshakes == 1


def test_a_failed_probe_is_reported_without_failing_readiness_or_a_gauge(
    tmp_path: Path, migrated_database: Path
) -> None:
    with silent_listener() as address:
        pass
    settings = make_settings(tmp_path, EDGE_TLS_PROBE_ADDRESS=address, EDGE_TLS_SERVER_NAME="x")
    settings.database_path.parent.mkdir(parents=True)
    settings.database_path.write_bytes(migrated_database.read_bytes())
    with TestClient(create_app(settings)) as client:
        headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        body = client.get("/api/health/detail", headers=headers).json()
        ready = client.get("/api/health/ready")
        metrics = client.get("/metrics").text
    assert ready.status_code == 200, ready.text
    assert body["status"] == "ready" and body["reasons"] == []
    assert body["edge_certificate"]["probed"] is True
    assert body["edge_certificate"]["not_after"] is None
    assert "refused" in body["edge_certificate"]["error"].lower()
    assert GAUGE not in metrics


def test_without_an_address_nothing_is_probed(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    certificate = client.get("/api/health/detail", headers=auth_headers).json()["edge_certificate"]
    assert certificate == {
        "probed": False,
        "address": None,
        "server_name": None,
        "checked_at": None,
        "not_before": None,
        "not_after": None,
        "expires_in_seconds": None,
        "subject_cn": None,
        "issuer_cn": None,
        "dns_names": [],
        "error": None,
    }
    metrics = client.get("/metrics").text
    assert GAUGE not in metrics and NOT_BEFORE_GAUGE not in metrics


@pytest.mark.parametrize("address", ["edge", "edge:", ":443", "edge:443/x", "http://edge:443"])
def test_an_address_that_is_not_host_and_port_is_refused(tmp_path: Path, address: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        make_settings(tmp_path, EDGE_TLS_PROBE_ADDRESS=address)
