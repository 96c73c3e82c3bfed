"""Request a URL (the edge's /api/health over HTTPS, certificate verified against a CA file) every
100 ms until the stop file appears, then write what was seen: requests, failed requests, and the
seconds during which requests failed (from a failed request to the next answered one)."""

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

url, stop_file, out_file, ca_file = sys.argv[1:5]
context = ssl.create_default_context(cafile=ca_file or None)
total = failed = 0
failing_since = None
failed_seconds = 0.0
statuses: dict[str, int] = {}
while not os.path.exists(stop_file):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            status = str(response.status)
    except urllib.error.HTTPError as error:
        status = str(error.code)
    except OSError as error:
        status = type(error).__name__
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
            "failed_seconds": round(failed_seconds, 2),
            "statuses": statuses,
        },
        out,
    )
