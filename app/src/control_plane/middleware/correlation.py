"""Accepts or mints X-Request-ID, returns it and binds it to the request's log lines; an
unhandled error becomes a JSON 500 naming the id, logged with its traceback under that id."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from control_plane.correlation import accept_request_id, correlation_id_var
from control_plane.logs.viewer_reads import is_viewer_read

REQUEST_ID_HEADER = b"x-request-id"
logger = logging.getLogger("control_plane.http")


# Told of every request once answered: method, route template ("unmatched" when no route took
# it, so the label set stays bounded), status and seconds.
RequestObserver = Callable[[str, str, int, float], None]


def request_log_level(method: str | None, path: str | None) -> int:
    return logging.DEBUG if is_viewer_read(method, path) else logging.INFO


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", "unmatched"))


class CorrelationIdMiddleware:
    def __init__(self, app: ASGIApp, observe: RequestObserver | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = None
        for name, value in scope.get("headers", []):
            if name == REQUEST_ID_HEADER:
                offered = value.decode("latin-1")
                break
        request_id = accept_request_id(offered)
        token = correlation_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}
        started_response = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
                status_holder["status"] = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            logger.exception(
                "unhandled error in %s %s",
                scope.get("method"),
                scope.get("path"),
                extra={"event": "http_unhandled_error"},
            )
            if started_response:
                raise
            status_holder["status"] = 500
            await send_internal_error(send, request_id)
        finally:
            seconds = time.perf_counter() - started
            if self.observe is not None:
                self.observe(
                    str(scope.get("method")),
                    route_template(scope),
                    status_holder["status"],
                    seconds,
                )
            logger.log(
                request_log_level(scope.get("method"), scope.get("path")),
                "%s %s %s",
                scope.get("method"),
                scope.get("path"),
                status_holder["status"],
                extra={
                    "event": "http_request",
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status_holder["status"],
                    "duration_ms": round(seconds * 1000, 3),
                },
            )
            correlation_id_var.reset(token)


async def send_internal_error(send: Send, request_id: str) -> None:
    body = orjson.dumps({"detail": "internal server error", "correlation_id": request_id})
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("latin-1")),
                (REQUEST_ID_HEADER, request_id.encode("latin-1")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
