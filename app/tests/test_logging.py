from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.logging_setup import configure_logging
from control_plane.main import create_app
from control_plane.settings import Settings

RFC3339_MICROS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def logged_settings(settings: Settings):
    configure_logging("INFO", settings.BACKEND_LOG_PATH, stdout=False)
    yield settings
    configure_logging("INFO", None, stdout=False)


def test_line_has_required_fields_and_extras(logged_settings: Settings) -> None:
    logging.getLogger("control_plane.test").info(
        "placed %s", "order", extra={"event": "order_placed", "strategy_id": "s1"}
    )
    [line] = read_lines(logged_settings.BACKEND_LOG_PATH)
    assert RFC3339_MICROS_UTC.match(line["ts"])
    assert line["level"] == "INFO"
    assert line["logger"] == "control_plane.test"
    assert line["event"] == "order_placed"
    assert line["message"] == "placed order"
    assert line["correlation_id"] is None
    assert line["strategy_id"] == "s1"


def test_handler_reopens_after_rename_rotation(logged_settings: Settings) -> None:
    path = logged_settings.BACKEND_LOG_PATH
    log = logging.getLogger("control_plane.test")
    log.info("before")
    path.rename(path.with_name("backend.log.1"))
    log.info("after")
    assert [line["message"] for line in read_lines(path)] == ["after"]
    assert [line["message"] for line in read_lines(path.with_name("backend.log.1"))] == ["before"]


def _app_with_task_route(settings: Settings):
    app = create_app(settings)

    @app.get("/spawn")
    async def spawn() -> dict[str, bool]:
        async def child() -> None:
            logging.getLogger("control_plane.child").info("from task")

        await asyncio.create_task(child())
        return {"ok": True}

    return app


def test_request_id_is_returned_and_on_every_line_including_tasks(
    logged_settings: Settings,
) -> None:
    with TestClient(_app_with_task_route(logged_settings)) as client:
        response = client.get("/spawn", headers={"X-Request-ID": "req-abc.123"})
    assert response.headers["x-request-id"] == "req-abc.123"
    lines = [ln for ln in read_lines(logged_settings.BACKEND_LOG_PATH) if ln["correlation_id"]]
    assert {ln["message"] for ln in lines} >= {"from task", "GET /spawn 200"}
    assert {ln["correlation_id"] for ln in lines} == {"req-abc.123"}


@pytest.mark.parametrize("offered", ["x" * 129, "bad id with spaces", "<script>", ""])
def test_unsafe_request_id_is_replaced(client: TestClient, offered: str) -> None:
    response = client.get("/api/health", headers={"X-Request-ID": offered})
    returned = response.headers["x-request-id"]
    assert returned != offered
    assert re.fullmatch(r"[0-9a-f]{32}", returned)


def test_request_without_id_gets_a_fresh_one_each_time(client: TestClient) -> None:
    first = client.get("/api/health").headers["x-request-id"]
    second = client.get("/api/health").headers["x-request-id"]
    assert first != second


def test_unhandled_error_answers_json_500_naming_the_id_logged_with_it(
    logged_settings: Settings,
) -> None:
    app = create_app(logged_settings)

    @app.post("/explode")
    async def explode() -> None:
        raise RuntimeError("disk full while writing")

    with TestClient(app) as client:
        response = client.post("/explode", headers={"X-Request-ID": "req-boom.1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "req-boom.1"
    assert response.json() == {"detail": "internal server error", "correlation_id": "req-boom.1"}
    lines = [ln for ln in read_lines(logged_settings.BACKEND_LOG_PATH) if ln["correlation_id"]]
    [error] = [ln for ln in lines if ln["event"] == "http_unhandled_error"]
    assert error["level"] == "ERROR" and "disk full while writing" in json.dumps(error)
    assert {ln["correlation_id"] for ln in lines} == {"req-boom.1"}
    assert "POST /explode 500" in {ln["message"] for ln in lines}
