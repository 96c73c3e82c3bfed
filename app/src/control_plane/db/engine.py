"""Kept only for `main.py` (Part C of issue 14), which re-points to `db.sqlite` and deletes it."""

from control_plane.db.sqlite import create_engine, create_session_factory

__all__ = ["create_engine", "create_session_factory"]
