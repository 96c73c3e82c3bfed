"""Request a URL (the edge's /api/health over HTTPS, certificate verified against a CA file) every
100 ms until the stop file appears, then write what was seen: requests, failed requests, and the
seconds during which requests failed (from a failed request to the next answered one).

A request whose connection is closed before any answer is sent again once, as HTTP clients may for
an idempotent request (RFC 9112, 9.3.1): counted as `retried`, and as failed only if it fails again
(Caddy's graceful reload can close a connection it has just accepted)."""

import http.client
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

url, stop_file, out_file, ca_file = sys.argv[1:5]
context = ssl.create_default_context(cafile=ca_file or None)


def request_status() -> str:
    """The answer's status code, "closed" when the connection closed before any answer, or the
    error's name."""
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as response:
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except OSError as error:
        cause = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(cause, (http.client.RemoteDisconnected, ConnectionResetError)):
            return "closed"
        return type(error).__name__


total = failed = retried = 0
failing_since = None
failed_seconds = 0.0
statuses: dict[str, int] = {}
while not os.path.exists(stop_file):
    started = time.monotonic()
    status = request_status()
    if status == "closed":
        retried += 1
        status = request_status()
    total += 1
    statuses[status] = statuses.get(status, 0) + 1
    if status == "200":
        if failing_since is not None:
            failed_seconds += started - failing_since
            failing_since = None
    else:
        failed += 1
        if failing_since is None:
            failing_since = started
    time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
if failing_since is not None:
    failed_seconds += time.monotonic() - failing_since
with open(out_file, "w") as out:
    json.dump(
        {
            "requests": total,
            "failed": failed,
            "retried": retried,
            "failed_seconds": round(failed_seconds, 2),
            "statuses": statuses,
        },
        out,
    )
