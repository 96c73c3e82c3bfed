"""One log pipeline per database: the database lock named `log-pipeline`."""

from __future__ import annotations

from pathlib import Path

from control_plane.db.database_lock import DatabaseLock


class PipelineLock(DatabaseLock):
    @classmethod
    def for_database(cls, database_path: Path, purpose: str = "log-pipeline") -> DatabaseLock:
        return super().for_database(database_path, purpose)
