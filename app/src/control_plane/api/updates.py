"""WS /ws/updates?token=...: a snapshot, then sessions, fills and kill switch changes."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from control_plane.api.deps import user_for_token
from control_plane.sessions import store
from control_plane.sessions.updates import UpdateFeed

router = APIRouter(tags=["updates"])

BAD_TOKEN_CLOSE_CODE = 4401


async def _signed_in(websocket: WebSocket, token: str | None) -> bool:
    settings = websocket.app.state.settings
    async with websocket.app.state.session_factory() as session:
        user = await user_for_token(session, token or "", settings.JWT_SECRET)
    return user is not None


@router.websocket("/ws/updates")
async def updates(websocket: WebSocket, token: str | None = None) -> None:
    # Accepted first: a close before the handshake completes cannot carry a code.
    await websocket.accept()
    if not await _signed_in(websocket, token):
        await websocket.close(code=BAD_TOKEN_CLOSE_CODE, reason="sign-in required")
        return
    settings = websocket.app.state.settings
    feed = UpdateFeed(settings.KILL_SWITCH_DAILY_LOSS_LIMIT)
    path = settings.database_path
    # The client sends nothing; reading is only how a disconnect is noticed.
    disconnected = asyncio.create_task(_wait_for_disconnect(websocket))
    try:
        await websocket.send_json(await store.in_worker_thread(path, feed.snapshot))
        while not disconnected.done():
            await asyncio.wait({disconnected}, timeout=settings.WS_UPDATE_INTERVAL_SECONDS)
            if disconnected.done():
                break
            for message in await store.in_worker_thread(path, feed.changes):
                await websocket.send_json(message)
    except WebSocketDisconnect:
        pass
    finally:
        disconnected.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await disconnected


async def _wait_for_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive_text()
