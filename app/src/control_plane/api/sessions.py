"""Trading sessions and the kill switch: /api/sessions, /api/strategies/{id}/sessions,
/api/kill-switch. Reads need sign-in; every change needs the admin role."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.analytics.queries import session_closed_trades
from control_plane.api.analytics import SeriesPoint
from control_plane.api.audited import audited
from control_plane.api.deps import (
    MAX_ROW_ID,
    AdminUser,
    CurrentUser,
    RowId,
    SessionDep,
    SettingsDep,
    audit,
)
from control_plane.api.errors import SIGNED_IN, error_responses
from control_plane.api.query_params import OptionalIdQuery, OptionalStatusQuery
from control_plane.api.session_models import (
    EventPage,
    FillPage,
    KillSwitchOut,
    SessionDetail,
    SessionOut,
)
from control_plane.api.strategies import existing_strategy, strategy_target
from control_plane.db.schema import ACTIVE_STATUSES
from control_plane.db.sqlite import in_worker_thread
from control_plane.sessions import store
from control_plane.sessions.control import (
    ImpossibleTransition,
    KillSwitchTripped,
    SessionControl,
    SessionNotFound,
    start_session,
)
from control_plane.sessions.kill_switch import KILL_SWITCH_TARGET, kill_switch_view, rearm, trip
from control_plane.sessions.view import event_view, fill_view, session_detail_view, session_view
from control_plane.settings import Settings
from control_plane.times import utc_now
from control_plane.trading.metrics import cumulative_pnl_series

router = APIRouter(tags=["sessions"])
T = TypeVar("T")


def session_target(session_id: int) -> str:
    return f"session:{session_id}"


class StartSession(BaseModel):
    """`live` trades on Delta Exchange and needs LIVE_TRADING_ENABLED and the API key."""

    mode: Literal["paper", "live"] = "paper"
    enter_now: bool = False


# How long stop or panic of a live session waits for the engine to buy the position back
# before answering 202 with the session still closing.
LIVE_CLOSE_WAIT_SECONDS = 10.0


class TripRequest(BaseModel):
    reason: str = Field("tripped by an operator", min_length=1, max_length=500)


async def _in_db(settings: Settings, work: Callable[[sqlite3.Connection], T]) -> T:
    return await in_worker_thread(settings.database_path, work)


def _not_found(session_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"session {session_id} not found")


def _session_or_404(conn: sqlite3.Connection, session_id: int) -> SessionOut:
    session = store.load_session(conn, session_id)
    if session is None:
        raise _not_found(session_id)
    return SessionOut.model_validate(session_view(session))


@router.get("/api/sessions", responses=SIGNED_IN)
async def list_sessions(
    _user: CurrentUser,
    settings: SettingsDep,
    status_filter: OptionalStatusQuery = None,
    strategy_id: OptionalIdQuery = None,
) -> list[SessionOut]:
    sessions = await _in_db(settings, lambda c: store.list_sessions(c, status_filter, strategy_id))
    return [SessionOut.model_validate(session_view(session)) for session in sessions]


@router.get("/api/sessions/{session_id}", responses=error_responses(401, 404))
async def get_session(
    session_id: RowId, _user: CurrentUser, settings: SettingsDep
) -> SessionDetail:
    """The session with the strategy configuration it runs with."""

    def read(conn: sqlite3.Connection) -> SessionDetail:
        session = store.load_session(conn, session_id)
        if session is None:
            raise _not_found(session_id)
        return SessionDetail.model_validate(session_detail_view(session))

    return await _in_db(settings, read)


MAX_SESSION_PAGE_SIZE = 500
# The page's row offset must fit SQLite's 64-bit integers (a 422 rather than a driver error).
MAX_SESSION_PAGE = MAX_ROW_ID // MAX_SESSION_PAGE_SIZE
PageQuery = Annotated[int, Query(ge=1, le=MAX_SESSION_PAGE, description="1 is the newest")]
PageSizeQuery = Annotated[int, Query(ge=1, le=MAX_SESSION_PAGE_SIZE)]


def _paged(
    settings: Settings,
    session_id: int,
    page: int,
    page_size: int,
    read_page: Callable[[sqlite3.Connection, int, int, int], list[dict[str, Any]]],
    count: Callable[[sqlite3.Connection, int], int],
) -> Awaitable[dict[str, Any]]:
    """One page of a session's rows, newest first, with the total (404 for no such session)."""

    def read(conn: sqlite3.Connection) -> dict[str, Any]:
        _session_or_404(conn, session_id)
        return {
            "items": read_page(conn, session_id, page_size, (page - 1) * page_size),
            "page": page,
            "page_size": page_size,
            "total": count(conn, session_id),
        }

    return _in_db(settings, read)


