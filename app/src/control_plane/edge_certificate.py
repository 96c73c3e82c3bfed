"""The certificate the edge serves, read from a TLS handshake with it over app-net
(EDGE_TLS_PROBE_ADDRESS, EDGE_TLS_SERVER_NAME): its end of validity, names and issuer.

The certificate is taken without verifying it: what matters is when the one the edge serves
expires, whichever CA signed it (ACME, provided, the edge's internal CA). A failed handshake is an
answer too (an error string), never an exception, and never a readiness reason.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

# The System screen asks every 5 s and Prometheus every 15 s: one handshake per window serves them.
SUCCESS_TTL_SECONDS = 300.0
# A failure is asked again sooner, so an edge that comes up (or is fixed) shows within a minute.
FAILURE_TTL_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    not_before: datetime
    not_after: datetime
    subject_cn: str | None
    issuer_cn: str | None
    dns_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe: the facts, or why there are none. checked_at is epoch seconds."""

    checked_at: float
    facts: CertificateFacts | None
    error: str | None


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def certificate_facts(der: bytes) -> CertificateFacts:
    """What a DER certificate says about its validity and names."""
    certificate = x509.load_der_x509_certificate(der)
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        dns_names = tuple(san.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        dns_names = ()
    return CertificateFacts(
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        subject_cn=_common_name(certificate.subject),
        issuer_cn=_common_name(certificate.issuer),
        dns_names=dns_names,
    )


def split_address(address: str) -> tuple[str, int]:
    """host:port (a bracketed IPv6 host too); ValueError when it is not one."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"{address!r} is not host:port")
    return host.removeprefix("[").removesuffix("]"), int(port)


def peer_certificate(address: str, server_name: str, timeout: float) -> bytes:
    """The DER certificate the server at `address` presents for `server_name`, unverified."""
    host, port = split_address(address)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=server_name or None) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server presented no certificate")
    return der


def probe(address: str, server_name: str, timeout: float, now: float) -> ProbeResult:
    try:
        facts = certificate_facts(peer_certificate(address, server_name, timeout))
    except (OSError, ValueError) as exc:  # ssl.SSLError and socket.timeout are OSErrors
        return ProbeResult(checked_at=now, facts=None, error=f"{type(exc).__name__}: {exc}")
    return ProbeResult(checked_at=now, facts=facts, error=None)


class EdgeCertificateProbe:
    """The edge's certificate, probed at most once per TTL whoever asks (threads included)."""

    def __init__(
        self,
        address: str,
        server_name: str,
        *,
        timeout: float = CONNECT_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.address = address
        self.server_name = server_name
        self.timeout = timeout
        self.clock = clock
        self._lock = threading.Lock()
        self._last: ProbeResult | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def _fresh(self, now: float) -> bool:
        last = self._last
        if last is None:
            return False
        ttl = SUCCESS_TTL_SECONDS if last.error is None else FAILURE_TTL_SECONDS
        return 0 <= now - last.checked_at < ttl

    def read(self) -> ProbeResult | None:
        """The newest answer, probing again when it is stale; None when not probed (no address)."""
        if not self.enabled:
            return None
        with self._lock:
            now = self.clock()
            if not self._fresh(now):
                self._last = probe(self.address, self.server_name, self.timeout, now)
            return self._last
