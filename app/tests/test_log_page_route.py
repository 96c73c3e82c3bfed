"""GET /api/logs reads its query string in one validation (api.log_page_route) where it can and
lets FastAPI read it otherwise: both give the same answers, and the one validation declares
exactly what the route declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.datastructures import QueryParams

from control_plane import security
from control_plane.api.deps import bearer_scheme, get_settings, get_signed_in_reader
from control_plane.api.log_filter_query import log_filter_query
from control_plane.api.log_page_route import LogPageQuery, LogPageRoute, read_page_query
from control_plane.api.logs import router
from control_plane.security import issue_token, read_token_claims
from control_plane.settings import Settings
from tests.conftest import bearer, sign_in
from tests.test_logs_api import seeded  # noqa: F401  (a fixture)

SECRET = "token-cache-secret-0123456789abcdef01234"


def page_route() -> APIRoute:
    (route,) = [
        route
        for route in router.routes
        if isinstance(route, APIRoute) and route.path == "/api/logs" and "GET" in route.methods
    ]
    return route


def query_params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from query_params(sub)


def test_the_one_validation_declares_what_the_route_declares() -> None:
    route = page_route()
    assert isinstance(route, LogPageRoute)
    declared = {param.name: param for param in query_params(route.dependant)}
    assert set(declared) == set(LogPageQuery.model_fields)
    for name, param in declared.items():
        field = LogPageQuery.model_fields[name]
        assert param.alias == name
        assert param.field_info.annotation == field.annotation, name
        assert param.field_info.default == field.default, name
        assert param.field_info.metadata == field.metadata, name


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "limit=5&limit=6",
        "event=a&event=b",
        "start=yesterday",
        "order=sideways",
        "source=nowhere",
        "actor=",
        "q=" + "x" * 501,
        "archived=maybe",
        "&".join(f"where=level%3DINFO{i}" for i in range(21)),
    ],
)
def test_anything_the_model_refuses_is_left_to_fastapi(query: str) -> None:
    assert read_page_query(QueryParams(query)) is None


def test_the_values_are_read_as_fastapi_reads_them() -> None:
    query = read_page_query(
        QueryParams(
            "level=ERROR&level=warning&limit=7&archived=true&start=2026-11-20T12:00:00Z"
            "&where=event%3Dtick&where=level!%3DINFO&unknown=1&unknown=2&order=oldest"
        )
    )
    assert query is not None
    assert query.level == ["ERROR", "warning"]
    assert query.limit == 7
    assert query.archived is True
    assert query.start is not None and query.start.isoformat() == "2026-11-20T12:00:00+00:00"
    assert query.where == ["event=tick", "level!=INFO"]
    assert query.order == "oldest"
    assert read_page_query(QueryParams("")) == LogPageQuery()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"limit": 5},
        {"level": ["ERROR", "WARNING"], "limit": 3},
        {"event": "order_placed", "order": "oldest"},
        {"correlation_id": "req-3"},
        {"start": "2026-11-20T12:30:00Z", "end": "2026-11-20T13:00:00Z"},
        {"q": "strike", "limit": 4},
        {"where": ["event=tick", "level!=INFO"], "limit": 10},
        {"actor": "nobody"},
    ],
)
def test_both_reads_answer_the_same(
    client: TestClient, auth_headers: dict[str, str], params: dict[str, Any]
) -> None:
    fast = client.get("/api/logs", params=params, headers=auth_headers)
    # A repeated limit is FastAPI's to read (it takes the last one).
    repeated = {**params, "limit": [params.get("limit", 100)] * 2}
    standard = client.get("/api/logs", params=repeated, headers=auth_headers)
    assert fast.status_code == standard.status_code == 200
    assert fast.content == standard.content
    assert fast.json()["items"] or "actor" in params
    # The next page by its cursor, through the one validation too.
    cursor = fast.json()["next_cursor"]
    if cursor:
        following = client.get(
            "/api/logs", params={**params, "cursor": cursor}, headers=auth_headers
        )
        assert following.status_code == 200
        assert following.json()["items"][0]["id"] != fast.json()["items"][0]["id"]


def test_refusals_are_fastapis(client: TestClient, auth_headers: dict[str, str]) -> None:
    invalid_limit = client.get("/api/logs", params={"limit": 0}, headers=auth_headers)
    assert invalid_limit.status_code == 422
    assert invalid_limit.json()["detail"][0]["loc"] == ["query", "limit"]
    # Read by the one validation, refused by the filter's own parse, as FastAPI's 422.
    bad_where = client.get("/api/logs", params={"where": "nonsense"}, headers=auth_headers)
    assert bad_where.status_code == 422
    assert bad_where.json()["detail"][0]["loc"] == ["query", "where"]
    assert client.get("/api/logs", params={"cursor": "!!"}, headers=auth_headers).status_code == 400
    # Signed out is answered first, whichever read the query string takes.
    for params in ({}, {"limit": 0}, {"where": "nonsense"}, {"cursor": "!!"}):
        refused = client.get("/api/logs", params=params)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert client.get("/api/logs", params=params, headers=bearer("forged")).status_code == 401


def test_a_signed_out_token_is_refused_by_the_one_validation_too(
    client: TestClient, settings: Settings
) -> None:
    tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    headers = bearer(tokens["access_token"])
    assert client.get("/api/logs", params={"limit": 1}, headers=headers).status_code == 200
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/logs", params={"limit": 1}, headers=headers).status_code == 401


def test_a_token_verified_before_is_refused_once_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = issue_token("admin", "a" * 32, SECRET, 60)
    first = read_token_claims(issued.token, SECRET)
    assert first is not None
    assert read_token_claims(issued.token, SECRET) == first
    # Under another secret it is a forgery, remembered or not.
    assert read_token_claims(issued.token, SECRET + "x") is None
    monkeypatch.setattr(security.time, "time", lambda: issued.expires_at - 0.5)
    assert read_token_claims(issued.token, SECRET) == first
    monkeypatch.setattr(security.time, "time", lambda: issued.expires_at)
    assert read_token_claims(issued.token, SECRET) is None
    monkeypatch.undo()
    assert read_token_claims(issued.token, SECRET) == first


def dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from dependency_calls(sub)


def test_the_one_validation_runs_every_dependency_the_route_declares() -> None:
    """LogPageRoute calls these itself: a dependency added to the route (or to its router) that
    it did not call would be skipped for every valid query string."""
    route = page_route()
    assert route.dependencies == []
    assert router.dependencies == []
    assert set(dependency_calls(route.dependant)) == {
        get_signed_in_reader,
        bearer_scheme,
        get_settings,
        log_filter_query,
    }