@router.get("/api/sessions/{session_id}/events", responses=error_responses(401, 404))
async def session_events(
    session_id: RowId,
    _user: CurrentUser,
    settings: SettingsDep,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
) -> EventPage:
    """The session's timeline, newest first."""

    def events(conn: sqlite3.Connection, sid: int, limit: int, offset: int) -> list[dict[str, Any]]:
        return [event_view(event) for event in store.session_events(conn, sid, limit, offset)]

    page_read = _paged(settings, session_id, page, page_size, events, store.count_session_events)
    return EventPage.model_validate(await page_read)


@router.get("/api/sessions/{session_id}/fills", responses=error_responses(401, 404))
async def session_fills(
    session_id: RowId,
    _user: CurrentUser,
    settings: SettingsDep,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
) -> FillPage:
    """The session's fills, newest first."""

    def fills(conn: sqlite3.Connection, sid: int, limit: int, offset: int) -> list[dict[str, Any]]:
        return [fill_view(fill) for fill in store.session_fills(conn, sid, limit, offset)]

    page_read = _paged(settings, session_id, page, page_size, fills, store.count_fills)
    return FillPage.model_validate(await page_read)


@router.get("/api/sessions/{session_id}/pnl", responses=error_responses(401, 404))
async def session_pnl(
    session_id: RowId, _user: CurrentUser, settings: SettingsDep
) -> list[SeriesPoint]:
    """PnL over time in USD: 0 at the start, realised after each closed trade, and while the
    session runs, realised plus unrealised now."""

    def read(conn: sqlite3.Connection) -> list[SeriesPoint]:
        session = _session_or_404(conn, session_id)
        trades = cumulative_pnl_series(session_closed_trades(conn, session_id))
        points = [SeriesPoint(time=session.started_at, value=0.0)]
        points += [SeriesPoint(time=point.at, value=point.value) for point in trades]
        if session.status in ACTIVE_STATUSES:
            total = session.realised_pnl + session.unrealised_pnl
            points.append(SeriesPoint(time=session.updated_at, value=total))
        return points

    return await _in_db(settings, read)


@router.post(
    "/api/strategies/{strategy_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409),
)
async def create_session(
    strategy_id: RowId,
    body: StartSession,
    admin: AdminUser,
    settings: SettingsDep,
    session: SessionDep,
    request: Request,
) -> SessionOut:
    target = strategy_target(strategy_id)
    refusal = settings.live_trading_refusal if body.mode == "live" else None
    if refusal is not None:
        audit(
            request, admin, "live_trading.refused", target=target, outcome="refused", reason=refusal
        )
        raise HTTPException(status.HTTP_409_CONFLICT, refusal)
    with audited(request, admin, "session.start", target=target, mode=body.mode) as note:
        started = await _start_session(strategy_id, body, settings, session)
        note.details["session_id"] = started.id
        return started


async def _start_session(
    strategy_id: int, body: StartSession, settings: Settings, session: AsyncSession
) -> SessionOut:
    config = (await existing_strategy(session, strategy_id)).config

    def start(conn: sqlite3.Connection) -> SessionOut:
        try:
            session_id = start_session(
                conn, strategy_id, config, utc_now(), mode=body.mode, enter_now=body.enter_now
            )
        except KillSwitchTripped:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "the kill switch is tripped; re-arm it first"
            ) from None
        except store.ActiveSessionExists:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"strategy {strategy_id} already has a running or paused session",
            ) from None
        return _session_or_404(conn, session_id)

    return await _in_db(settings, start)


