"""Ask the edge's /api/health/ready (over HTTPS, certificate verified against a CA file) every
500 ms until the stop file appears, and keep every engine tick a backend that owns the engine
reported (its `engine.last_tick_at`); then write the ticks seen, in order, and the longest gap
between two of them. A backend that does not own the engine (the new one waiting on the lock, the
old one after its hand-off) is asked too, as the edge sends requests to either: its answers are
counted, not its ticks."""

import json
import os
import ssl
import sys
import time
import urllib.request
from datetime import datetime

url, stop_file, out_file, ca_file = sys.argv[1:5]
context = ssl.create_default_context(cafile=ca_file or None)
ticks: set[str] = set()
answers = {"owner": 0, "not_owner": 0, "failed": 0}
while not os.path.exists(stop_file):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            engine = json.load(response).get("engine") or {}
    except (OSError, ValueError):
        answers["failed"] += 1
    else:
        answers["owner" if engine.get("owner") else "not_owner"] += 1
        if engine.get("owner") and engine.get("last_tick_at"):
            ticks.add(engine["last_tick_at"])
    time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))
moments = sorted(datetime.fromisoformat(tick.replace("Z", "+00:00")).timestamp() for tick in ticks)
gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
with open(out_file, "w") as out:
    json.dump(
        {
            "ticks": len(moments),
            "first_tick": moments[0] if moments else None,
            "last_tick": moments[-1] if moments else None,
            "longest_gap_seconds": round(max(gaps), 3) if gaps else None,
            "moments": moments,
            "answers": answers,
        },
        out,
    )
