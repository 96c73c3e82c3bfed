"""What changed since the last look: the feed behind WS /ws/updates.

It reads the database rather than listening to the engine, so every process serves the same
feed whichever one holds the engine lock.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from control_plane.sessions import store
from control_plane.sessions.kill_switch import kill_switch_view
from control_plane.sessions.view import fill_view, session_view
from control_plane.times import utc_now

SNAPSHOT_RECENT_SESSIONS = 50
# A write stamped a moment before another may commit after it; looking back this far (and
# sending only rows not sent at that updated_at) catches it.
LOOK_BACK_US = 5_000_000


@dataclass
class UpdateFeed:
    daily_loss_limit: float
    _session_watermark: int = 0
    _fill_watermark: int = 0
    # Tripped, its last change, and the day's PnL in cents: day_pnl moves with every mark, so
    # the dashboard's figure would go stale if only trips and re-arms were sent.
    _kill_switch_seen: tuple[int, int, int] | None = None
    _sent: dict[int, int] = field(default_factory=dict)

    def snapshot(self, conn: sqlite3.Connection) -> dict[str, Any]:
        sessions = store.recent_sessions(conn, SNAPSHOT_RECENT_SESSIONS)
        self._session_watermark = store.last_session_update(conn)
        self._sent = {session.id: session.updated_at for session in sessions}
        self._fill_watermark = store.last_fill_id(conn)
        kill_switch = kill_switch_view(conn, utc_now(), self.daily_loss_limit)
        self._kill_switch_seen = self._kill_switch_key(conn, kill_switch)
        return {
            "type": "snapshot",
            "sessions": [session_view(session) for session in sessions],
            "kill_switch": kill_switch,
        }

    @staticmethod
    def _kill_switch_key(conn: sqlite3.Connection, view: dict[str, Any]) -> tuple[int, int, int]:
        switch = store.kill_switch_state(conn)
        return (int(switch.tripped), switch.updated_at, round(view["day_pnl"] * 100))

    def changes(self, conn: sqlite3.Connection) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        for session in store.sessions_updated_after(conn, self._session_watermark - LOOK_BACK_US):
            self._session_watermark = max(self._session_watermark, session.updated_at)
            if self._sent.get(session.id) == session.updated_at:
                continue
            self._sent[session.id] = session.updated_at
            messages.append({"type": "session", "session": session_view(session)})
        for fill in store.fills_after(conn, self._fill_watermark):
            self._fill_watermark = fill.id
            messages.append(
                {"type": "fill", "session_id": fill.session_id, "fill": fill_view(fill)}
            )
        kill_switch = kill_switch_view(conn, utc_now(), self.daily_loss_limit)
        key = self._kill_switch_key(conn, kill_switch)
        if key != self._kill_switch_seen:
            self._kill_switch_seen = key
            messages.append({"type": "kill_switch", "kill_switch": kill_switch})
        return messages
