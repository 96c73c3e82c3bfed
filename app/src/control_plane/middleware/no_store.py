"""`Cache-Control: no-store` on every answer of the API and the socket's handshake: they carry
account data and tokens that no browser or proxy cache may keep."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHE_CONTROL = b"cache-control"
NO_STORE = b"no-store"
_STARTS = {"http.response.start", "websocket.accept"}


class NoStoreMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] in _STARTS:
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != CACHE_CONTROL
                ]
                headers.append((CACHE_CONTROL, NO_STORE))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_no_store)
