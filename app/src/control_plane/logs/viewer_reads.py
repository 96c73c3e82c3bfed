"""The Log Viewer's own reads (GET /api/logs and below): logged at DEBUG by the app and
stored at DEBUG from the edge's access log, so the live tail shows the system rather than
the viewer watching it. Its writes (POST /api/logs/batch) stay at their usual level."""

from __future__ import annotations

import re

VIEWER_READ_PREFIX = "/api/logs"
READ_METHODS = frozenset({"GET", "HEAD"})
# The query, or what the edge's access log puts in its place ("[REDACTED]").
_QUERY = re.compile(r"[?\[]")


def is_viewer_read(method: str | None, path: str | None) -> bool:
    path = _QUERY.split(path or "", maxsplit=1)[0]
    under = path == VIEWER_READ_PREFIX or path.startswith(VIEWER_READ_PREFIX + "/")
    return method in READ_METHODS and under
