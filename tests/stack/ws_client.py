"""A minimal WebSocket client (RFC 6455) over a plain socket: enough to open /ws/updates
through nginx, send the first message and read the answer or the close code, without adding
a package to the ops tools."""

import base64
import json
import os
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

OPCODE_TEXT, OPCODE_CLOSE = 0x1, 0x8


@dataclass
class Answer:
    """What the server did: sent a JSON message, or closed with a code."""

    message: dict | None = None
    close_code: int | None = None
    handshake_headers: dict[str, str] | None = None


# Longer than the 10 s the server waits for a silent client's auth message before closing it.
READ_TIMEOUT_SECONDS = 30


class WebSocket:
    def __init__(self, url: str, timeout: float = READ_TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.sock.sendall(
            (
                f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://{parts.netloc}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in status_line:
            raise ConnectionError(f"handshake refused: {status_line}")
        self.headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in header_lines)
        }

    def send_json(self, document: dict) -> None:
        payload = json.dumps(document).encode()
        mask = os.urandom(4)
        header = bytes([0x80 | OPCODE_TEXT])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed without a close frame")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self) -> Answer:
        """The next text message or the close, skipping pings."""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == OPCODE_TEXT:
                return Answer(message=json.loads(payload), handshake_headers=self.headers)
            if opcode == OPCODE_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return Answer(close_code=code, handshake_headers=self.headers)

    def close(self) -> None:
        self.sock.close()


def open_and_receive(url: str, first_message: dict | None = None) -> Answer:
    socket_ = WebSocket(url)
    try:
        if first_message is not None:
            socket_.send_json(first_message)
        return socket_.receive()
    finally:
        socket_.close()
