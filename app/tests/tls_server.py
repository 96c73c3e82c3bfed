"""A real TLS server on a loopback port (Python's ssl on a certificate made here with
`cryptography`), for the edge certificate probe's tests: it counts handshakes and records the
server name each client asked for."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue_certificate(
    directory: Path,
    *,
    names: list[str],
    not_after: datetime,
    not_before: datetime | None = None,
    issuer_cn: str = "Test Edge CA",
) -> tuple[Path, Path]:
    """A leaf for `names` signed by a throwaway CA no client trusts; (cert.pem, key.pem)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    not_before = not_before or datetime.now(UTC) - timedelta(days=1)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(_name(issuer_cn))
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class TlsServer:
    address: str
    # One entry a handshake, recorded before the server answers it (so before the client returns).
    server_names: list[str | None] = field(default_factory=list)

    @property
    def handshakes(self) -> int:
        return len(self.server_names)


@contextmanager
def serve_tls(cert_path: Path, key_path: Path) -> Iterator[TlsServer]:
    """Accept connections, complete the handshake, close; until the block ends."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    server = TlsServer(address=f"127.0.0.1:{listener.getsockname()[1]}")

    def remember_name(_: ssl.SSLObject, name: str | None, __: ssl.SSLContext) -> None:
        server.server_names.append(name)

    context.sni_callback = remember_name  # type: ignore[assignment]
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@contextmanager
def silent_listener() -> Iterator[str]:
    """A port that accepts TCP connections and never answers a handshake (a hung edge)."""
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
