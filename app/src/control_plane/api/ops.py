"""The deploy's questions to a running backend, behind `Authorization: Bearer <OPS_API_TOKEN>`
(no user sign-in: the play asks through `control-plane ops` inside the container).

- `GET /api/ops/trading-state`: this process's engine, the active sessions and what they are
  about to do (`sessions.outlook`), and a summary the trading gate decides on.
- `POST /api/ops/engine/hand-off`: this process finishes its tick, releases the engine lock and
  never takes it again (the next backend takes it within a poll); idempotent, audited.
"""

from __future__ import annotations

import hmac
import sqlite3
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel

from control_plane.api.deps import BearerDep, SettingsDep, client_address
from control_plane.api.errors import error_responses
from control_plane.audit import record_audit
from control_plane.db.sqlite import in_worker_thread
from control_plane.sessions import store
from control_plane.sessions.outlook import SessionOutlook, session_outlook
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings, is_placeholder
from control_plane.times import iso_z, utc_now
from control_plane.trading.state_codec import UnreadableState

router = APIRouter(prefix="/api/ops", tags=["ops"])

# Who the audit trail names for a change made with the ops token.
OPS_ACTOR = "ops-token"
OPS_ROLE = "ops"
UNAUTHORIZED = error_responses(401)


def ops_token_matches(settings: Settings, offered: str | None) -> bool:
    """Constant-time; an unset or placeholder OPS_API_TOKEN matches nothing."""
    expected = settings.OPS_API_TOKEN
    return bool(
        offered is not None
        and not is_placeholder(expected)
        and hmac.compare_digest(offered.encode(), expected.encode())
    )


def _refuse() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "the ops token (OPS_API_TOKEN) is required",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def require_ops_token(credentials: BearerDep, settings: SettingsDep) -> None:
    if not ops_token_matches(settings, credentials.credentials if credentials else None):
        raise _refuse()


OpsToken = Annotated[None, Depends(require_ops_token)]


def iso(moment: datetime | None) -> str | None:
    return iso_z(moment) if moment is not None else None


class EngineOut(BaseModel):
    owner: bool
    last_tick_at: str | None
    tick_seconds: float


class SessionStateOut(BaseModel):
    id: int
    mode: Literal["paper", "live"]
    state: str
    strategy: str
    open_position: bool
    next_entry_at: str | None
    next_exit_at: str | None
    in_entry_window: bool
    in_exit_window: bool


class SummaryOut(BaseModel):
    running_live: int
    running_paper: int
    open_positions: int
    next_entry_at: str | None
    next_exit_at: str | None


class TradingStateOut(BaseModel):
    engine: EngineOut
    sessions: list[SessionStateOut]
    summary: SummaryOut


class HandOffOut(BaseModel):
    released: bool
    last_tick_at: str | None


def _outlooks(conn: sqlite3.Connection, now: datetime) -> list[SessionOutlook]:
    outlooks = []
    for session in store.active_sessions(conn):
        try:
            outlooks.append(session_outlook(session, now))
        except UnreadableState:
            # The engine interrupts it; until then it may hold anything, so it counts as busy.
            outlooks.append(
                SessionOutlook(
                    id=session.id,
                    mode=session.mode,
                    state=session.status,
                    strategy=session.strategy_name,
                    open_position=True,
                    next_entry_at=None,
                    next_exit_at=now,
                    in_entry_window=False,
                    in_exit_window=True,
                )
            )
    return outlooks


def _earliest(moments: list[datetime | None]) -> str | None:
    known = [moment for moment in moments if moment is not None]
    return iso(min(known)) if known else None


def trading_state(runner: SessionRunner, outlooks: list[SessionOutlook]) -> TradingStateOut:
    running = [o for o in outlooks if o.state == "running"]
    return TradingStateOut(
        engine=EngineOut(
            owner=runner.holds_lock,
            last_tick_at=iso(runner.last_tick_at),
            tick_seconds=runner.settings.ENGINE_TICK_SECONDS,
        ),
        sessions=[
            SessionStateOut(
                id=o.id,
                mode=o.mode,
                state=o.state,
                strategy=o.strategy,
                open_position=o.open_position,
                next_entry_at=iso(o.next_entry_at),
                next_exit_at=iso(o.next_exit_at),
                in_entry_window=o.in_entry_window,
                in_exit_window=o.in_exit_window,
            )
            for o in outlooks
        ],
        summary=SummaryOut(
            running_live=sum(o.mode == "live" for o in running),
            running_paper=sum(o.mode == "paper" for o in running),
            open_positions=sum(o.open_position for o in outlooks),
            next_entry_at=_earliest([o.next_entry_at for o in outlooks]),
            next_exit_at=_earliest([o.next_exit_at for o in outlooks]),
        ),
    )


@router.get("/trading-state", responses=UNAUTHORIZED)
async def get_trading_state(
    _token: OpsToken, settings: SettingsDep, request: Request
) -> TradingStateOut:
    now = utc_now()
    outlooks = await in_worker_thread(settings.database_path, lambda c: _outlooks(c, now))
    return trading_state(request.app.state.session_runner, outlooks)


@router.post("/engine/hand-off", responses=UNAUTHORIZED)
async def hand_off_engine(
    credentials: BearerDep, settings: SettingsDep, request: Request
) -> HandOffOut:
    """Finish the tick in progress, release the engine lock, never take it again here."""
    source = client_address(request)
    if not ops_token_matches(settings, credentials.credentials if credentials else None):
        record_audit(
            "engine.hand_off",
            actor=None,
            actor_role=None,
            source_address=source,
            target="engine",
            outcome="refused",
            status_code=status.HTTP_401_UNAUTHORIZED,
            reason="no valid ops token",
        )
        raise _refuse()
    runner: SessionRunner = request.app.state.session_runner
    held = runner.holds_lock
    last_tick_at = await runner.hand_off("ops API")
    record_audit(
        "engine.hand_off",
        actor=OPS_ACTOR,
        actor_role=OPS_ROLE,
        source_address=source,
        target="engine",
        held_engine=held,
        last_tick_at=iso(last_tick_at),
    )
    return HandOffOut(released=True, last_tick_at=iso(last_tick_at))
