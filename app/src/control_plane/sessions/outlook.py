"""What the active sessions are about to do, for whoever must decide whether the engine may be
replaced now (the deploy's trading gate), and which exits an engine taking over finds overdue.

- `next_exit_at`: when the open position must be closed by its clock (the exit deadline or the
  expiry, whichever comes first); a stop asked of a live session is due when it was asked.
  None without a position.
- `next_entry_at`: the earliest moment the engine may open a position: the tick's time when it
  may enter now, else the next entry time (after the open position's exit). None when paused.
- `in_entry_window`: the engine may open a position at any tick now.
- `in_exit_window`: a position is open and its exit is due within EXIT_WINDOW, overdue, or in
  flight (a stop asked, close orders sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from control_plane.db.schema import SessionMode
from control_plane.sessions.ledger import decode
from control_plane.sessions.live_orders import CloseRequest, PendingOrders
from control_plane.sessions.store import SessionRecord
from control_plane.times import from_us
from control_plane.trading.paper_engine import EngineState, OpenPosition
from control_plane.trading.schedule import entry_session_start, next_occurrence
from control_plane.trading.state_codec import UnreadableState
from control_plane.trading.strategy_config import StrategyConfig

# The last minutes before a due exit: an engine replaced then would hand the exit to one that
# is still starting.
EXIT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class SessionOutlook:
    id: int
    mode: SessionMode
    state: str
    strategy: str
    open_position: bool
    next_entry_at: datetime | None
    next_exit_at: datetime | None
    in_entry_window: bool
    in_exit_window: bool


def _pending(session: SessionRecord) -> PendingOrders | None:
    if not session.pending_orders:
        return None
    try:
        return PendingOrders.from_json(session.pending_orders)
    except UnreadableState:
        return None  # the live executor interrupts the session on its next tick


def open_position(session: SessionRecord, state: EngineState) -> OpenPosition | None:
    """The position held, or being opened on Delta (orders in flight)."""
    if state.position is not None:
        return state.position
    pending = _pending(session)
    return pending.position if pending is not None else None


def exit_due_at(session: SessionRecord, state: EngineState) -> datetime | None:
    """When the session's position must be closed, whatever the market does (see above)."""
    position = open_position(session, state)
    if position is None:
        return None
    if session.mode == "live" and CloseRequest.from_row(session.close_request) is not None:
        return from_us(session.updated_at)
    return min(position.exit_deadline, position.expiry)


def _closing(session: SessionRecord) -> bool:
    pending = _pending(session)
    return bool(session.close_request) or (pending is not None and pending.kind == "close")


def _may_enter_now(
    session: SessionRecord, config: StrategyConfig, state: EngineState, now: datetime
) -> bool:
    if session.status != "running" or open_position(session, state) is not None:
        return False
    if session.enter_now:
        return True
    window = entry_session_start(config, now)
    return window is not None and state.last_entry_session != window


def session_outlook(session: SessionRecord, now: datetime) -> SessionOutlook:
    """Raises UnreadableState when the stored session cannot be read (the engine interrupts it)."""
    config, state = decode(session)
    exit_at = exit_due_at(session, state)
    may_enter = _may_enter_now(session, config, state, now)
    entry_at: datetime | None = None
    if session.status == "running":
        entry_at = (
            now
            if may_enter
            else next_occurrence(config.entry_time, config.zone, max(now, exit_at or now))
        )
    return SessionOutlook(
        id=session.id,
        mode=session.mode,
        state=session.status,
        strategy=session.strategy_name,
        open_position=exit_at is not None,
        next_entry_at=entry_at,
        next_exit_at=exit_at,
        in_entry_window=may_enter,
        in_exit_window=exit_at is not None and (exit_at - now <= EXIT_WINDOW or _closing(session)),
    )