SessionAction = Literal["pause", "resume", "stop", "panic"]


def _apply(control: SessionControl, session_id: int, action: SessionAction, by: str) -> bool:
    """Returns False when a live session was only asked to close (the engine does it)."""
    now = utc_now()
    if action == "pause":
        control.change_status(session_id, now, "paused", f"paused by {by}")
    elif action == "resume":
        control.change_status(session_id, now, "running", f"resumed by {by}")
    elif action == "stop":
        return control.end(session_id, now, "stopped", f"stopped by {by}")
    else:
        return control.end(session_id, now, "panic_closed", f"panic by {by}")
    return True


@router.post(
    "/api/sessions/{session_id}/{action}",
    responses={
        202: {
            "model": SessionOut,
            "description": "A live session's stop or panic is under way: the engine is still"
            " buying the position back on Delta; the session ends when it has.",
        },
        **error_responses(401, 403, 404, 409),
    },
)
async def control_session(
    session_id: RowId,
    action: SessionAction,
    admin: AdminUser,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> SessionOut:
    """pause (no new entries), resume, stop (close at market, end), panic (close at market
    now, end as panic_closed). A live session's close is done by the engine on Delta; the
    answer waits a few seconds for it, then is 202 if it is still under way."""

    def run(conn: sqlite3.Connection) -> tuple[bool, SessionOut]:
        try:
            done = _apply(SessionControl(conn), session_id, action, admin.username)
        except SessionNotFound:
            raise _not_found(session_id) from None
        except ImpossibleTransition as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return done, _session_or_404(conn, session_id)

    with audited(request, admin, f"session.{action}", target=session_target(session_id)):
        done, session = await _in_db(settings, run)
    if done:
        return session
    runner = request.app.state.session_runner
    if runner.holds_lock:
        runner.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIVE_CLOSE_WAIT_SECONDS
        while session.status in ACTIVE_STATUSES and loop.time() < deadline:
            await asyncio.sleep(0.2)
            session = await _in_db(settings, lambda c: _session_or_404(c, session_id))
    if session.status in ACTIVE_STATUSES:
        response.status_code = status.HTTP_202_ACCEPTED
    return session


def _kill_switch(conn: sqlite3.Connection, limit: float) -> KillSwitchOut:
    return KillSwitchOut.model_validate(kill_switch_view(conn, utc_now(), limit))


@router.get("/api/kill-switch", responses=SIGNED_IN)
async def get_kill_switch(_user: CurrentUser, settings: SettingsDep) -> KillSwitchOut:
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT
    return await _in_db(settings, lambda c: _kill_switch(c, limit))


@router.post("/api/kill-switch/trip", responses=error_responses(401, 403))
async def trip_kill_switch(
    body: TripRequest, admin: AdminUser, settings: SettingsDep, request: Request
) -> KillSwitchOut:
    """Panic-closes every session; live positions are bought back on Delta by the engine,
    which this wakes."""
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT

    def run(conn: sqlite3.Connection) -> KillSwitchOut:
        trip(SessionControl(conn), utc_now(), f"{body.reason} (by {admin.username})")
        return _kill_switch(conn, limit)

    with audited(request, admin, "kill_switch.trip", target=KILL_SWITCH_TARGET, reason=body.reason):
        tripped = await _in_db(settings, run)
    request.app.state.session_runner.wake()
    return tripped


@router.post("/api/kill-switch/rearm", responses=error_responses(401, 403))
async def rearm_kill_switch(
    admin: AdminUser, settings: SettingsDep, request: Request
) -> KillSwitchOut:
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT

    def run(conn: sqlite3.Connection) -> KillSwitchOut:
        rearm(conn, utc_now(), admin.username)
        return _kill_switch(conn, limit)

    with audited(request, admin, "kill_switch.rearm", target=KILL_SWITCH_TARGET):
        return await _in_db(settings, run)
