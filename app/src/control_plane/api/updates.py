"""WS /ws/updates: a snapshot, then sessions, fills and kill switch changes, and the Log
Viewer's live tail for a client that subscribes to it (`logs.live_tail`).

The credential never travels in the URL (URLs end up in access logs): the client's first
message is `{"type": "auth", "token": "<access token>"}`. The socket is then bound to that
token's auth session, re-checked every update interval, and closed with 4401 once the session
is revoked, past its absolute expiry, or its user deactivated.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError

from control_plane.api.deps import read_user
from control_plane.db.sqlite import in_worker_thread
from control_plane.logs.live_tail import LiveLogTail
from control_plane.security import TokenClaims, read_token_claims
from control_plane.sessions.updates import UpdateFeed

router = APIRouter(tags=["updates"])

SIGN_IN_REQUIRED_CLOSE_CODE = 4401
SIGN_IN_REQUIRED = "sign-in required"
AUTH_MESSAGE_TIMEOUT_SECONDS = 10.0
MAX_TOKEN_LENGTH = 4096


class AuthMessage(BaseModel):
    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


async def _receive_auth_token(websocket: WebSocket) -> str | None:
    """The token of a well-formed first message sent in time, else None."""
    try:
        message = await asyncio.wait_for(websocket.receive(), AUTH_MESSAGE_TIMEOUT_SECONDS)
    except TimeoutError:
        return None
    text = message.get("text")
    if message["type"] != "websocket.receive" or not isinstance(text, str):
        return None
    try:
        return AuthMessage.model_validate_json(text).token
    except ValidationError:
        return None


async def _session_still_valid(websocket: WebSocket, claims: TokenClaims) -> bool:
    # A socket's reads run on plain sqlite3 connections in worker threads: a socket closed or
    # cancelled mid-read leaves that thread to finish and close its connection, where a
    # cancelled aiosqlite connection could hang the event loop's shutdown (its graceful and its
    # forced close race in SQLAlchemy's terminate).
    def still_valid(conn: sqlite3.Connection) -> bool:
        return read_user(conn, claims) is not None

    return await in_worker_thread(websocket.app.state.settings.database_path, still_valid)


async def _authenticate(websocket: WebSocket) -> TokenClaims | None:
    token = await _receive_auth_token(websocket)
    claims = read_token_claims(token, websocket.app.state.settings.JWT_SECRET) if token else None
    if claims is None or not await _session_still_valid(websocket, claims):
        return None
    return claims


@router.websocket("/ws/updates")
async def updates(websocket: WebSocket) -> None:
    # Accepted first: a close before the handshake completes cannot carry a code.
    await websocket.accept()
    claims = await _authenticate(websocket)
    if claims is None:
        with contextlib.suppress(WebSocketDisconnect):  # the client may already be gone
            await websocket.close(code=SIGN_IN_REQUIRED_CLOSE_CODE, reason=SIGN_IN_REQUIRED)
        return
    settings = websocket.app.state.settings
    feed = UpdateFeed(settings.KILL_SWITCH_DAILY_LOSS_LIMIT)
    path = settings.database_path
    log_tail = LiveLogTail()
    subscribed = asyncio.Event()
    # After the auth message the client sends only log tail subscriptions; reading is also
    # how a disconnect is noticed.
    disconnected = asyncio.create_task(_read_messages(websocket, log_tail, subscribed))
    try:
        await websocket.send_json(await in_worker_thread(path, feed.snapshot))
        while not disconnected.done():
            woken = asyncio.create_task(subscribed.wait())
            await asyncio.wait({disconnected, woken}, timeout=settings.WS_UPDATE_INTERVAL_SECONDS)
            woken.cancel()
            subscribed.clear()
            if disconnected.done():
                break
            if not await _session_still_valid(websocket, claims):
                await websocket.close(code=SIGN_IN_REQUIRED_CLOSE_CODE, reason=SIGN_IN_REQUIRED)
                break
            for message in await in_worker_thread(path, feed.changes):
                await websocket.send_json(message)
            for message in await log_tail.messages(path):
                await websocket.send_json(message)
    except WebSocketDisconnect:
        pass
    finally:
        disconnected.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await disconnected


async def _read_messages(
    websocket: WebSocket, log_tail: LiveLogTail, subscribed: asyncio.Event
) -> None:
    while (message := await websocket.receive())["type"] != "websocket.disconnect":
        text = message.get("text")
        if isinstance(text, str) and log_tail.handle(text):
            subscribed.set()
