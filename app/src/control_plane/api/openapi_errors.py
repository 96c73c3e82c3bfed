"""Errors every route can give, added to the OpenAPI document from the routes themselves.

A route with a JSON body can answer 400 (body not parseable); one that reads the bearer
token can answer 401; one behind AdminUser can answer 403. Deriving these from the
dependencies keeps routes added later documented without repeating `responses=` on each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from control_plane.api.deps import get_admin_user, get_optional_user, get_signed_in_reader
from control_plane.api.errors import DESCRIPTIONS, ERROR_REF, ErrorDetail


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _implied_errors(route: APIRoute) -> list[int]:
    calls = set(_calls(route.dependant))
    codes = []
    if route.body_field is not None:
        codes.append(400)
    if get_optional_user in calls or get_signed_in_reader in calls:
        codes.append(401)
    if get_admin_user in calls:
        codes.append(403)
    return codes


def document_implied_errors(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        # FastAPI caches the document (and rebuilds it when routes change); adding is idempotent.
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorDetail", ErrorDetail.model_json_schema())
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            path = schema["paths"].get(context.path_format or "")
            if not isinstance(route, APIRoute) or path is None:
                continue
            for method in route.methods or ():
                operation = path.get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for code in _implied_errors(route):
                    responses.setdefault(
                        str(code),
                        {
                            "description": DESCRIPTIONS[code],
                            "content": {"application/json": {"schema": ERROR_REF}},
                        },
                    )
        return schema

    # Replacing app.openapi is FastAPI's documented way to extend the schema.
    app.openapi = openapi  # type: ignore[method-assign]
