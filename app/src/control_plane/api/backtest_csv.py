"""A backtest as CSV: sections `# metadata`, `# metrics` and `# trades` (one row per trade)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from control_plane.csv_cells import LINE_END, csv_text
from control_plane.times import iso_z

if TYPE_CHECKING:
    from control_plane.api.backtests import BacktestRequest, BacktestResponse

TRADE_ROWS_PER_CHUNK = 500


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_z(value)
    return value


def backtest_filename(strategy_id: int, body: BacktestRequest) -> str:
    start, end = body.start.astimezone(UTC), body.finish.astimezone(UTC)
    return f"backtest-strategy{strategy_id}-{start:%Y%m%d}-{end:%Y%m%d}-seed{body.seed}.csv"


def backtest_csv(
    strategy: tuple[int, str],
    body: BacktestRequest,
    result: BacktestResponse,
    trade_columns: list[str],
    now: datetime,
) -> Iterator[str]:
    """The sections in chunks; the trades carry the equity curve as cumulative_pnl."""
    strategy_id, strategy_name = strategy
    metadata = {
        "generated_at": now,
        "strategy_id": strategy_id,
        "strategy_name": strategy_name,
        "start": result.start,
        "end": result.end,
        "step_minutes": body.step_minutes,
        "seed": body.seed,
        "slippage_pct": body.slippage_pct,
        "position_open_at_end": result.position_open_at_end,
    }
    statistics = result.statistics.model_dump()
    yield (
        f"# metadata{LINE_END}"
        + csv_text([["field", "value"], *([k, _cell(v)] for k, v in metadata.items())])
        + f"# metrics{LINE_END}"
        + csv_text([["metric", "value"], *([k, _cell(v)] for k, v in statistics.items())])
        + f"# trades{LINE_END}"
        + csv_text([[*trade_columns, "cumulative_pnl"]])
    )
    # The curve's points are in close order, as the trades are.
    curve = [point.value for point in result.cumulative_pnl]
    for first in range(0, len(result.trades), TRADE_ROWS_PER_CHUNK):
        chunk = result.trades[first : first + TRADE_ROWS_PER_CHUNK]
        yield csv_text(
            [*(_cell(getattr(trade, name)) for name in trade_columns), curve[first + offset]]
            for offset, trade in enumerate(chunk)
        )
