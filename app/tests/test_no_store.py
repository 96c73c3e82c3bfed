"""Every answer of the API carries `Cache-Control: no-store`, errors included: account data and
tokens must not stay in a browser's or a proxy's cache (issue 13, smaller holes)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_every_route_answers_no_store_signed_in_or_not(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in operations:
            for headers in ({}, auth_headers):
                response = client.request(method.upper(), path, headers=headers)
                assert response.headers.get("cache-control") == "no-store", (method, path)
    assert {"/api/auth/login", "/api/logs/batch", "/api/audit/events"} <= set(schema["paths"])
    for extra in ("/api/no-such-route", "/openapi.json", "/metrics"):
        assert client.get(extra).headers["cache-control"] == "no-store"
