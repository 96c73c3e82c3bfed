"""TEST-ONLY: an HTTP receiver that records every notification posted to it (Apprise's json://
and form:// URLs post here), and shows what it got on GET /received as a JSON list.

Used by the app's tests (in a thread) and by molecule, where it runs beside the host:
    python3 notify_receiver.py --bind 0.0.0.0 --port 8025
Standard library only, so any Python image runs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1024 * 1024


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, RecordingHandler)
        self.received: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.received.append(entry)

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.received)


class RecordingHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        self.server.record(
            {
                "received_at": datetime.now(UTC).isoformat(),
                "source": self.client_address[0],
                "path": self.path,
                "body": body,
            }
        )
        self._answer(200, {"recorded": True})

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/received":
            self._answer(404, {"detail": "GET /received lists what was posted"})
            return
        self._answer(200, self.server.snapshot())

    def _answer(self, status: int, document: Any) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        print(f"{self.client_address[0]} {format % args}", file=sys.stderr, flush=True)


@contextmanager
def receiving(host: str = "127.0.0.1") -> Iterator[Receiver]:
    """A receiver on a free loopback port in a background thread."""
    receiver = Receiver((host, 0))
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    Receiver((args.bind, args.port)).serve_forever()


if __name__ == "__main__":
    main()
