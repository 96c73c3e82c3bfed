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


# What a deploy leaves in data/backups/ before it changes a release (roles/app_backup); the
# databases a restore replaced are kept beside them but are not backups.
BACKUPS_DIR = Path("backups")
REPLACED_SUFFIX = "-replaced-by-restore.db"


def newest_backup_age_seconds(data_dir: Path, now: float) -> float | None:
    """Seconds since the newest backup in data/backups/ was written; None when there is none."""
    newest = None
    for path in (data_dir / BACKUPS_DIR).glob("*.db"):
        if path.name.endswith(REPLACED_SUFFIX):
            continue
        try:
            written = path.stat().st_mtime
        except OSError:
            continue
        newest = written if newest is None else max(newest, written)
    return None if newest is None else round(max(0.0, now - newest), 3)
