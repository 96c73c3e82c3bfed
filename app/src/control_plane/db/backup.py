"""Online backup with SQLite's backup API, verified with integrity_check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAGES_PER_STEP = 1024


def backup_database(source: Path, destination: Path) -> str:
    """Copy `source` to `destination` while it stays in use; returns integrity_check's verdict
    on the copy ("ok" when sound)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")
        verdict = "\n".join(row[0] for row in dst.execute("PRAGMA integrity_check"))
    finally:
        dst.close()
        src.close()
    if verdict == "ok":
        partial.replace(destination)
    return verdict
