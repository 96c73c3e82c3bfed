from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_analytics_api import sections
from tests.test_strategies_api import valid_body

START = "2026-11-16T00:00:00Z"


@pytest.fixture
def strategy_id(client: TestClient, auth_headers: dict[str, str]) -> int:
    body = valid_body(
        name="-- my strategy",
        entry_time="06:30",
        exit_time="16:30",
        max_loss_pct=100,
        max_profit_pct=60,
        active=False,
    )
    response = client.post("/api/strategies", json=body, headers=auth_headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def backtest(client: TestClient, headers: dict[str, str], strategy_id: int, **body: Any) -> Any:
    return client.post(f"/api/strategies/{strategy_id}/backtest", json=body, headers=headers)


def test_backtest_returns_trades_statistics_and_series(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    response = backtest(client, auth_headers, strategy_id, start=START, days=3, seed=5)
    assert response.status_code == 200, response.text
    result = response.json()
    # 06:30 in Asia/Kolkata is 01:00 UTC: one strangle per day.
    assert [t["opened_at"] for t in result["trades"]] == [
        "2026-11-16T01:00:00Z",
        "2026-11-17T01:00:00Z",
        "2026-11-18T01:00:00Z",
    ]
    stats = result["statistics"]
    assert stats["trade_count"] == 3
    net_pnls = [t["net_pnl"] for t in result["trades"]]
    assert stats["net_pnl"] == pytest.approx(sum(net_pnls))
    assert stats["average_trade"] == pytest.approx(sum(net_pnls) / 3)
    wins, losses = [p for p in net_pnls if p > 0], [p for p in net_pnls if p < 0]
    assert stats["largest_win"] == (max(wins) if wins else None)
    assert stats["largest_loss"] == (min(losses) if losses else None)
    assert (result["start"], result["end"]) == (START, "2026-11-19T00:00:00Z")
    assert [p["value"] for p in result["cumulative_pnl"]][-1] == pytest.approx(stats["net_pnl"])
    assert len(result["drawdown"]) == 3
    assert all(p["value"] <= 0 for p in result["drawdown"])
    again = backtest(client, auth_headers, strategy_id, start=START, days=3, seed=5)
    assert again.json() == result
    other_seed = backtest(client, auth_headers, strategy_id, start=START, days=3, seed=6)
    assert other_seed.json()["trades"] != result["trades"]


def test_backtest_validation_sign_in_and_unknown_strategy(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    naive = backtest(client, auth_headers, strategy_id, start="2026-11-16T00:00:00")
    assert naive.status_code == 422
    assert "timezone" in naive.text
    too_long = backtest(client, auth_headers, strategy_id, start=START, days=90)
    assert too_long.status_code == 422
    assert backtest(client, auth_headers, 999, start=START).status_code == 404
    assert backtest(client, {}, strategy_id, start=START).status_code == 401


def test_backtest_over_an_end_matches_the_same_days(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    by_days = backtest(client, auth_headers, strategy_id, start=START, days=3, seed=5)
    by_end = backtest(
        client, auth_headers, strategy_id, start=START, end="2026-11-19T00:00:00Z", seed=5
    )
    assert by_end.status_code == 200, by_end.text
    assert by_end.json() == by_days.json()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"end": START}, "end", "end must be after start"),
        ({"end": "2026-11-15T00:00:00Z"}, "end", "end must be after start"),
        (
            {"end": "2026-12-27T00:00:00Z"},
            "end",
            "a backtest covers at most 31 days; this range covers 41",
        ),
        ({"end": "2026-11-18T00:00:00Z", "days": 2}, "days", "give either end or days, not both"),
    ],
)
def test_backtest_range_problems_name_the_field(
    client: TestClient,
    auth_headers: dict[str, str],
    strategy_id: int,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = backtest(client, auth_headers, strategy_id, start=START, **body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", field]
    assert message in problem["msg"]


def test_a_month_is_the_longest_range(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    end = "2026-12-17T00:00:00Z"
    response = backtest(client, auth_headers, strategy_id, start=START, end=end, step_minutes=60)
    assert response.status_code == 200, response.text
    assert response.json()["end"] == end


def test_export_is_the_same_backtest_as_csv(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    body = {"start": START, "end": "2026-11-19T00:00:00Z", "seed": 5}
    result = backtest(client, auth_headers, strategy_id, **body).json()
    with client.stream(
        "POST", f"/api/strategies/{strategy_id}/backtest/export", json=body, headers=auth_headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "content-length" not in response.headers  # streamed
        disposition = response.headers["content-disposition"]
        text = response.read().decode()
    expected_name = f"backtest-strategy{strategy_id}-20261116-20261119-seed5.csv"
    assert disposition == f'attachment; filename="{expected_name}"'
    parts = sections(text)
    assert list(parts) == ["metadata", "metrics", "trades"]
    metadata = dict(parts["metadata"][1:])
    assert (metadata["start"], metadata["end"], metadata["seed"]) == (
        START,
        "2026-11-19T00:00:00Z",
        "5",
    )
    assert metadata["strategy_name"] == "'-- my strategy"  # defused, not a formula
    metrics = dict(parts["metrics"][1:])
    assert metrics["trade_count"] == "3"
    assert list(metrics) == list(result["statistics"])
    for name, value in result["statistics"].items():
        cell = metrics[name]
        assert cell == "" if value is None else float(cell) == pytest.approx(value)
    header, *rows = parts["trades"]
    assert header == [*result["trades"][0], "cumulative_pnl"]
    assert len(rows) == 3
    assert [row[0] for row in rows] == [t["opened_at"] for t in result["trades"]]
    assert [float(row[-1]) for row in rows] == pytest.approx(
        [p["value"] for p in result["cumulative_pnl"]]
    )


def test_export_checks_like_the_backtest(
    client: TestClient, auth_headers: dict[str, str], strategy_id: int
) -> None:
    path = f"/api/strategies/{strategy_id}/backtest/export"
    bad = client.post(path, json={"start": START, "end": START}, headers=auth_headers)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "end"]
    assert client.post(path, json={"start": START}).status_code == 401
    missing = "/api/strategies/999/backtest/export"
    assert client.post(missing, json={"start": START}, headers=auth_headers).status_code == 404
