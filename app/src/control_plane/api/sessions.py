"""Trading sessions and the kill switch: /api/sessions, /api/strategies/{id}/sessions,
/api/kill-switch. Reads need sign-in; every change needs the admin role."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from control_plane.api.deps import AdminUser, CurrentUser, RowId, SessionDep, SettingsDep
from control_plane.api.query_params import OptionalIdQuery, OptionalStatusQuery
from control_plane.api.strategies import existing_strategy
from control_plane.db.strategies import config_of
from control_plane.sessions import store
from control_plane.sessions.control import KillSwitchTripped, start_session
from control_plane.sessions.execution import (
    ImpossibleTransition,
    SessionExecutor,
    SessionNotFound,
)
from control_plane.sessions.kill_switch import kill_switch_view, rearm, trip
from control_plane.sessions.times import utc_now
from control_plane.sessions.view import event_view, session_view
from control_plane.settings import Settings

router = APIRouter(tags=["sessions"])
T = TypeVar("T")


class StartSession(BaseModel):
    mode: Literal["paper"] = "paper"
    enter_now: bool = False


class TripRequest(BaseModel):
    reason: str = Field("tripped by an operator", min_length=1, max_length=500)


async def _in_db(settings: Settings, work: Callable[[sqlite3.Connection], T]) -> T:
    return await store.in_worker_thread(settings.database_path, work)


def _not_found(session_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"session {session_id} not found")


def _session_or_404(conn: sqlite3.Connection, session_id: int) -> dict[str, Any]:
    row = store.load_session(conn, session_id)
    if row is None:
        raise _not_found(session_id)
    return session_view(row)


@router.get("/api/sessions")
async def list_sessions(
    _user: CurrentUser,
    settings: SettingsDep,
    status_filter: OptionalStatusQuery = None,
    strategy_id: OptionalIdQuery = None,
) -> list[dict[str, Any]]:
    rows = await _in_db(settings, lambda c: store.list_sessions(c, status_filter, strategy_id))
    return [session_view(row) for row in rows]


@router.get("/api/sessions/{session_id}")
async def get_session(
    session_id: RowId, _user: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    return await _in_db(settings, lambda c: _session_or_404(c, session_id))


@router.get("/api/sessions/{session_id}/events")
async def session_events(
    session_id: RowId,
    _user: CurrentUser,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    def read(conn: sqlite3.Connection) -> list[dict[str, Any]]:
        _session_or_404(conn, session_id)
        return [event_view(row) for row in store.session_events(conn, session_id, limit)]

    return await _in_db(settings, read)


@router.post("/api/strategies/{strategy_id}/sessions", status_code=status.HTTP_201_CREATED)
async def create_session(
    strategy_id: RowId,
    body: StartSession,
    _admin: AdminUser,
    settings: SettingsDep,
    session: SessionDep,
) -> dict[str, Any]:
    config = config_of(await existing_strategy(session, strategy_id))

    def start(conn: sqlite3.Connection) -> dict[str, Any]:
        try:
            session_id = start_session(
                conn, strategy_id, config, utc_now(), mode=body.mode, enter_now=body.enter_now
            )
        except KillSwitchTripped:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "the kill switch is tripped; re-arm it first"
            ) from None
        except store.LiveSessionExists:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"strategy {strategy_id} already has a running or paused session",
            ) from None
        return _session_or_404(conn, session_id)

    return await _in_db(settings, start)


SessionAction = Literal["pause", "resume", "stop", "panic"]


def _apply(executor: SessionExecutor, session_id: int, action: SessionAction, by: str) -> None:
    now = utc_now()
    if action == "pause":
        executor.change_status(session_id, now, "paused", f"paused by {by}")
    elif action == "resume":
        executor.change_status(session_id, now, "running", f"resumed by {by}")
    elif action == "stop":
        executor.end(session_id, now, "stopped", f"stopped by {by}")
    else:
        executor.end(session_id, now, "panic_closed", f"panic by {by}")


@router.post("/api/sessions/{session_id}/{action}")
async def control_session(
    session_id: RowId, action: SessionAction, admin: AdminUser, settings: SettingsDep
) -> dict[str, Any]:
    """pause (no new entries), resume, stop (close at market, end), panic (close at market
    now, end as panic_closed)."""

    def run(conn: sqlite3.Connection) -> dict[str, Any]:
        try:
            _apply(SessionExecutor(conn), session_id, action, admin.username)
        except SessionNotFound:
            raise _not_found(session_id) from None
        except ImpossibleTransition as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return _session_or_404(conn, session_id)

    return await _in_db(settings, run)


@router.get("/api/kill-switch")
async def get_kill_switch(_user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT
    return await _in_db(settings, lambda c: kill_switch_view(c, utc_now(), limit))


@router.post("/api/kill-switch/trip")
async def trip_kill_switch(
    body: TripRequest, admin: AdminUser, settings: SettingsDep
) -> dict[str, Any]:
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT

    def run(conn: sqlite3.Connection) -> dict[str, Any]:
        trip(SessionExecutor(conn), utc_now(), f"{body.reason} (by {admin.username})")
        return kill_switch_view(conn, utc_now(), limit)

    return await _in_db(settings, run)


@router.post("/api/kill-switch/rearm")
async def rearm_kill_switch(admin: AdminUser, settings: SettingsDep) -> dict[str, Any]:
    limit = settings.KILL_SWITCH_DAILY_LOSS_LIMIT

    def run(conn: sqlite3.Connection) -> dict[str, Any]:
        rearm(conn, utc_now(), admin.username)
        return kill_switch_view(conn, utc_now(), limit)

    return await _in_db(settings, run)
